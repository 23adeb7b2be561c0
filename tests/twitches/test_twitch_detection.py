"""Twitch kinds: detection against the simulator's truth, rules, edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twitchscope.detect import detect_legs
from twitchscope.detect.ecg import r_peak_times
from twitchscope.detect.twitches import (
    AASM2020,
    KINDS,
    TWITCH_COLUMNS,
    detect_twitches,
    get_twitch_rules,
    twitches_from_movements,
)
from twitchscope.errors import ValidationError
from twitchscope.signal import Signal
from twitchscope.simulate import SimulatedNight


def _detect(night: SimulatedNight, with_hyp: bool = True):  # type: ignore[no-untyped-def]
    left, right = night.signals["Leg L"], night.signals["Leg R"]
    rt = r_peak_times(night.signals["ECG"])
    dl, dr = detect_legs(left, right, r_times=rt)
    mv = pd.concat([dl.movements, dr.movements], ignore_index=True)
    return detect_twitches(
        left, right, movements=mv, hypnogram=night.hypnogram if with_hyp else None, r_times=rt
    )


def _matched(truth: pd.DataFrame, found: pd.DataFrame, kind: str) -> tuple[int, int, int]:
    t = truth[truth["kind"] == kind]
    f = found[found["kind"] == kind]
    t_on, t_end = t["onset"].to_numpy(float), (t["onset"] + t["duration"]).to_numpy(float)
    f_on, f_end = f["onset"].to_numpy(float), (f["onset"] + f["duration"]).to_numpy(float)
    ov = (f_on[:, None] < t_end[None, :] + 0.5) & (f_end[:, None] > t_on[None, :] - 0.5)
    return int(ov.any(axis=0).sum()), len(t), int(ov.any(axis=1).sum())


def test_every_injected_kind_is_found(twitch_night: SimulatedNight) -> None:
    res = _detect(twitch_night)
    truth = twitch_night.twitches
    assert truth is not None
    ev = res.events
    assert list(ev.columns[:5]) == ["kind", "leg", "onset", "duration", "stage"]
    assert set(TWITCH_COLUMNS) <= set(ev.columns)
    assert set(ev["kind"]) <= set(KINDS)
    assert set(ev["leg"]) <= {"left", "right", "both"}
    for kind in ("hypnic_jerk", "alma", "hypnagogic_foot_tremor", "tremor",
                 "fragmentary_myoclonus"):  # fmt: skip
        hit, n_true, true_pos = _matched(truth, ev, kind)
        n_found = int((ev["kind"] == kind).sum())
        if n_true:
            assert hit / n_true >= 0.5, kind
        if n_found:
            assert true_pos / n_found >= 0.5, kind
    trem = ev[ev["kind"] == "tremor"]
    for _, row in trem.iterrows():
        near = truth[(truth["kind"] == "tremor") & (abs(truth["onset"] - row["onset"]) < 10)]
        if len(near):
            assert abs(float(near["frequency_hz"].iloc[0]) - row["frequency_hz"]) < 1.0
    d = res.to_dict()
    assert d["counted_in_plm_indices"] is False
    assert d["efm"]["verdict"] in ("excessive", "not excessive")
    assert set(d["counts"]) == set(KINDS)


def test_without_hypnogram_stage_kinds_are_not_assessed(twitch_night: SimulatedNight) -> None:
    res = _detect(twitch_night, with_hyp=False)
    d = res.to_dict()
    assert d["counts"]["hypnic_jerk"] is None and d["counts"]["fragmentary_myoclonus"] is None
    assert d["efm"]["verdict"] == "not assessed"
    assert d["per_hour_basis"] == "recording time"
    assert (res.events["stage"] == "UNS").all()


def _burst_signal(fs: float, dur: float, bursts: list[tuple[float, float]], seed: int) -> Signal:
    rng = np.random.default_rng(seed)
    n = int(dur * fs)
    x = rng.normal(0, 2.0, n).astype(np.float32)
    t = np.arange(n) / fs
    for on, d in bursts:
        m = (t >= on) & (t < on + d)
        x[m] += rng.normal(0, 40.0, int(m.sum())).astype(np.float32)
    return Signal("leg", x, fs)


def test_alma_and_hft_from_hand_made_trains() -> None:
    fs = 256.0
    # ALMA: 8 bursts of 0.2 s alternating at 1.25 Hz per leg (0.4 s apart)
    left_b = [(100.0 + 0.8 * k, 0.2) for k in range(4)]
    right_b = [(100.4 + 0.8 * k, 0.2) for k in range(4)]
    # HFT on the left leg: 6 bursts of 0.4 s at 1 Hz
    left_b += [(300.0 + k, 0.4) for k in range(6)]
    res = detect_twitches(
        _burst_signal(fs, 400, left_b, 1), _burst_signal(fs, 400, right_b, 2), hypnogram=None
    )
    ev = res.events
    alma = ev[ev["kind"] == "alma"]
    hft = ev[ev["kind"] == "hypnagogic_foot_tremor"]
    assert len(alma) == 1 and alma["bursts"].iloc[0] == 8
    assert alma["frequency_hz"].iloc[0] == pytest.approx(1.25, abs=0.1)
    assert len(hft) == 1 and hft["leg"].iloc[0] == "left" and hft["bursts"].iloc[0] == 6
    assert hft["frequency_hz"].iloc[0] == pytest.approx(1.0, abs=0.05)


def test_three_bursts_are_not_a_train() -> None:
    res = detect_twitches(
        _burst_signal(256.0, 200, [(50.0 + k, 0.4) for k in range(3)], 3), None, hypnogram=None
    )
    assert (res.events["kind"] != "hypnagogic_foot_tremor").all()
    assert res.to_dict()["kinds"]["alma"]["assessed"] is False


def test_long_movements_from_reference_table() -> None:
    mv = pd.DataFrame(
        {
            "leg": ["left", "right", "left"],
            "onset": [10.0, 12.0, 100.0],
            "duration": [12.0, 11.0, 3.0],
            "amplitude_uv": [20.0, 30.0, 10.0],
        }
    )
    res = twitches_from_movements(mv, duration=600.0)
    ev = res.events
    assert len(ev) == 1 and ev["leg"].iloc[0] == "both" and ev["kind"].iloc[0] == "long_movement"
    assert ev["duration"].iloc[0] == pytest.approx(13.0)
    assert res.to_dict()["counts"]["tremor"] is None


def test_rules_are_checked_and_named() -> None:
    assert get_twitch_rules("aasm2020") is AASM2020
    custom = AASM2020.replace(efm_min_rate_per_min=4.0)
    assert custom.name == "aasm2020+custom" and custom.efm_min_rate_per_min == 4.0
    with pytest.raises(ValidationError, match="unknown option"):
        AASM2020.replace(efm_rate=4)
    with pytest.raises(ValidationError, match="alma_min_hz"):
        AASM2020.replace(alma_min_hz=5.0)
    with pytest.raises(ValidationError, match="unknown preset"):
        get_twitch_rules("nope")
    with pytest.raises(ValidationError):
        detect_twitches(None, None)
