"""Scoring rules worked by hand from the standards' text.

Sources: WASM 2016 = Ferri R. et al., Sleep Med 2016;26:86-95; AASM = AASM Scoring Manual v2.x,
movement rules; PLMScoRe / SOMAS = the WASM co-authors' implementations (see
benchmarks/plmscore_reference.py).
Every expected number below is worked out in the comment above it.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from twitchscope.errors import TwitchscopeError
from twitchscope.events import make_events
from twitchscope.hypnogram import Hypnogram
from twitchscope.scoring import AASM, WASM2016, RuleSet, Scoring, get_rules, score_leg_movements

HOUR = 3600.0


def lms(*rows: tuple[str, float, float]) -> pd.DataFrame:
    """Leg movements from (leg, onset s, duration s) tuples."""
    return pd.DataFrame(rows, columns=["leg", "onset", "duration"])


def left_train(*onsets: float, duration: float = 1.0) -> list[tuple[str, float, float]]:
    return [("left", t, duration) for t in onsets]


def n2_night(seconds: float = HOUR) -> Hypnogram:
    return Hypnogram(("N2",) * int(seconds // 30))


def score(
    rows: list[tuple[str, float, float]],
    rules: RuleSet = WASM2016,
    seconds: float = HOUR,
    **kw: object,
) -> Scoring:
    kw.setdefault("hypnogram", n2_night(seconds))
    return score_leg_movements(lms(*rows), recording_duration=seconds, rules=rules, **kw)  # type: ignore[arg-type]


def periodic_onsets(s: Scoring) -> list[float]:
    return s.scored.loc[s.scored["periodic"], "onset"].tolist()


# --- PLM series: length, long and short intervals ------------------------------------------


def test_four_clms_make_a_series_three_do_not() -> None:
    # WASM 2016: a PLM series is >= 4 consecutive CLMs with IMI 10-90 s.
    # 4 CLMs 20 s apart -> 4 PLM, 1 series; 3 CLMs -> 0.
    s4 = score(left_train(100, 120, 140, 160))
    assert periodic_onsets(s4) == [100, 120, 140, 160]
    assert s4.scored["series"].tolist() == [1, 1, 1, 1]
    assert s4.indices.plm_series_count == 1
    # all N2, TST 1 h -> PLMS index = 4 /h
    assert s4.indices.plms_index == pytest.approx(4.0)
    s3 = score(left_train(100, 120, 140))
    assert s3.indices.plms_count == 0
    assert s3.scored["series"].isna().all()


def test_long_interval_breaks_series() -> None:
    # IMIs: 20 20 20 | 100 (> 90 s breaks) | 20 20 -> run of 4 (PLM) then run of 3 (not PLM).
    s = score(left_train(0, 20, 40, 60, 160, 180, 200))
    assert periodic_onsets(s) == [0, 20, 40, 60]
    assert s.scored["interval"].iloc[4] == pytest.approx(100.0)
    assert np.isnan(s.scored["interval"].iloc[0])


def test_short_interval_breaks_and_may_start_series_plmscore_vs_somas() -> None:
    # IMIs: 20 20 | 5 (< 10 s breaks) | 20 20 20.
    # PLMScoRe: the CLM at 45 (after the short IMI) may start a series: 45 65 85 105 -> 4 PLM;
    # the run before the break (0 20 40) has 3 CLMs -> not periodic.
    rows = left_train(0, 20, 40, 45, 65, 85, 105)
    s = score(rows)
    assert periodic_onsets(s) == [45, 65, 85, 105]
    # SOMAS: the CLM at 45 may not be first; 65 85 105 is a run of 3 -> no PLM at all.
    somas = get_rules("wasm2016", short_interval_may_start_series=False)
    assert periodic_onsets(score(rows, somas)) == []


def test_interval_edges_10_and_90_seconds() -> None:
    # WASM 2016: IMI >= 10 s and <= 90 s. IMIs 10, 90, 10 are all inside -> 4 PLM.
    rows = left_train(0, 10, 100, 110)
    assert periodic_onsets(score(rows)) == [0, 10, 100, 110]
    # SOMAS: IMI < 90 s, so 90 s breaks -> runs of 2 and 2 -> 0 PLM.
    somas = get_rules("wasm2016", interval_max_inclusive=False)
    assert periodic_onsets(score(rows, somas)) == []
    # 9.99 s is short -> the series breaks: runs (0), (9.99 99.99 109.99)? 9.99 may start
    # (PLMScoRe) but IMIs 90, 10 give a run of only 3 -> 0 PLM.
    assert periodic_onsets(score(left_train(0, 9.99, 99.99, 109.99))) == []
    # onsets from an annotation file with 0.1 s resolution: 110.1 - 100.1 is 9.99999999999999
    # in floating point but is 10 s -> still inside.
    assert len(periodic_onsets(score(left_train(0.1, 10.1, 100.1, 110.1)))) == 4


def test_noncandidate_lm_breaks_series() -> None:
    # WASM 2016: an LM longer than 10 s is not a candidate and ends the series.
    # CLMs 0 20 40 60 | non-candidate 12 s LM at 65 | CLMs 80 100 120 -> 4 PLM (the 3 after: no).
    rows = [*left_train(0, 20, 40, 60, 80, 100, 120), ("left", 65.0, 12.0)]
    s = score(rows)
    assert periodic_onsets(s) == [0, 20, 40, 60]
    nc = s.scored[s.scored["onset"] == 65]
    assert not nc["candidate"].item() and np.isnan(nc["interval"].item())
    # the CLM after the non-candidate gets no interval (PLMScoRe sets IMIs next to a nonCLM NA)
    assert np.isnan(s.scored.loc[s.scored["onset"] == 80, "interval"].item())
    # a tool that ignores non-candidates sees 7 CLMs 20 s apart -> 7 PLM
    ignore = get_rules("wasm2016", noncandidate_breaks_series=False)
    assert len(periodic_onsets(score(rows, ignore))) == 7


# --- bilateral combination ----------------------------------------------------------------


def test_bilateral_join_of_two_and_the_half_second_gap() -> None:
    # WASM 2016: LMs on the two legs that overlap, or where one starts < 0.5 s after the other
    # ends, are one bilateral LM (onset of the first to offset of the last).
    s = score([("left", 10.0, 2.0), ("right", 11.0, 2.0)])
    row = s.scored.iloc[0]
    assert len(s.scored) == 1 and row["legs"] == "both" and row["n_components"] == 2
    assert row["duration"] == pytest.approx(3.0) and row["candidate"]
    # gap 0.4 s -> joined; gap 0.5 s (not < 0.5) -> two movements; gap 0.6 s -> two
    assert len(score([("left", 10.0, 2.0), ("right", 12.4, 1.0)]).scored) == 1
    assert len(score([("left", 10.0, 2.0), ("right", 12.5, 1.0)]).scored) == 2
    assert len(score([("left", 10.0, 2.0), ("right", 12.6, 1.0)]).scored) == 2
    # same leg never merges here (detection joined same-leg fragments already)
    assert len(score([("left", 10.0, 2.0), ("left", 12.2, 1.0)]).scored) == 2


def chain(n: int, start: float = 0.0) -> list[tuple[str, float, float]]:
    """n monolateral LMs alternating legs, each 2 s long, each starting 1.5 s after the last:
    consecutive ones overlap by 0.5 s; same-leg ones are 1 s apart. Total 1.5*(n-1) + 2 s."""
    return [("left" if i % 2 == 0 else "right", start + 1.5 * i, 2.0) for i in range(n)]


def test_bilateral_join_of_four_is_candidate_more_than_four_is_not() -> None:
    # WASM 2016: a bilateral LM is a CLM only if it joins <= 4 monolateral LMs (and <= 15 s).
    four = score(chain(4)).scored
    assert len(four) == 1 and four["n_components"].item() == 4
    assert four["duration"].item() == pytest.approx(6.5) and four["candidate"].item()
    five = score(chain(5)).scored
    assert five["n_components"].item() == 5 and not five["candidate"].item()
    # a 5-LM chain inside a run breaks it: CLMs 100 120 140 | chain at 160 | 180 200 220
    rows = left_train(100, 120, 140, 180, 200, 220) + chain(5, start=160.0)
    assert periodic_onsets(score(rows)) == []
    # with a 4-LM chain instead, the bilateral CLM continues the series: 7 PLM
    rows4 = left_train(100, 120, 140, 180, 200, 220) + chain(4, start=160.0)
    assert len(periodic_onsets(score(rows4))) == 7


def test_bilateral_longer_than_15_s_is_not_candidate() -> None:
    # WASM 2016: bilateral CLM lasts <= 15 s. left 0-8 s + right 7-16 s = 16 s -> non-candidate;
    # left 0-8 + right 7-15 = 15 s exactly -> candidate. Each monolateral LM is <= 10 s.
    assert not score([("left", 0.0, 8.0), ("right", 7.0, 9.0)]).scored["candidate"].item()
    assert score([("left", 0.0, 8.0), ("right", 7.0, 8.0)]).scored["candidate"].item()
    # a bilateral LM holding a monolateral LM > 10 s is not a candidate (PLMScoRe, MATPLM)
    s = score([("left", 0.0, 11.0), ("right", 1.0, 1.0)])
    assert s.scored["duration"].item() == pytest.approx(11.0)
    assert not s.scored["candidate"].item()


def test_aasm_bilateral_onset_rule_5_s() -> None:
    # AASM: LMs on two legs with onsets < 5 s apart count as one LM.
    assert len(score([("left", 10.0, 1.0), ("right", 14.9, 1.0)], AASM).scored) == 1
    assert len(score([("left", 10.0, 1.0), ("right", 15.0, 1.0)], AASM).scored) == 2
    # WASM 2016 joins only by overlap / gap < 0.5 s: the 14.9 s pair is two movements.
    assert len(score([("left", 10.0, 1.0), ("right", 14.9, 1.0)]).scored) == 2


# --- respiratory and arousal windows ------------------------------------------------------


def resp_flag(lm: tuple[float, float], rules: RuleSet, kind: str = "obstructive_apnea") -> bool:
    # one apnoea from 100 s to 120 s
    ev = make_events([100.0], [20.0], [kind])
    s = score([("left", lm[0], lm[1])], rules, events=ev)
    return bool(s.scored["respiratory"].item())


def test_wasm_respiratory_window_around_event_end() -> None:
    # WASM 2016: window from 2.0 s before to 10.25 s after the END (120 s) -> [118, 130.25].
    assert resp_flag((130.20, 1.0), WASM2016)  # starts just inside the late edge
    assert not resp_flag((130.30, 1.0), WASM2016)  # starts just after it
    assert resp_flag((117.0, 1.05), WASM2016)  # ends at 118.05, just inside the early edge
    assert not resp_flag((116.9, 1.0), WASM2016)  # ends at 117.9, just outside
    # during the apnoea but before end - 2 s: not respiratory-related under WASM
    assert not resp_flag((105.0, 2.0), WASM2016)
    assert resp_flag((130.0, 1.0), WASM2016, kind="hypopnea")


def test_aasm_respiratory_window_half_second_around_event() -> None:
    # AASM: from 0.5 s before the apnoea (99.5 s) to 0.5 s after its end (120.5 s).
    assert not resp_flag((98.0, 1.45), AASM)  # ends 99.45
    assert resp_flag((98.0, 1.55), AASM)  # ends 99.55
    assert resp_flag((105.0, 2.0), AASM)  # during the event
    assert resp_flag((120.45, 1.0), AASM)
    assert not resp_flag((120.55, 1.0), AASM)
    # AASM counts RERAs; the WASM 2016 window is for apnoeas and hypopnoeas only
    assert resp_flag((110.0, 1.0), AASM, kind="rera")
    assert not resp_flag((119.0, 1.0), WASM2016, kind="rera")


def arousal_flag(lm: tuple[float, float]) -> bool:
    ev = make_events([200.0], [10.0], ["arousal"])  # arousal 200-210 s
    return bool(score([("left", lm[0], lm[1])], events=ev).scored["arousal"].item())


def test_arousal_window_half_second() -> None:
    # WASM 2016 / AASM: overlap, or < 0.5 s between the end of one and the start of the other.
    assert arousal_flag((205.0, 1.0))  # overlaps
    assert arousal_flag((210.49, 1.0))  # LM starts 0.49 s after the arousal ends
    assert not arousal_flag((210.5, 1.0))  # exactly 0.5 s: not "less than"
    assert not arousal_flag((210.51, 1.0))
    assert arousal_flag((198.0, 1.51))  # LM ends 0.49 s before the arousal starts
    assert not arousal_flag((198.0, 1.49))  # ends 0.51 s before


def test_respiratory_lms_in_main_index_and_recomputed_without() -> None:
    # CLMs every 50 s: 0 50 100 150 200 -> 5 PLM. A hypopnoea 90-100 s: the WASM window
    # [98, 110.25] and the AASM window [89.5, 100.5] both hold the CLM at 100 s (100-101 s).
    rows = left_train(0, 50, 100, 150, 200)
    ev = make_events([90.0], [10.0], ["hypopnea"])
    s = score(rows, events=ev)
    # WASM 2016 keeps respiratory-related CLMs in the main PLMS index: 5 PLM.
    assert s.indices.plms_count == 5
    assert s.indices.respiratory_lm_count == 1
    # Without them, intervals are recomputed: 50 -> 150 = 100 s > 90 breaks -> runs 2 + 2 -> 0.
    assert s.indices.plms_count_nonrespiratory == 0
    assert not s.scored["periodic_without_respiratory"].any()
    # Without recomputation, only the respiratory CLM leaves: 4.
    keep_iv = get_rules("wasm2016", respiratory_recompute_intervals=False)
    assert score(rows, keep_iv, events=ev).indices.plms_count_nonrespiratory == 4
    # AASM: the LM is not scored at all, so the main series is 0 50 | 150 200 -> 0 PLM.
    a = score(rows, AASM, events=ev)
    assert a.indices.plms_count == 0 and a.indices.respiratory_lm_count == 1
    assert not a.scored.loc[a.scored["onset"] == 100, "counted"].item()


# --- sleep, wake, stages and legs ---------------------------------------------------------


def staged_night() -> Hypnogram:
    # epochs of 30 s: N1, N2, W, W, R, N3, then 14 x N2 (600 s in all)
    return Hypnogram(("N1", "N2", "W", "W", "R", "N3") + ("N2",) * 14)


def test_plms_vs_plmw_by_stage() -> None:
    # CLMs 20 s apart at 5 25 ... 165 s: one series of 9 (series run across wake, WASM 2016).
    # Stage at onset: 5 N1, 25 N1, 45 N2, 65 W, 85 W, 105 W, 125 R, 145 R, 165 N3.
    s = score(left_train(*range(5, 170, 20)), seconds=600.0, hypnogram=staged_night())
    ix = s.indices
    assert ix.plms_count == 6 and ix.plmw_count == 3
    # TST = N1 30 + N2 30 + R 30 + N3 30 + 14*30 N2 = 540 s = 0.15 h -> 6 / 0.15 = 40 /h
    assert ix.total_sleep_time_h == pytest.approx(0.15)
    assert ix.plms_index == pytest.approx(40.0)
    # wake after sleep onset = 2 epochs = 60 s -> 3 / (1/60 h) = 180 /h
    assert ix.wake_after_sleep_onset_h == pytest.approx(60 / HOUR)
    assert ix.plmw_index == pytest.approx(180.0)
    # by stage: N1 2/30 s = 240, N2 1/450 s = 8, N3 1/30 s = 120, R 2/30 s = 240 (/h)
    assert ix.plms_index_by_stage == pytest.approx(
        {"N1": 240.0, "N2": 8.0, "N3": 120.0, "R": 240.0}
    )
    assert s.scored["stage"].tolist() == ["N1", "N1", "N2", "W", "W", "W", "R", "R", "N3"]
    # If series may not cross wake: runs of 3 (sleep), 3 (wake), 3 (sleep) -> 0 PLM.
    no_cross = get_rules("wasm2016", series_across_wake=False)
    s2 = score(left_train(*range(5, 170, 20)), no_cross, seconds=600.0, hypnogram=staged_night())
    assert s2.indices.plms_count == 0 and s2.indices.plmw_count == 0


def test_plms_by_leg() -> None:
    # series: left@0, right@20, both(left@40 + right@40.5)@40, left@60 -> TST 1 h
    rows = [("left", 0.0, 1.0), ("right", 20.0, 1.0), ("left", 40.0, 1.0), ("right", 40.5, 1.0)]
    s = score([*rows, ("left", 60.0, 1.0)])
    assert s.scored["legs"].tolist() == ["left", "right", "both", "left"]
    assert s.indices.plms_index_by_leg == pytest.approx({"left": 2.0, "right": 1.0, "both": 1.0})


def test_without_hypnogram_indices_per_hour_of_recording() -> None:
    # 4 PLM in a 2 h recording without stages -> 2 PLM per hour of recording, no sleep time.
    s = score(left_train(0, 20, 40, 60), seconds=2 * HOUR, hypnogram=None)
    ix = s.indices
    assert ix.plms_index == pytest.approx(2.0)
    assert ix.index_basis == "recording_time" and not ix.has_hypnogram
    assert ix.total_sleep_time_h is None and ix.plmw_index is None
    assert set(s.scored["stage"]) == {"UNS"}
    assert any("per hour of recording" in w for w in s.warnings)
    assert s.indices.to_dict()["total_sleep_time_h"] is None


def test_hypnogram_not_covering_or_overlapping_is_an_error() -> None:
    # a hypnogram of 200 epochs (6000 s) cannot belong to a 3600 s recording
    with pytest.raises(TwitchscopeError, match="lasts only"):
        score(left_train(0, 20), hypnogram=Hypnogram(("N2",) * 200))
    with pytest.raises(TwitchscopeError, match="before"):
        score(left_train(0, 20), hypnogram=Hypnogram(("N2",) * 10, offset=-60.0))
    with pytest.raises(TwitchscopeError, match="overlap"):
        Hypnogram.from_intervals([0, 20], [30, 30], ["N2", "W"])


def test_clock_hour_counts_across_midnight() -> None:
    # recording starts 23:30:00. PLM at 1740 1760 1780 1800 1820 s -> 23:59:00 23:59:20
    # 23:59:40 00:00:00 00:00:20: clock hour 23 holds 3, hour 0 holds 2; all in night hour 1.
    # A second series at 3700 ... 3760 s (00:31:40 - 00:32:40) -> clock hour 0, night hour 2.
    rows = left_train(1740, 1760, 1780, 1800, 1820, 3700, 3720, 3740, 3760)
    s = score(rows, seconds=2 * HOUR, recording_start=datetime(2024, 3, 1, 23, 30, 0))
    by_clock = s.indices.count_by_clock_hour
    assert by_clock is not None and len(by_clock) == 24
    assert by_clock[23] == 3 and by_clock[0] == 6 and sum(by_clock) == 9
    assert s.indices.count_by_night_hour == [5, 4]
    # without a start time the clock counts are not invented
    s2 = score(rows, seconds=2 * HOUR)
    assert s2.indices.count_by_clock_hour is None
    assert any("clock hour" in w for w in s2.warnings)


def test_excluded_time_leaves_denominators_and_breaks_series() -> None:
    # 2 h of N2, 10 s excluded at 1790-1800 s -> index hours = 7190 s.
    # CLMs 1740 1760 1780 | 1800 1820 1840: 6 PLM without the exclusion, runs of 3 and 3 with it.
    rows = left_train(1740, 1760, 1780, 1800, 1820, 1840)
    assert score(rows, seconds=2 * HOUR).indices.plms_count == 6
    ex = pd.DataFrame({"onset": [1790.0], "duration": [10.0], "leg": ["left"]})
    s = score(rows + left_train(1795), seconds=2 * HOUR, excluded=ex)
    assert s.indices.plms_count == 0
    assert s.indices.index_hours == pytest.approx(7190 / HOUR)
    assert s.indices.excluded_h == pytest.approx(10 / HOUR)
    moved = s.scored[s.scored["onset"] == 1795]
    assert moved["excluded"].item() and not moved["counted"].item()
    assert s.indices.lm_count == 6


def test_periodicity_index_definitions() -> None:
    # CLMs 0 20 40 60 65 85 190: IMIs 20 20 20 5 20 105.
    # plm_over_clm: PLM 0-60 (4; 65 85 is a run of 2) over 7 CLM = 4/7.
    rows = left_train(0, 20, 40, 60, 65, 85, 190)
    s = score(rows)
    assert s.indices.periodicity_index == pytest.approx(4 / 7)
    assert s.indices.periodicity_definition.startswith("plm_over_clm")
    # Ferri 2006: IMIs in 10-90 s inside runs of >= 3 such IMIs: 20 20 20 -> 3 of 6 IMIs = 0.5.
    ferri = get_rules("wasm2016", periodicity_index="ferri2006_interval")
    s2 = score(rows, ferri)
    assert s2.indices.periodicity_index == pytest.approx(0.5)
    assert "Ferri" in s2.indices.periodicity_definition


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"leg": ["left"], "onset": [1.0]}), "duration"),
        (pd.DataFrame({"leg": ["middle"], "onset": [1.0], "duration": [1.0]}), "left"),
        (pd.DataFrame({"leg": ["left"], "onset": [np.nan], "duration": [1.0]}), "onset"),
        (pd.DataFrame({"leg": ["left"], "onset": [1.0], "duration": [0.0]}), "duration"),
        (pd.DataFrame({"leg": ["left"], "onset": [9000.0], "duration": [1.0]}), "outside"),
    ],
)
def test_bad_movements_raise(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(TwitchscopeError, match=match):
        score_leg_movements(frame, recording_duration=HOUR)


def test_bad_duration_and_events_raise() -> None:
    with pytest.raises(TwitchscopeError, match="recording_duration"):
        score_leg_movements(lms(("left", 1.0, 1.0)), recording_duration=0.0)
    bad_events = pd.DataFrame({"onset": [1.0], "duration": [1.0], "kind": ["sneeze"]})
    with pytest.raises(TwitchscopeError, match="kind"):
        score_leg_movements(lms(("left", 1.0, 1.0)), recording_duration=HOUR, events=bad_events)


def test_too_short_movements_are_dropped_with_warning() -> None:
    # WASM 2016 / AASM: an LM lasts >= 0.5 s; PLMScoRe removes shorter events.
    s = score([("left", 10.0, 0.3), ("left", 30.0, 1.0)])
    assert s.scored["onset"].tolist() == [30.0]
    assert any("shorter than 0.5 s" in w for w in s.warnings)
