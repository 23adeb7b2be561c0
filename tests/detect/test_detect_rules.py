"""Detection rules on synthetic EMG with known bursts: timing, offset, joining, duration, shape."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _detect_synth import emg

from twitchscope.detect import MOVEMENT_COLUMNS, LegDetection, detect_leg_movements, detect_legs
from twitchscope.detect.emg import hysteresis, merge_close, morphology_ok
from twitchscope.detect.filters import median5
from twitchscope.scoring.rules import AASM, WASM2016


def _match(found: pd.DataFrame, onset: float) -> pd.Series:
    i = int(np.argmin(np.abs(found["onset"].to_numpy() - onset)))
    return found.iloc[i]


@pytest.mark.parametrize("fs", [200.0, 256.0, 512.0])
def test_onset_and_offset_within_0_1_s(fs: float) -> None:
    bursts = [(10.0, 1.0, 20.0), (25.3, 3.2, 40.0), (47.7, 0.8, 12.0), (70.05, 6.0, 80.0)]
    det = detect_leg_movements(emg(bursts, fs=fs, duration=90.0), "left")
    assert isinstance(det, LegDetection)
    assert list(det.movements.columns) == list(MOVEMENT_COLUMNS)
    assert len(det.movements) == len(bursts)
    for onset, dur, amp in bursts:
        row = _match(det.movements, onset)
        assert abs(row["onset"] - onset) <= 0.1
        assert abs(row["onset"] + row["duration"] - (onset + dur)) <= 0.1
        # sine-equivalent amplitude: 1.25 x RMS above rest, plus the upward bias of taking the
        # maximum of a noisy envelope (its blocks fluctuate by ~25 %)
        assert 1.0 * amp < row["amplitude_uv"] < 1.9 * amp
        assert row["area_uv_s"] > 0.5 * row["amplitude_uv"] * dur
        assert row["leg"] == "left"
    assert det.excluded_s == 0.0
    assert det.warnings == []
    assert 1.5 < det.resting_uv_median < 3.5  # 2 µV RMS rest, sine-equivalent scale


def test_quiet_shorter_than_half_second_does_not_end_a_movement() -> None:
    # a 0.3 s pause inside one movement; a 1.0 s pause separates two movements
    bursts = [(10.0, 1.0, 30.0), (11.3, 1.0, 30.0), (30.0, 1.0, 30.0), (32.0, 1.0, 30.0)]
    det = detect_leg_movements(emg(bursts, duration=45.0), "right")
    mv = det.movements
    assert len(mv) == 3
    first = _match(mv, 10.0)
    assert abs(first["duration"] - 2.3) <= 0.15
    assert abs(_match(mv, 32.0)["onset"] - 32.0) <= 0.1
    assert (mv["leg"] == "right").all()


def test_minimum_duration() -> None:
    bursts = [(10.0, 0.3, 40.0), (20.0, 0.7, 40.0)]
    mv = detect_leg_movements(emg(bursts, duration=30.0), "left").movements
    assert len(mv) == 1
    assert abs(mv["onset"].iloc[0] - 20.0) <= 0.1


def test_merge_close_joins_fragments_below_gap() -> None:
    on = np.array([0, 30, 45, 100])
    off = np.array([20, 40, 60, 120])
    # gaps 10, 5, 40 blocks: below 10 joins only the 2nd and 3rd
    m_on, m_off = merge_close(on, off, 10)
    assert m_on.tolist() == [0, 30, 100]
    assert m_off.tolist() == [20, 60, 120]


def test_hysteresis_onset_at_threshold_and_offset_at_quiet_run() -> None:
    env = np.full(100, 1.0, dtype=np.float32)
    env[20:25] = 5.0  # between offset and onset thresholds: no onset yet
    env[25:40] = 20.0
    env[40:44] = 1.0  # short quiet (4 blocks) does not end it
    env[44:50] = 6.0
    env[60:70] = 5.0  # never above onset: no movement
    rest = np.zeros(100, dtype=np.float32)
    on, off = hysteresis(env, rest, np.zeros(100, bool), np.zeros(100, bool), 8.0, 2.0, 10)
    assert on.tolist() == [25]
    assert off.tolist() == [50]


def test_morphology_rule_rejects_spike_train() -> None:
    fine = np.zeros(60, dtype=np.float32)
    fine[10:30:2] = 50.0  # every other block high: median over 10 blocks is not above rest
    fine[40:52] = 10.0  # a sustained stretch
    rest = np.zeros(60, dtype=np.float32)
    ok = morphology_ok(fine, rest, np.array([10, 40]), np.array([30, 52]), 10, 2.0)
    assert ok.tolist() == [False, True]


def test_spike_train_is_not_a_movement_end_to_end() -> None:
    fs, dur = 256.0, 40.0
    n = int(fs * dur)
    extra = np.zeros(n)
    # 15 ms, 150 µV spikes every 350 ms for 3 s (a train of artefact spikes), and a real burst
    for t0 in np.arange(10.0, 13.0, 0.35):
        i = int(t0 * fs)
        extra[i : i + 4] = 150.0 * np.array([1, -1, 1, -1])
    sig = emg([(25.0, 2.0, 30.0)], fs=fs, duration=dur, extra=extra)
    for rules in (WASM2016, AASM):
        mv = detect_leg_movements(sig, "left", rules=rules).movements
        assert len(mv) == 1
        assert abs(mv["onset"].iloc[0] - 25.0) <= 0.1


def test_median5_matches_numpy_and_keeps_edges() -> None:
    rng = np.random.default_rng(3)
    v = rng.standard_normal(500).astype(np.float32)
    padded = np.concatenate([v[:1], v[:1], v, v[-1:], v[-1:]])
    ref = np.median(np.lib.stride_tricks.sliding_window_view(padded, 5), axis=1)
    np.testing.assert_array_equal(median5(v), ref.astype(np.float32))
    step = np.r_[np.zeros(10), np.ones(10)].astype(np.float32)
    np.testing.assert_array_equal(median5(step), step)


def test_detect_legs_both_and_summary() -> None:
    left = emg([(10.0, 2.0, 30.0)], duration=30.0, seed=1)
    right = emg([(12.0, 1.5, 30.0), (20.0, 1.0, 30.0)], duration=30.0, seed=2, label="Leg R")
    dl, dr = detect_legs(left, right)
    assert (dl.leg, dr.leg) == ("left", "right")
    assert (dl.n_movements, dr.n_movements) == (1, 2)
    s = pd.concat([dl.summary(), dr.summary()])
    assert s["n_movements"].tolist() == [1, 2]
    assert s["channel"].tolist() == ["Leg L", "Leg R"]
    assert np.allclose(s["lm_per_hour"], [1 / 30 * 3600, 2 / 30 * 3600])


def test_signal_start_offsets_onsets() -> None:
    sig = emg([(10.0, 2.0, 30.0)], duration=30.0)
    shifted = type(sig)(sig.label, sig.data, sig.fs, start=100.0, source="x.edf")
    mv = detect_leg_movements(shifted, "left").movements
    assert abs(mv["onset"].iloc[0] - 110.0) <= 0.1
