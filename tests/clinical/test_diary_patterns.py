"""Diary patterns on constructed diaries whose answers are known by construction."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from twitchscope.clinical.diary import (
    FACTOR_RULES,
    DayEntry,
    Diary,
    EpisodeEntry,
    compute_patterns,
    make_day,
    make_diary,
)
from twitchscope.clinical.diary.factors import classify_days

START = date(2026, 1, 5)  # a Monday


def ep(
    day: date, hour: int, minute: int = 0, locations: tuple[str, ...] = ("calf",)
) -> EpisodeEntry:
    return EpisodeEntry(
        start=datetime(day.year, day.month, day.day, hour, minute),
        duration_s=5.0,
        locations=locations,
        side="left",
        kind="twitch",
        intensity=3,
        context="resting",
    )


def days_from(n: int, first: date = START) -> list[date]:
    return [first + timedelta(days=i) for i in range(n)]


def diary(episodes: list[EpisodeEntry], days: list[DayEntry] | None = None) -> Diary:
    return make_diary(episodes, days or [], "constructed")


def test_evening_night_peak_yes() -> None:
    # 30 episodes, all between 18:00 and 06:00 (the diary day of 01:00 is the evening before).
    hours = [20, 22, 23, 1, 3]
    episodes = [ep(d, hours[i % 5]) for i, d in enumerate(days_from(30))]
    p = compute_patterns(diary(episodes), today=START + timedelta(days=29))
    assert p.evening_night_share == 1.0 and p.evening_night_peak is True
    assert p.evening_night_p_value is not None and p.evening_night_p_value < 1e-6
    assert sum(p.hourly_profile) == 30 and p.hourly_profile[22] == 6 and p.hourly_profile[12] == 0


def test_evening_night_peak_no_for_a_uniform_day() -> None:
    # One episode in every clock hour, twice: exactly half in 18:00-06:00.
    episodes = [ep(d, i % 24) for i, d in enumerate(days_from(48))]
    p = compute_patterns(diary(episodes), today=START + timedelta(days=47))
    assert p.hourly_profile == [2] * 24
    assert p.evening_night_share == 0.5 and p.evening_night_peak is False


def test_evening_peak_needs_enough_episodes() -> None:
    p = compute_patterns(diary([ep(d, 23) for d in days_from(9)]), today=START)
    assert p.evening_night_peak is None and p.evening_night_share == 1.0
    assert any("at least 10 are needed" in w for w in p.warnings)


def test_chronic_yes_when_twitching_on_most_days_for_3_months() -> None:
    all_days = days_from(120)
    episodes = [ep(d, 21) for i, d in enumerate(all_days) if i % 3 != 0]  # 2 days in 3
    today = all_days[-1]
    p = compute_patterns(diary(episodes), today=today)
    expected = sum(1 for i, d in enumerate(all_days) if i % 3 != 0 and (today - d).days < 90)
    assert p.days_affected_last_90 == expected == 60
    assert p.chronic is True


def test_chronic_no_when_most_recorded_days_are_free() -> None:
    all_days = days_from(120)
    factors = [DayEntry(date=d, stress=2) for d in all_days]
    episodes = [ep(d, 21) for d in all_days[::10]]  # 12 episodes, one every 10 days
    p = compute_patterns(diary(episodes, factors), today=all_days[-1])
    assert p.days_affected_last_90 == 9 and p.chronic is False


def test_chronic_unknown_for_a_short_diary_or_unrecorded_days() -> None:
    short = compute_patterns(diary([ep(d, 21) for d in days_from(30)]), today=START + timedelta(29))
    assert short.chronic is None and short.days_affected_last_90 == 30
    assert any("reach back 90 days" in w for w in short.warnings)
    # Long enough, but only 20 scattered days recorded in the window: cannot tell.
    sparse = [ep(d, 21) for d in days_from(120)[::6]]
    p = compute_patterns(diary(sparse), today=START + timedelta(119))
    assert p.chronic is None and any("too few to tell" in w for w in p.warnings)


def test_increasing_decreasing_and_stable_trends() -> None:
    def weekly(counts: list[int]) -> Diary:
        out = []
        for week, n in enumerate(counts):
            for k in range(n):
                out.append(ep(START + timedelta(days=7 * week + k % 7), 21, k))
        last = START + timedelta(days=7 * len(counts) - 1)
        return diary(out, [DayEntry(date=last, stress=1)])

    up = compute_patterns(weekly([1, 2, 3, 4, 5, 6, 7, 8]), today=START + timedelta(55))
    assert up.trend == "increasing"
    assert up.trend_slope_per_week == pytest.approx(1.0)
    down = compute_patterns(weekly([9, 8, 6, 5, 4, 2, 1, 0]), today=START + timedelta(55))
    assert down.trend == "decreasing"
    flat = compute_patterns(weekly([3, 4, 3, 4, 3, 4, 3, 4]), today=START + timedelta(55))
    assert flat.trend == "stable"
    few = compute_patterns(weekly([1, 2, 3]), today=START + timedelta(20))
    assert few.trend is None and any("for a trend" in w for w in few.warnings)


def test_spread_to_new_body_parts_after_the_baseline() -> None:
    episodes = [ep(d, 21) for d in days_from(14)]
    episodes += [ep(START + timedelta(days=20), 21, locations=("arm", "calf"))]
    episodes += [ep(START + timedelta(days=25), 21, locations=("thigh",))]
    p = compute_patterns(diary(episodes), today=START + timedelta(days=25))
    assert p.spread is True and p.new_locations == ["arm", "thigh"]
    assert p.locations == ["arm", "calf", "thigh"]


def test_no_spread_when_the_same_parts_continue() -> None:
    episodes = [
        ep(d, 21, locations=("calf", "foot") if i < 3 else ("foot",))
        for i, d in enumerate(days_from(40))
    ]
    p = compute_patterns(diary(episodes), today=START + timedelta(days=39))
    assert p.spread is False and p.new_locations == []
    short = compute_patterns(diary(episodes[:10]), today=START + timedelta(days=9))
    assert short.spread is None


def test_factor_association_with_enough_days_and_too_few() -> None:
    all_days = days_from(20)
    factors = []
    episodes = []
    for i, d in enumerate(all_days):
        high = i % 2 == 0
        # stress recorded on only 5 days: too few for any claim
        raw: dict[str, object] = {"date": d, "caffeine_cups": 4 if high else 1}
        if i < 5:
            raw["stress"] = 8
        factors.append(make_day(raw))
        n = 3 if high else (1 if i % 4 == 1 else 0)
        episodes += [ep(d, 20, k) for k in range(n)]
    p = compute_patterns(diary(episodes, factors), today=all_days[-1])
    by = {a.factor: a for a in p.factor_associations}
    assert [a.factor for a in p.factor_associations] == [r.factor for r in FACTOR_RULES]
    caffeine = by["caffeine"]
    assert (caffeine.n_days_with, caffeine.n_days_without) == (10, 10)
    assert caffeine.rate_with == 3.0 and caffeine.rate_without == 0.5
    assert caffeine.ratio == 6.0 and caffeine.enough_data is True
    assert caffeine.p_value is not None and caffeine.p_value < 0.001
    assert caffeine.direction == "more"
    assert caffeine.statement == (
        "episodes were more frequent on days with 3 or more cups of caffeinated drinks "
        "(3.0 vs 0.5 per day; 10 vs 10 days)"
    )
    stress = by["stress"]
    assert (stress.n_days_with, stress.n_days_without) == (5, 0)
    assert stress.enough_data is False and stress.p_value is None
    assert stress.direction == "unknown"
    assert stress.statement.startswith("too few days to say")
    assert by["alcohol"].n_days_with == 0 and by["alcohol"].enough_data is False


def test_no_clear_difference_is_not_a_claim() -> None:
    factors = [
        make_day({"date": d, "sleep_hours": 5 if i % 2 else 8}) for i, d in enumerate(days_from(16))
    ]
    episodes = [ep(d, 21) for d in days_from(16)]  # one every day either way
    p = compute_patterns(diary(episodes, factors), today=START + timedelta(15))
    (sleep,) = [a for a in p.factor_associations if a.factor == "short_sleep"]
    assert sleep.enough_data and sleep.p_value == 1.0
    assert sleep.statement.startswith("no clear difference")
    assert sleep.direction == "no_difference"


def test_night_episodes_count_with_the_evening_before() -> None:
    factors = [make_day({"date": START, "caffeine_cups": 5})]
    p = compute_patterns(diary([ep(START + timedelta(days=1), 2)], factors), today=START)
    assert p.n_days_recorded == 1 and p.first_day == p.last_day == START
    assert p.factor_associations[0].rate_with == 1.0


def test_exercise_classification() -> None:
    days = [
        make_day({"date": "2026-01-01", "heavy_exercise": "yes"}),
        make_day({"date": "2026-01-02", "exercise_minutes": 90}),
        make_day({"date": "2026-01-03", "exercise_minutes": 30}),
        make_day({"date": "2026-01-04", "heavy_exercise": "no"}),
        make_day({"date": "2026-01-05", "stress": 3}),
        make_day({"date": "2026-01-06", "heavy_exercise": "no", "exercise_minutes": 75}),
    ]
    rule = next(r for r in FACTOR_RULES if r.factor == "exercise")
    flags = classify_days(rule, diary([], days).days)
    np.testing.assert_array_equal(flags, [1.0, 1.0, 0.0, 0.0, np.nan, 1.0])


def test_empty_diary_and_json() -> None:
    p = compute_patterns(diary([]), today=START)
    assert (p.n_episodes, p.n_days_recorded, p.first_day, p.trend, p.spread) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert p.hourly_profile == [0] * 24 and p.chronic is None
    full = compute_patterns(diary([ep(d, 22) for d in days_from(12)]), today=START)
    data = json.loads(json.dumps(full.to_dict()))
    assert data["first_day"] == START.isoformat() and len(data["factor_associations"]) == 6
    assert data["factor_associations"][0]["statement"].startswith("too few days")
