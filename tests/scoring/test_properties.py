"""Property tests of the scoring: invariants, order independence, and agreement with slow,
obviously-correct reference implementations of the bilateral and series rules."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchscope.events import make_events
from twitchscope.hypnogram import Hypnogram
from twitchscope.scoring import AASM, WASM2016, RuleSet, Scoring, get_rules, score_leg_movements
from twitchscope.scoring.association import merge_intervals
from twitchscope.scoring.combine import TIME_EPS, combine_bilateral
from twitchscope.scoring.indices import covered_seconds
from twitchscope.scoring.series import find_series, interval_in_bounds

DURATION = 1800.0
STAGES = ("W", "N1", "N2", "N3", "R")

# onsets on a 0.25 s grid so that exact rule edges (0.5 s gaps, 10 s and 90 s IMIs) occur often
movement = st.tuples(
    st.sampled_from(["left", "right"]),
    st.integers(0, int((DURATION - 20) * 4)).map(lambda q: q / 4),
    st.integers(2, 60).map(lambda q: q / 4),
)
movements = st.lists(movement, min_size=0, max_size=40)
# trains: runs of LMs with IMIs near the series bounds, so that series actually form
train = st.tuples(
    st.integers(0, 1500),
    st.lists(
        st.sampled_from([5.0, 9.75, 10.0, 20.0, 45.0, 89.75, 90.0, 90.25, 120.0]), max_size=12
    ),
    st.sampled_from(["left", "right"]),
)
rule_sets = st.sampled_from(
    [
        WASM2016,
        AASM,
        get_rules("wasm2016", short_interval_may_start_series=False),
        get_rules("wasm2016", interval_max_inclusive=False, noncandidate_breaks_series=False),
        get_rules("wasm2016", periodicity_index="ferri2006_interval", series_across_wake=False),
    ]
)
hypnograms = st.one_of(
    st.none(),
    st.lists(st.sampled_from(STAGES), min_size=60, max_size=60).map(lambda s: Hypnogram(tuple(s))),
)


def frame(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["leg", "onset", "duration"])


def build(
    rows: list[tuple[str, float, float]], trains: list[tuple[int, list[float], str]]
) -> pd.DataFrame:
    all_rows = list(rows)
    for start, gaps, leg in trains:
        t = float(start)
        for g in [0.0, *gaps]:
            t += g
            if t < DURATION - 5:
                all_rows.append((leg, t, 1.0))
    return frame(all_rows)


events_strategy = st.lists(
    st.tuples(
        st.sampled_from(["obstructive_apnea", "hypopnea", "rera", "arousal"]),
        st.integers(0, int(DURATION) - 60),
        st.integers(3, 40),
    ),
    max_size=8,
).map(lambda ev: make_events([e[1] for e in ev], [e[2] for e in ev], [e[0] for e in ev]))


def run(
    lm: pd.DataFrame, rules: RuleSet, hyp: Hypnogram | None, ev: pd.DataFrame | None
) -> Scoring:
    return score_leg_movements(
        lm, recording_duration=DURATION, rules=rules, hypnogram=hyp, events=ev
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(movements, st.lists(train, max_size=3), rule_sets, hypnograms, events_strategy)
def test_invariants(
    rows: list[tuple[str, float, float]],
    trains: list[tuple[int, list[float], str]],
    rules: RuleSet,
    hyp: Hypnogram | None,
    ev: pd.DataFrame,
) -> None:
    lm = build(rows, trains)
    s = run(lm, rules, hyp, ev)
    sc = s.scored
    ix = s.indices
    # every input LM (all >= 0.5 s here) is in exactly one movement
    assert int(sc["n_components"].sum()) == len(lm)
    assert sc["onset"].is_monotonic_increasing
    # only candidates are periodic, and only counted ones
    assert not (sc["periodic"] & ~sc["candidate"]).any()
    assert not (sc["periodic"] & ~sc["counted"]).any()
    # series: numbered 1..k in onset order, each with >= min_series_length members
    ser = sc["series"].dropna().astype(int).to_numpy()
    assert (sc["series"].notna() == sc["periodic"]).all()
    if ser.size:
        assert np.all(np.diff(ser) >= 0)
        assert set(ser) == set(range(1, ser.max() + 1))
        assert np.bincount(ser)[1:].min() >= rules.min_series_length
    # inside a series every IMI but the first member's is within the bounds
    iv = sc["interval"].to_numpy()
    members = sc.loc[sc["periodic"]]
    first_of_series = ~members["series"].duplicated()
    inner = members.index[~first_of_series.to_numpy()]
    assert interval_in_bounds(iv[inner], rules).all()
    # counts consistent
    assert 0 <= ix.plms_count <= ix.clm_count <= ix.lm_count
    assert sum(ix.count_by_night_hour) == int((sc["periodic"] & sc["counted"]).sum())
    if ix.index_hours > 0 and ix.plms_index is not None:
        legs = sum(v or 0.0 for v in ix.plms_index_by_leg.values()) * ix.index_hours
        assert abs(legs - ix.plms_count) < 1e-6
    if ix.periodicity_index is not None:
        assert 0.0 <= ix.periodicity_index <= 1.0
    if rules.respiratory_in_main_index is False:
        assert not (sc["respiratory"] & sc["counted"]).any()
    if hyp is None:
        assert ix.index_basis == "recording_time" and ix.total_sleep_time_h is None
    else:
        in_sleep = sc["stage"].isin(["N1", "N2", "N3", "R"]) & sc["counted"]
        assert ix.plms_count == int((sc["periodic"] & in_sleep).sum())
    assert isinstance(ix.to_dict()["plms_index_by_stage"], dict)


@settings(max_examples=40, deadline=None)
@given(movements, st.lists(train, max_size=2), rule_sets, hypnograms, st.integers(0, 99))
def test_input_order_does_not_matter(
    rows: list[tuple[str, float, float]],
    trains: list[tuple[int, list[float], str]],
    rules: RuleSet,
    hyp: Hypnogram | None,
    seed: int,
) -> None:
    lm = build(rows, trains)
    a = run(lm, rules, hyp, None)
    shuffled = lm.sample(frac=1.0, random_state=seed)
    b = run(shuffled, rules, hyp, None)
    pd.testing.assert_frame_equal(a.scored, b.scored)
    assert a.indices == b.indices


def reference_groups(lm: pd.DataFrame, rules: RuleSet) -> set[frozenset[int]]:
    """Naive O(n^2) union-find of the bilateral rule."""
    n = len(lm)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    on = lm["onset"].to_numpy()
    end = on + lm["duration"].to_numpy()
    leg = lm["leg"].to_numpy()
    for i in range(n):
        for j in range(i + 1, n):
            if leg[i] == leg[j]:
                continue
            if rules.bilateral_rule == "aasm":
                join = abs(on[i] - on[j]) < rules.bilateral_onset_window_s - TIME_EPS
            else:
                gap = max(on[i], on[j]) - min(end[i], end[j])
                join = gap < rules.bilateral_max_gap_s - TIME_EPS
            if join:
                parent[find(i)] = find(j)
    groups: dict[int, set[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), set()).add(i)
    return {frozenset(g) for g in groups.values()}


@settings(max_examples=80, deadline=None)
@given(movements, st.sampled_from([WASM2016, AASM]))
def test_bilateral_matches_reference(rows: list[tuple[str, float, float]], rules: RuleSet) -> None:
    lm = frame(rows)
    comb = combine_bilateral(lm["leg"], lm["onset"], lm["duration"], rules)
    got: dict[int, set[int]] = {}
    for i, g in enumerate(comb.group):
        got.setdefault(int(g), set()).add(i)
    assert {frozenset(g) for g in got.values()} == reference_groups(lm, rules)
    # candidate status by the rule text
    for g, members in got.items():
        idx = sorted(members)
        du = lm["duration"].to_numpy()[idx]
        total = comb.duration[g]
        ok = bool(np.all(du <= rules.candidate_max_duration_s + TIME_EPS))
        if rules.bilateral_rule == "wasm2016" and len(idx) > 1:
            ok = ok and len(idx) <= rules.bilateral_max_components
            ok = ok and total <= rules.bilateral_max_duration_s + TIME_EPS
        assert bool(comb.candidate[g]) == ok
        legs = set(lm["leg"].to_numpy()[idx])
        assert comb.legs[g] == (legs.pop() if len(legs) == 1 else "both")


def reference_series(onset: np.ndarray, cand: np.ndarray, rules: RuleSet) -> np.ndarray:
    """Loop over movements as PLMScoRe / SOMAS describe it; returns series number (0 = none)."""
    runs: list[list[int]] = []
    current: list[int] = []
    prev: int | None = None
    force_new = False
    for k in range(onset.size):
        if not cand[k]:
            if rules.noncandidate_breaks_series:
                prev, force_new = None, False
            continue
        iv = np.nan if prev is None else onset[k] - onset[prev]
        ok = prev is not None and bool(interval_in_bounds(np.array([iv]), rules)[0])
        if ok and not force_new:
            current.append(k)
        else:
            if current:
                runs.append(current)
            current = [k]
        force_new = (
            not rules.short_interval_may_start_series
            and prev is not None
            and iv <= rules.interval_min_s + TIME_EPS
            and not ok
        )
        prev = k
    if current:
        runs.append(current)
    out = np.zeros(onset.size, dtype=np.int64)
    number = 0
    for r in runs:
        if len(r) >= rules.min_series_length:
            number += 1
            out[r] = number
    return out


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([2.0, 5.0, 9.75, 10.0, 15.0, 30.0, 89.75, 90.0, 90.25, 200.0]),
            st.integers(0, 9),
        ),
        max_size=40,
    ),
    rule_sets,
)
def test_series_matches_reference(steps: list[tuple[float, int]], rules: RuleSet) -> None:
    onset = np.cumsum([s[0] for s in steps]) if steps else np.zeros(0)
    cand = np.array([s[1] != 0 for s in steps], dtype=bool)  # ~10 % non-candidates
    got = find_series(onset, cand, rules)
    assert np.array_equal(got.series, reference_series(onset, cand, rules))
    assert np.array_equal(got.periodic, got.series > 0)


def test_speed_3000_movements() -> None:
    # a night with 3000 LMs must score in well under a second (measured ~15 ms on one core)
    rng = np.random.default_rng(1)
    on = np.cumsum(rng.uniform(4, 30, 3000))
    lm = pd.DataFrame(
        {
            "leg": rng.choice(["left", "right"], 3000),
            "onset": on,
            "duration": rng.uniform(0.5, 5, 3000),
        }
    )
    dur = float(on[-1] + 60)
    hyp = Hypnogram(tuple(rng.choice(list(STAGES), int(dur // 30) + 1)))
    ev = make_events(on[::10] - 15, np.full(300, 10.0), ["hypopnea"] * 300)
    score_leg_movements(lm, recording_duration=dur, hypnogram=hyp, events=ev)
    # CPU time, not wall-clock time: a guard against a blow-up (a Python loop over pairs of
    # movements), unaffected by other processes on a loaded machine. Speed itself is measured
    # under benchmarks/.
    t0 = time.process_time()
    s = score_leg_movements(lm, recording_duration=dur, hypnogram=hyp, events=ev)
    cpu = time.process_time() - t0
    assert s.indices.lm_count > 0
    assert cpu < 0.5, f"scoring 3000 LMs took {cpu * 1000:.0f} ms of CPU time"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), max_size=8),
    st.integers(0, 500),
    st.integers(0, 100),
)
def test_covered_seconds_matches_a_fine_grid(
    intervals: list[tuple[int, int]], a: int, width: int
) -> None:
    # union of integer intervals, measured on a 1 s grid, against the closed-form computation
    grid = np.zeros(600, dtype=bool)
    for start, length in intervals:
        grid[start : start + length] = True
    starts = np.array([float(i) for i, _ in intervals])
    ends = np.array([float(i + n) for i, n in intervals])

    ms, me = merge_intervals(starts, ends)
    got = covered_seconds(ms, me, np.array([float(a)]), np.array([float(a + width)]))
    assert got[0] == pytest.approx(float(grid[a : a + width].sum()))


def test_amplitude_and_area_follow_the_joined_movements() -> None:
    lm = pd.DataFrame(
        {
            "leg": ["left", "right", "left"],
            "onset": [10.0, 11.0, 40.0],
            "duration": [2.0, 2.0, 1.0],
            "amplitude_uv": [20.0, 35.0, 12.0],
            "area_uv_s": [5.0, 7.0, 2.0],
        }
    )
    s = score_leg_movements(lm, recording_duration=600.0)
    # bilateral movement: max amplitude 35, summed area 12; the lone LM keeps its own values
    assert s.scored["amplitude_uv"].tolist() == [35.0, 12.0]
    assert s.scored["area_uv_s"].tolist() == [12.0, 2.0]
    assert s.leg_movements["movement"].tolist() == [0, 0, 1]
