"""twitchscope's indices against an independent transcription of PLMScoRe's R code.

PLMScoRe (Steph-Fulda/PLMScoRe, the WASM 2016 co-authors' R implementation) cannot run here (no
R), so ``benchmarks/plmscore_reference.py`` transcribes its scoring and index arithmetic loop by
loop. These tests check that the ``wasm2016`` preset gives PLMScoRe's PLMS, PLMW, periodicity,
CLM, non-respiratory and by-stage figures on random nights, and that the PLMW option that is not
PLMScoRe's (wake after sleep onset only) differs where it should. The full table over 140
simulated nights is ``benchmarks/plmscore_agreement.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from twitchscope.events import make_events
from twitchscope.hypnogram import Hypnogram
from twitchscope.scoring import WASM2016, score_leg_movements

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from plmscore_reference import PLMScoReResult, plmscore_indices, roundup

#: The preset plus PLMScoRe's "<=" for an arousal exactly 0.5 s away (the text says "<").
COMPATIBLE = WASM2016.replace(arousal_gap_inclusive=True)
STAGES = ("W", "N1", "N2", "N3", "R")
TICK = 1 / 64  # times on a binary grid: sums are exact, so rule edges compare alike in both


def _train(draw: Any, span_ticks: int) -> list[tuple[float, float]]:
    """One leg's LMs: gaps >= 0.625 s (no same-leg joins), durations 0.25-20 s."""
    out: list[tuple[float, float]] = []
    t = draw(st.integers(0, 64 * 60))
    n = draw(st.integers(0, 40))
    for _ in range(n):
        dur = draw(st.sampled_from([16, 31, 32, 33, 64, 200, 640, 641, 960, 1280]))
        if t + dur >= span_ticks:
            break
        out.append((t * TICK, dur * TICK))
        # mostly intervals near the series bounds, sometimes tiny gaps (bilateral chains)
        gap = draw(
            st.one_of(
                st.sampled_from([40, 100, 576, 600, 640, 1280, 2560, 5760, 5824, 6400]),
                st.integers(40, 64 * 100),
            )
        )
        t += dur + gap
    return out


@st.composite
def nights(draw: Any) -> dict[str, Any]:
    n_epochs = draw(st.integers(20, 160))
    latency = draw(st.integers(0, 10))
    rest = draw(st.lists(st.sampled_from(STAGES), min_size=n_epochs, max_size=n_epochs))
    stages = ["W"] * latency + rest
    seconds = len(stages) * 30.0
    span = int(seconds / TICK)
    legs = [("left", o, d) for o, d in _train(draw, span)]
    legs += [("right", o, d) for o, d in _train(draw, span)]
    resp = [
        (draw(st.integers(0, span - 64 * 60)) * TICK, draw(st.integers(64 * 10, 64 * 40)) * TICK)
        for _ in range(draw(st.integers(0, 6)))
    ]
    arousals = [
        (draw(st.integers(0, span - 64 * 30)) * TICK, draw(st.integers(64 * 3, 64 * 15)) * TICK)
        for _ in range(draw(st.integers(0, 8)))
    ]
    return {
        "stages": stages,
        "seconds": seconds,
        "legs": legs,
        "resp": resp,
        "arousals": arousals,
    }


def _both(night: dict[str, Any], rules: Any = COMPATIBLE) -> tuple[dict[str, Any], PLMScoReResult]:
    events = make_events(
        [o for o, _ in night["resp"]] + [o for o, _ in night["arousals"]],
        [d for _, d in night["resp"]] + [d for _, d in night["arousals"]],
        ["obstructive_apnea"] * len(night["resp"]) + ["arousal"] * len(night["arousals"]),
    )
    lm = pd.DataFrame(night["legs"], columns=["leg", "onset", "duration"])
    ts = score_leg_movements(
        lm,
        recording_duration=night["seconds"],
        rules=rules,
        hypnogram=Hypnogram(tuple(night["stages"])),
        events=events,
    )
    assert not any("overlap each other" in w for w in ts.warnings)
    ref = plmscore_indices(
        night["legs"], night["stages"], respiratory=night["resp"], arousals=night["arousals"]
    )
    return ts.indices.to_dict(), ref


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _assert_agree(ix: dict[str, Any], ref: PLMScoReResult) -> None:
    pairs = {
        "plms_index": ref.index["PLM"]["TST"],
        "plmw_index": ref.index["PLM"]["Wake"],
        "clm_index": ref.index["CLM"]["TST"],
        "lm_index": ref.index["LM"]["TST"],
        "plms_index_nonrespiratory": ref.index["PLMnr"]["TST"],
        "plms_arousal_index": ref.index["PLMa"]["TST"],
    }
    for key, want in pairs.items():
        assert _close(ix[key], want), (key, ix[key], want)
    assert ix["plms_count"] == ref.number["PLM"]["TST"]
    assert ix["plmw_count"] == ref.number["PLM"]["Wake"]
    assert ix["clm_count"] == ref.number["CLM"]["TST"]
    for stage, col in (("N1", "N1"), ("N2", "N2"), ("N3", "N3"), ("R", "REM")):
        assert _close(ix["plms_index_by_stage"][stage], ref.index["PLM"][col]), stage
    pi = ix["periodicity_index"]
    assert (None if pi is None else roundup(pi, 2)) == ref.PI["TST"]


