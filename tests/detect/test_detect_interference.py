"""Interference must not create or extend movements: ECG, drift, posture steps, mains, pops."""

from __future__ import annotations

import numpy as np
import pytest
from _detect_synth import carrier, emg, qrs_train

from twitchscope.detect import detect_leg_movements, detect_legs
from twitchscope.detect.ecg import (
    SlopeEnergyStream,
    blank_envelope,
    ecg_block,
    r_peak_times,
    r_peaks_from_energy,
    slope_energy,
)
from twitchscope.detect.filters import detect_mains
from twitchscope.signal import Signal

BURSTS = [(20.0, 1.5, 25.0), (50.0, 3.0, 40.0), (80.0, 0.8, 15.0)]


def _durations(sig: Signal, **kw: object) -> list[tuple[float, float]]:
    mv = detect_leg_movements(sig, "left", **kw).movements  # type: ignore[arg-type]
    return list(zip(mv["onset"].round(2), mv["duration"].round(2), strict=True))


@pytest.mark.parametrize("peak_uv", [8.0, 15.0, 30.0])
def test_qrs_spikes_neither_create_nor_extend_movements(peak_uv: float) -> None:
    fs, dur = 256.0, 100.0
    qrs, _ = qrs_train(int(fs * dur), fs, peak_uv)
    clean = emg(BURSTS, fs=fs, duration=dur)
    dirty = emg(BURSTS, fs=fs, duration=dur, extra=qrs)
    ecg = Signal("ECG", (qrs * 50).astype(np.float32), fs, role="ecg")
    ref = detect_leg_movements(clean, "left").movements
    for kw in ({}, {"ecg": ecg}):
        mv = detect_leg_movements(dirty, "left", **kw).movements  # type: ignore[arg-type]
        assert len(mv) == len(ref) == len(BURSTS)
        np.testing.assert_allclose(mv["onset"], ref["onset"], atol=0.11)
        np.testing.assert_allclose(
            mv["onset"] + mv["duration"], ref["onset"] + ref["duration"], atol=0.11
        )


def test_r_peaks_found_and_envelope_blanked() -> None:
    fs = 256.0
    qrs, beats = qrs_train(int(fs * 60), fs, 1000.0, rate_hz=1.2)
    ecg = Signal("ECG", qrs.astype(np.float32), fs, role="ecg")
    found = r_peak_times(ecg)
    assert len(found) == len(beats)
    assert np.abs(found - beats).max() < 0.03
    fine = np.ones(1200, dtype=np.float32)
    spikes = np.rint(beats / 0.05).astype(int)
    fine[spikes] = 50.0
    out = blank_envelope(fine, 0.05, 0.0, found)
    assert out.max() == 1.0


def test_wide_large_qrs_needs_and_uses_the_ecg_channel() -> None:
    fs, dur = 256.0, 100.0
    n = int(fs * dur)
    qrs, _ = qrs_train(n, fs, 40.0)
    # a wide (~120 ms) QRS-like leak that survives the running median
    wide = np.convolve(qrs, np.ones(int(0.06 * fs)) / 4, mode="same")
    dirty = emg(BURSTS, fs=fs, duration=dur, extra=wide)
    ecg = Signal("ECG", (qrs * 50).astype(np.float32), fs, role="ecg")
    with_ecg = detect_leg_movements(dirty, "left", ecg=ecg).movements
    assert len(with_ecg) == len(BURSTS)


def test_slow_drift_and_posture_steps_do_not_create_movements() -> None:
    fs, dur = 256.0, 600.0
    t = np.arange(int(fs * dur)) / fs
    rest = 2.0 * np.exp(0.4 * np.sin(2 * np.pi * t / 400.0))  # slow drift, x0.67-x1.5
    rest = rest * np.where(t > 200, 2.2, 1.0) * np.where(t > 420, 0.4, 1.0)  # two steps
    sig = emg([], fs=fs, duration=dur, rest_rms=rest)
    det = detect_leg_movements(sig, "left")
    assert det.n_movements == 0
    assert det.excluded_s == 0.0
    # the same night with movements: all found, nothing else
    sig2 = emg([(150.0, 2.0, 20.0), (205.0, 1.0, 20.0), (430.0, 2.0, 20.0)], fs=fs,
               duration=dur, rest_rms=rest)  # fmt: skip
    mv = detect_leg_movements(sig2, "left").movements
    assert len(mv) == 3
    np.testing.assert_allclose(mv["onset"], [150.0, 205.0, 430.0], atol=0.1)


