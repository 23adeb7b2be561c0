"""The signals carry the truth: LMs well above rest, rest near rest, interference and artefacts."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from scipy import signal as sps

from twitchscope.simulate import SimulatedNight, simulate_night
from twitchscope.simulate.night import LEG_LIMIT_UV


def _envelope(x: npt.NDArray[np.float32], fs: float, notch: float | None = None) -> np.ndarray:
    """10-100 Hz band-pass (WASM), optional mains notch, rectify, 100 ms moving average."""
    y = x.astype(np.float64)
    if notch is not None:
        b, a = sps.iirnotch(notch, 30.0, fs)
        y = sps.filtfilt(b, a, y)
    sos = sps.butter(4, [10.0, min(100.0, 0.45 * fs)], btype="bandpass", fs=fs, output="sos")
    y = np.abs(sps.sosfiltfilt(sos, y))
    w = int(0.1 * fs)
    return np.convolve(y, np.ones(w) / w, mode="same")


def _masks(
    night: SimulatedNight, leg: str, label: str, n: int, fs: float
) -> tuple[np.ndarray, np.ndarray]:
    """(inside any LM of the leg, near an LM or an artefact of the channel)."""
    mov = night.movements[night.movements["leg"] == leg]
    inside = np.zeros(n, dtype=bool)
    near = np.zeros(n, dtype=bool)
    for o, d in zip(mov["onset"], mov["duration"], strict=True):
        inside[int(o * fs) : int((o + d) * fs)] = True
        near[max(int((o - 1) * fs), 0) : int((o + d + 1) * fs)] = True
    art = night.artefacts[night.artefacts["channel"] == label]
    for o, d in zip(art["onset"], art["duration"], strict=True):
        near[max(int((o - 2) * fs), 0) : int((o + d + 2) * fs)] = True
    return inside, near


@pytest.mark.parametrize("leg,label", [("left", "Leg L"), ("right", "Leg R")])
def test_movements_stand_out_and_rest_stays_quiet(
    rls_night: SimulatedNight, leg: str, label: str
) -> None:
    sig = rls_night.signals[label]
    env = _envelope(sig.data, sig.fs)
    _inside, near = _masks(rls_night, leg, label, env.size, sig.fs)
    rest = env[~near]
    rest_level = float(np.median(rest))
    assert 0.8 <= rest_level <= 6.0  # a few µV at rest
    # Outside movements and artefacts the EMG almost never rises 8 µV above rest.
    assert np.mean(rest > rest_level + 8.0) < 1e-3
    mov = rls_night.movements[rls_night.movements["leg"] == leg]
    ratios, rise_ok = [], []
    for o, d, a in zip(mov["onset"], mov["duration"], mov["amplitude_uv"], strict=True):
        i0, i1 = int(o * sig.fs), int((o + d) * sig.fs)
        peak = float(env[i0:i1].max())
        ratios.append(peak / a)
        assert peak > rest_level + 8.0
        # Sharp onset: 8 µV above rest within 0.3 s of the true onset.
        rise_ok.append(float(env[i0 : i0 + int(0.3 * sig.fs)].max()) > rest_level + 8.0)
    assert 0.75 <= float(np.median(ratios)) <= 1.3  # amplitude_uv is what a detector sees
    assert np.mean(rise_ok) > 0.95


def test_low_amplitude_movements_are_low_but_visible() -> None:
    night = simulate_night("low_amplitude", seed=3, duration_h=0.75)
    mov = night.movements
    sleep_lm = mov[mov["kind"].isin(["periodic", "isolated", "respiratory"])]
    assert sleep_lm["amplitude_uv"].between(10.0, 25.0).all()
    sig = night.signals["Leg L"]
    env = _envelope(sig.data, sig.fs)
    _, near = _masks(night, "left", "Leg L", env.size, sig.fs)
    assert float(np.median(env[~near])) < 2.5  # resting level 1-2 µV


def _recorded(night: SimulatedNight, label: str) -> npt.NDArray[np.float32]:
    """The channel's samples before the first recording pause (the whole channel without one)."""
    sig = night.signals[label]
    gaps = night.recording_gaps
    end = float(gaps["onset"].min()) if len(gaps) else night.duration
    return sig.data[: int(end * sig.fs)]


