"""The harder simulator: non-LM activity with an exact truth, injectors, EDF+D pauses, variety."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twitchscope.io.recording import open_recording
from twitchscope.simulate import SCENARIOS, simulate_night
from twitchscope.simulate import injectors as inj
from twitchscope.simulate.movements import MIN_LM_S


def _gaps_to_others(night_mov: pd.DataFrame, other: pd.DataFrame) -> float:
    """Smallest gap (s) between a non-LM row and any other activity of its leg."""
    best = np.inf
    for leg in ("left", "right"):
        a = pd.concat([night_mov[night_mov["leg"] == leg], other[other["leg"] == leg]])
        on = a["onset"].to_numpy(float)
        end = on + a["duration"].to_numpy(float)
        order = np.argsort(on)
        on, end = on[order], end[order]
        if on.size > 1:
            best = min(best, float(np.min(on[1:] - np.maximum.accumulate(end)[:-1])))
    return best


@pytest.mark.parametrize("scenario", ["healthy", "osa", "child"])
def test_other_activity_is_never_an_lm(scenario: str) -> None:
    night = simulate_night(scenario, seed=1, duration_h=2.0, with_signals=False)
    other, mov = night.other_activity, night.movements
    assert len(other) > 10
    bursts = other[other["shape"] == "burst"]
    assert (bursts["duration"] < 0.5).all() and (bursts["duration"] > 0).all()
    tonic = other[other["shape"] == "tonic"]
    assert (tonic["amplitude_uv"] < inj.MAX_TONIC_UV).all()
    # nothing joins: every row keeps 0.7 s from all other activity of its leg (WASM joins < 0.5 s)
    assert _gaps_to_others(mov, other) >= inj.CLEARANCE_S - 1e-6
    assert (mov["duration"] >= MIN_LM_S - 1e-9).all()
    # twitches are most frequent in REM
    tw = other[other["kind"] == "twitch"]
    epoch = np.minimum((tw["onset"].to_numpy() // 30).astype(int), len(night.hypnogram.stages) - 1)
    stages = np.asarray(night.hypnogram.stages)
    rate = {s: (stages[epoch] == s).sum() / max((stages == s).sum(), 1) for s in ("N2", "R")}
    assert rate["R"] > rate["N2"]


def test_registered_injector_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def mine(ctx: inj.InjectionContext) -> pd.DataFrame:
        calls.append(len(ctx.movements))
        on = ctx.movements["onset"].to_numpy(float)
        t = next(x for x in np.arange(60.0, ctx.duration - 60.0, 7.0) if np.abs(on - x).min() > 20)
        return pd.concat(
            [
                inj.rows(["left"], [t], [0.3], [20.0], "alma"),  # kept
                inj.rows(["left"], [t + 0.4], [0.2], [20.0], "alma"),  # too close: dropped
                inj.rows(["right"], [t], [0.8], [20.0], "tremor"),  # >= 0.5 s, not an LM row
                inj.rows(["right"], [t + 5.0], [0.8], [40.0], "hypnic_extra").assign(lm=True),
            ],
            ignore_index=True,
        )

    monkeypatch.setattr(inj, "INJECTORS", {})
    inj.register_injector("mine", mine)
    with pytest.raises(ValueError, match="already registered"):
        inj.register_injector("mine", mine)
    night = simulate_night("healthy", seed=3, duration_h=0.5, with_signals=False)
    assert calls
    assert night.params["other_activity_dropped"]["mine"] >= 2
    kinds = set(night.other_activity["kind"])
    assert "alma" in kinds and "tremor" not in kinds
    assert "hypnic_extra" in set(night.movements["kind"])


def test_edf_d_pauses_round_trip(tmp_path: Path) -> None:
    night = simulate_night("noisy", 0, duration_h=1.0)  # this night has a 547 s pause
    assert len(night.recording_gaps) == 1
    gaps = night.recording_gaps
    assert (gaps["onset"] % 1 == 0).all() and (gaps["duration"] % 1 == 0).all()
    files = night.write(tmp_path / "d.edf")
    with open_recording(files.recording) as rec:
        assert rec.format == "EDF+D"
        left, _ = rec.legs()
        g0, gd = float(gaps["onset"].iat[0]), float(gaps["duration"].iat[0])
        inside = left.data[int((g0 + 1) * left.fs) : int((g0 + gd - 1) * left.fs)]
        assert np.isnan(inside).all()
        before = left.data[: int(g0 * left.fs)]
        np.testing.assert_allclose(
            before, night.signals["Leg L"].data[: before.size], atol=0.07
        )  # 16-bit resolution of the +-2000 µV range
    # nothing of the truth lies in a pause
    mov = night.movements
    for on, du in zip(gaps["onset"], gaps["duration"], strict=True):
        assert not ((mov["onset"] < on + du) & (mov["onset"] + mov["duration"] > on)).any()
    from twitchscope.io.annotations import read_annotations

    ann = read_annotations(files.recording)
    assert ann.hypnogram is not None and len(ann.hypnogram.stages) == len(night.hypnogram.stages)


def test_rates_and_mains_vary_between_nights() -> None:
    drawn = [
        simulate_night("healthy", s, duration_h=0.1, with_signals=False).params for s in range(12)
    ]
    rates = {p["leg_fs"] for p in drawn}
    mains = {p["mains_hz"] for p in drawn}
    assert rates <= set(map(float, SCENARIOS["healthy"].leg_fs_choices)) and len(rates) >= 3
    assert mains == {50.0, 60.0}


def test_child_scenario() -> None:
    night = simulate_night("child", seed=2, with_signals=False)
    assert 9.0 <= night.duration / 3600 <= 10.5
    sc = SCENARIOS["child"]
    assert sc.heart_rate_bpm[0] >= 70 and sc.plms_index == (3.0, 12.0)