@settings(max_examples=60)
@given(nights())
def test_indices_equal_plmscore_on_random_nights(night: dict[str, Any]) -> None:
    ix, ref = _both(night)
    _assert_agree(ix, ref)
    event(f"PLM in sleep: {'some' if ix['plms_count'] else 'none'}")
    event(f"PLM in wake: {'some' if ix['plmw_count'] else 'none'}")


def test_indices_equal_plmscore_on_simulated_nights() -> None:
    simulate = pytest.importorskip("twitchscope.simulate")
    for scenario, seed in (("rls", 0), ("osa", 1), ("severe", 2)):
        sim = simulate.simulate_night(scenario, seed, duration_h=2.0, with_signals=False)
        ev = sim.events
        resp = ev[ev["kind"].isin(WASM2016.respiratory_event_kinds)]
        ar = ev[ev["kind"] == "arousal"]
        mv = sim.movements
        legs = list(zip(mv["leg"], mv["onset"], mv["duration"], strict=True))
        night = {
            "stages": list(sim.hypnogram.stages),
            "seconds": sim.duration,
            "legs": legs,
            "resp": list(zip(resp["onset"], resp["duration"], strict=True)),
            "arousals": list(zip(ar["onset"], ar["duration"], strict=True)),
        }
        ix, ref = _both(night)
        _assert_agree(ix, ref)
        assert ix["plms_count"] > 0


def test_wake_after_sleep_onset_option_is_not_plmscore() -> None:
    # 10 min of wake before sleep onset holding one PLM series, then sleep with a wake epoch.
    stages = ["W"] * 20 + ["N2"] * 60 + ["W"] * 2 + ["N2"] * 40
    legs = [("left", 30.0 + 20 * k, 1.0) for k in range(8)]  # 8 PLM in the first 10 min (wake)
    legs += [("left", 2400.0 + 20 * k, 1.0) for k in range(6)]  # 6 PLM in the wake epochs
    night = {"stages": stages, "seconds": len(stages) * 30.0, "legs": legs, "resp": [],
             "arousals": []}  # fmt: skip
    ix, ref = _both(night, WASM2016)
    assert ix["plmw_wake"] == "time_in_bed"
    assert ix["plmw_count"] == ref.number["PLM"]["Wake"]
    # W epochs 0-19 and 80-81: 22 epochs = 11 min; PLM in wake: 8 before onset + 3 in W 80-81
    # (2400, 2420, 2440 lie in epochs 80-81; 2460 onwards is N2).
    assert ix["plmw_count"] == 11
    assert ix["plmw_index"] == pytest.approx(11 / (22 * 30 / 3600))
    w = _both(night, WASM2016.replace(plmw_wake="after_sleep_onset"))[0]
    assert w["plmw_wake"] == "after_sleep_onset"
    assert w["plmw_count"] == 3
    assert w["plmw_index"] == pytest.approx(3 / (2 * 30 / 3600))
    assert w["plmw_index"] != ref.index["PLM"]["Wake"]
    assert "after sleep onset" in w["plmw_wake_definition"]
    assert "time in bed" in ix["plmw_wake_definition"]
    assert ix["wake_in_bed_h"] == pytest.approx(22 * 30 / 3600)
    assert ix["wake_after_sleep_onset_h"] == pytest.approx(2 * 30 / 3600)