def test_noisy_interference_and_artefacts(noisy_night: SimulatedNight) -> None:
    night = noisy_night
    art = night.artefacts
    assert set(art["kind"]) == {"movement_artefact", "electrode_pop", "disconnected", "clipping"}
    hz = night.params["mains_hz"]
    assert hz in (50.0, 60.0)
    for label in ("Leg L", "Leg R"):
        sig = night.signals[label]
        x, fs = _recorded(night, label), sig.fs
        # Strong mains: the mains bin towers over its neighbourhood.
        f, p = sps.welch(x[: int(600 * fs)], fs=fs, nperseg=int(4 * fs), average="median")
        at = p[np.argmin(np.abs(f - hz))]
        around = np.median(p[(f > hz - 20) & (f < hz + 20) & (np.abs(f - hz) > 2)])
        assert at > 20 * around
        assert np.nanmax(np.abs(sig.data)) <= LEG_LIMIT_UV
    for _, a in art.iterrows():
        sig = night.signals[a["channel"]]
        seg = sig.data[int(a["onset"] * sig.fs) : int((a["onset"] + a["duration"]) * sig.fs)]
        if a["kind"] == "clipping":
            assert np.all(np.abs(seg) == LEG_LIMIT_UV)  # stuck at the physical limit
        elif a["kind"] == "disconnected":
            assert float(np.std(seg)) > 100.0  # open input: huge noise
        elif a["kind"] == "electrode_pop":
            assert float(np.abs(seg[: int(0.05 * sig.fs)]).max()) > 150.0
        else:
            assert float(np.std(seg)) > 30.0


def test_ecg_leak_follows_the_ecg_beats(noisy_night: SimulatedNight) -> None:
    ecg = noisy_night.signals["ECG"]
    peaks, _ = sps.find_peaks(
        _recorded(noisy_night, "ECG"), height=400.0, distance=int(0.35 * ecg.fs)
    )
    beats = peaks / ecg.fs
    rr = np.diff(beats)
    hr = 60.0 / np.median(rr)
    assert 45.0 <= hr <= 95.0
    assert 0.01 < float(np.std(rr) / np.mean(rr)) < 0.2  # heart-rate variability
    leg = noisy_night.signals["Leg R"]
    b, a = sps.iirnotch(noisy_night.params["mains_hz"], 30.0, leg.fs)
    x = sps.filtfilt(b, a, _recorded(noisy_night, "Leg R").astype(np.float64))
    idx = np.rint(beats * leg.fs).astype(int)
    idx = idx[(idx > 50) & (idx < x.size - 50)]
    avg = np.mean(x[idx[:, None] + np.arange(-20, 21)[None, :]], axis=0)
    # QRS leak of 8-25 µV whose polarity may flip at posture changes: the average over the
    # stretch before the first flip (or all of it) still shows it.
    assert 2.0 <= float(np.abs(avg).max()) <= 30.0
    assert int(np.argmax(np.abs(avg))) in range(17, 24)  # aligned with the R peak


def test_ecg_leak_strength_stays_near_the_legs_own_after_many_flips() -> None:
    # a flip sets the strength afresh (0.5-2 x the leg's leak), it does not scale the last one:
    # 200 flips must not walk a 25 µV leak towards an ECG lead's millivolts, nor to nothing
    from dataclasses import replace

    from twitchscope.simulate.scenarios import SCENARIOS
    from twitchscope.simulate.signals import leak_weights

    sc = replace(SCENARIOS["noisy"], ecg_flip_prob=1.0)
    rng = np.random.default_rng(3)
    posture_end = np.linspace(100.0, 28_000.0, 200)
    beats = np.arange(0.0, 28_800.0, 0.9)
    w, leak, flips = leak_weights(rng, sc, beats, posture_end, 28_800.0)
    assert flips == 200
    ratio = np.abs(w) / abs(leak)
    assert float(ratio.min()) > 0.5 * 0.2
    assert float(ratio.max()) < 2.0 * 1.9
    assert float(np.median(ratio)) == pytest.approx(1.25, abs=0.35)
    # the polarity does flip
    assert (np.sign(w) > 0).any() and (np.sign(w) < 0).any()