@pytest.mark.parametrize(("mains_hz", "fs"), [(50.0, 256.0), (60.0, 200.0), (50.0, 512.0)])
def test_mains_hum_is_notched(mains_hz: float, fs: float) -> None:
    dur = 100.0
    t = np.arange(int(fs * dur)) / fs
    hum = 20.0 * np.sin(2 * np.pi * mains_hz * t + 0.3)
    sig = emg(BURSTS, fs=fs, duration=dur, extra=hum)
    assert mains_hz in detect_mains(sig.data, fs)
    det = detect_leg_movements(sig, "left")
    assert det.n_movements == len(BURSTS)
    np.testing.assert_allclose(det.movements["onset"], [b[0] for b in BURSTS], atol=0.1)
    assert det.excluded_s == 0.0
    assert det.resting_uv_median < 5.0
    assert mains_hz in det.mains_notch_hz  # the notch is reported, not silent
    # no peak, no notch
    clean = emg(BURSTS, fs=fs, duration=dur)
    assert detect_mains(clean.data, fs) == []
    assert detect_leg_movements(clean, "left").mains_notch_hz == ()


def test_electrode_pops_are_excluded_not_movements() -> None:
    fs, dur = 256.0, 100.0
    n = int(fs * dur)
    pops = np.zeros(n)
    for t0, size in ((35.0, 600.0), (65.0, -300.0)):
        i = int(t0 * fs)
        pops[i:] += size * np.exp(-np.arange(n - i) / (0.1 * fs))
    sig = emg(BURSTS, fs=fs, duration=dur, extra=pops)
    det = detect_leg_movements(sig, "left")
    assert det.n_movements == len(BURSTS)
    reasons = det.excluded["reason"].tolist()
    assert reasons == ["artefact", "artefact"]
    assert 2.0 <= det.excluded_s <= 8.0


def test_cable_motion_is_excluded_and_a_movement_runs_through_it() -> None:
    fs, dur = 256.0, 120.0
    n = int(fs * dur)
    rng = np.random.default_rng(5)
    t = np.arange(n) / fs
    swing = np.zeros(n)
    # 0.5-5 Hz swings of ~200 µV with broadband contamination, 40-46 s (no muscle activity)
    sl = slice(int(40 * fs), int(46 * fs))
    slow = np.convolve(rng.standard_normal(n), np.hanning(int(0.2 * fs)), mode="same")
    swing[sl] = 200 * slow[sl] / slow[sl].std() + 40 * carrier(rng, n, fs)[sl]
    sig = emg([(90.0, 2.0, 30.0)], fs=fs, duration=dur, extra=swing)
    det = detect_leg_movements(sig, "left")
    assert det.n_movements == 1
    assert (det.excluded["reason"] == "artefact").all()
    ex = det.excluded.iloc[0]
    assert ex["onset"] <= 40.0 and ex["onset"] + ex["duration"] >= 46.0
    # a movement that starts before cable motion continues through it
    swing2 = np.zeros(n)
    sl2 = slice(int(62 * fs), int(66 * fs))
    swing2[sl2] = 200 * slow[sl2] / slow[sl2].std()
    sig2 = emg([(60.0, 8.0, 40.0)], fs=fs, duration=dur, extra=swing2)
    mv = detect_leg_movements(sig2, "left").movements
    assert len(mv) == 1
    assert abs(mv["onset"].iloc[0] - 60.0) < 0.1
    assert mv["duration"].iloc[0] > 7.0
    # muscle activity right after cable motion (no quiet between) is one movement with it
    sig3 = emg([(66.0, 3.0, 40.0)], fs=fs, duration=dur, extra=swing2)
    mv = detect_leg_movements(sig3, "left").movements
    assert len(mv) == 1
    assert 60.5 < mv["onset"].iloc[0] < 62.5  # where the artefact (with its margin) starts
    assert abs(mv["onset"].iloc[0] + mv["duration"].iloc[0] - 69.0) < 0.15
    del t