def test_other_channels_follow_the_stages(rls_night: SimulatedNight) -> None:
    st = rls_night.hypnogram.as_array()
    eeg = rls_night.signals["C4-M1"]
    chin = rls_night.signals["Chin"]

    def band_power(sig: np.ndarray, fs: float, stage: str, band: tuple[float, float]) -> float:
        ep = np.flatnonzero(st == stage)
        if ep.size == 0:
            return float("nan")
        seg = np.concatenate([sig[int(e * 30 * fs) : int((e + 1) * 30 * fs)] for e in ep])
        f, p = sps.welch(seg, fs=fs, nperseg=int(4 * fs))
        return float(p[(f >= band[0]) & (f <= band[1])].sum())

    assert band_power(eeg.data, eeg.fs, "W", (8, 12)) > 3 * band_power(
        eeg.data, eeg.fs, "N2", (8, 12)
    )
    if (st == "N3").any():
        assert band_power(eeg.data, eeg.fs, "N3", (0.5, 2)) > 3 * band_power(
            eeg.data, eeg.fs, "W", (0.5, 2)
        )
    spo2 = rls_night.signals["SpO2"].data
    assert float(spo2.min()) >= 85.0 and float(spo2.max()) <= 100.0
    assert np.all(spo2 == np.round(spo2))
    assert chin.data.std() > 1.0


def test_osa_breathing_channels() -> None:
    night = simulate_night("osa", seed=2, duration_h=1.0)
    flow = night.signals["Flow"]
    spo2 = night.signals["SpO2"]
    ev = night.events
    obs = ev[ev["kind"] == "obstructive_apnea"]
    assert len(obs) > 3
    ratios, dips = [], []
    for o, d in zip(obs["onset"], obs["duration"], strict=True):
        during = flow.data[int((o + 2) * flow.fs) : int((o + d - 1) * flow.fs)]
        before = flow.data[int((o - 40) * flow.fs) : int((o - 5) * flow.fs)]
        if before.size and during.size:
            ratios.append(np.std(during) / np.std(before))
        base = spo2.data[max(int(o - 30), 0) : int(o)]
        after = spo2.data[int(o + d) : int(o + d + 40)]
        if base.size and after.size:
            dips.append(float(np.max(base) - np.min(after)))
    assert float(np.median(ratios)) < 0.3  # flow < 30 % during obstructive apnoeas
    assert float(np.median(dips)) >= 3.0  # desaturations after them


def test_fragmented_movements_have_short_quiet_gaps() -> None:
    """Inside a fragmented LM the EMG falls back to rest for < 0.5 s; whole LMs do not."""
    night = simulate_night("severe", seed=4, duration_h=2.0, leg_fs=200)
    frag_low, whole_low = [], []
    for leg, label in (("left", "Leg L"), ("right", "Leg R")):
        sig = night.signals[label]
        fs = sig.fs
        sos = sps.butter(4, [10.0, 0.45 * fs], btype="bandpass", fs=fs, output="sos")
        y = np.abs(sps.sosfiltfilt(sos, sig.data.astype(np.float64)))
        w = int(0.05 * fs)
        env = np.convolve(y, np.ones(w) / w, mode="same")
        rest = float(np.median(env))
        mov = night.movements
        mov = mov[(mov["leg"] == leg) & (mov["duration"] >= 1.2) & (mov["amplitude_uv"] >= 25)]
        for o, d, fr in zip(mov["onset"], mov["duration"], mov["fragmented"], strict=True):
            inner = env[int((o + 0.25) * fs) : int((o + d - 0.25) * fs)]
            (frag_low if fr else whole_low).append(float(inner.min()) < rest + 3.0)
    assert len(frag_low) >= 3 and len(whole_low) >= 10
    assert np.mean(frag_low) > 0.7
    assert np.mean(whole_low) < 0.2