def test_two_legs_share_one_ecg_pass() -> None:
    fs, dur = 256.0, 60.0
    qrs, _ = qrs_train(int(fs * dur), fs, 20.0)
    ecg = Signal("ECG", (qrs * 50).astype(np.float32), fs, role="ecg")
    left = emg([(10.0, 2.0, 30.0)], fs=fs, duration=dur, extra=qrs)
    right = emg([(30.0, 2.0, 30.0)], fs=fs, duration=dur, extra=qrs, seed=4, label="Leg R")
    dl, dr = detect_legs(left, right, ecg=ecg)
    assert (dl.n_movements, dr.n_movements) == (1, 1)


def test_noisy_resting_emg_below_the_limit_gives_no_false_movements() -> None:
    # resting EMG of 12 µV RMS (just below the high-noise limit) with a strong QRS leak: its
    # upward fluctuations must not count as movements, while a 20 µV RMS movement is found
    fs, dur = 256.0, 1200.0
    qrs, _ = qrs_train(int(fs * dur), fs, 14.0)
    for seed in (0, 2):
        sig = emg([(100.0, 2.0, 20.0)], fs=fs, duration=dur, rest_rms=12.0, seed=seed, extra=qrs)
        det = detect_leg_movements(sig, "left")
        assert det.excluded_s == 0.0
        assert 13.0 < det.resting_uv_median < 15.0
        assert det.movements["onset"].round(0).tolist() == [100.0]


@pytest.mark.parametrize(
    ("fs", "n", "feed_at"),
    [
        (256.0, 256 * 90, (0, 256, 4096, 9000, 9001 + 7, 20000)),  # joins inside energy blocks
        (200.0, 200 * 60, tuple(range(0, 200 * 60, 200))),  # one 1 s record at a time
        (512.0, 512 * 30, (0, 13 * 100)),  # a join on an energy block's edge (13 samples)
    ],
)
def test_slope_energy_fed_in_blocks_equals_the_whole_channel(
    fs: float, n: int, feed_at: tuple[int, ...]
) -> None:
    """The ECG's slope energy made block by block while decoding (never holding the ECG) is
    the whole channel's, and so are the R peaks found from it."""
    qrs, beats = qrs_train(n, fs, 800.0, rate_hz=1.3)
    rng = np.random.default_rng(3)
    x = (qrs + rng.normal(0.0, 15.0, n)).astype(np.float32)
    block = ecg_block(fs)
    stream = SlopeEnergyStream(n, block)
    stops = (*feed_at[1:], n)
    for a, b in reversed(list(zip(feed_at, stops, strict=True))):  # any order
        stream.feed(a, x[a:b].copy())
    whole = slope_energy(x, block)
    got = stream.energy()
    np.testing.assert_allclose(got, whole, rtol=1e-5, atol=1e-3)
    ecg = Signal("ECG", x, fs, role="ecg", start=2.5)
    times = r_peaks_from_energy(got, block / fs, ecg.start)
    np.testing.assert_array_equal(times, r_peak_times(ecg))
    assert len(times) == len(beats)


def test_slope_energy_stream_refuses_missing_or_repeated_blocks() -> None:
    x = np.zeros(1000, dtype=np.float32)
    stream = SlopeEnergyStream(1000, 5)
    stream.feed(0, x[:400])
    with pytest.raises(ValueError, match="cover"):
        stream.energy()
    stream.feed(300, x[300:])  # overlaps the first block
    with pytest.raises(ValueError, match="cover"):
        stream.energy()


def test_detection_waits_for_r_peaks_given_as_a_function() -> None:
    """R peaks handed over as a function (found while the EMG is filtered) give the same
    movements as the R peaks themselves; the function is called once the envelope exists."""
    fs, dur = 256.0, 100.0
    n = int(fs * dur)
    qrs, _ = qrs_train(n, fs, 40.0)
    wide = np.convolve(qrs, np.ones(int(0.06 * fs)) / 4, mode="same")
    dirty = emg(BURSTS, fs=fs, duration=dur, extra=wide)
    r = r_peak_times(Signal("ECG", (qrs * 50).astype(np.float32), fs, role="ecg"))
    calls: list[int] = []

    def later() -> np.ndarray:
        calls.append(1)
        return r

    direct = detect_leg_movements(dirty, "left", r_times=r)
    lazy = detect_leg_movements(dirty, "left", r_times=later)
    assert calls == [1]
    assert direct.movements.equals(lazy.movements)
