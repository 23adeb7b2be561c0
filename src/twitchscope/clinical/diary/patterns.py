"""Patterns in a symptom diary (after the Consensus Sleep Diary, Carney et al., Sleep 2012).

Every figure comes with the number of days or episodes behind it, and no claim is made where the
data are too few. Associations are described, never called causes. Definitions:

- **diary day**: 06:00 to 06:00 (see :mod:`.frames`); **recorded days**: diary days with an
  episode or with factors entered.
- **chronic** (twitching on most days for 3 months; the NHS advises seeing a GP about
  twitching that does not go away): looking at the 90 diary days ending on ``today``, True when
  twitching was recorded on most of them (at least :data:`CHRONIC_MIN_DAYS` = 46 of 90) and the
  diary reaches back to the start of that window; False when the diary reaches back that far and
  at least 45 recorded days in the window had no episode (so "most days" is impossible); None
  otherwise (diary too short, or too many days not recorded to tell).
- **evening/night peak**: share of episodes starting 18:00-05:59 (12 of 24 hours, so 0.5 under a
  uniform day), one-sided exact binomial test against 0.5 at :data:`ALPHA`; None below
  :data:`MIN_EPISODES_FOR_PEAK` episodes. RLS symptoms peak in the evening and night
  (IRLSSG 2014 criterion 4, Allen et al., Sleep Med 2014). Episodes of one person are not
  independent, so the p-value is a guide, not proof.
- **trend**: episodes per complete week since the first recorded day, least-squares slope with
  its t-test (``scipy.stats.linregress``) at :data:`ALPHA`; None below :data:`MIN_WEEKS_FOR_TREND`
  complete weeks.
- **spread**: body locations first noted after the first :data:`BASELINE_DAYS` days (the
  two-week baseline of sec. 8) from the first episode; None when the diary runs less than
  :data:`MIN_DAYS_FOR_SPREAD` days from the first episode.
- **factor associations**: see :mod:`.factors`; mean episodes per day on days with vs without
  the factor, two-sided Mann-Whitney U test on the daily counts, no claim with fewer than
  :data:`~.factors.MIN_DAYS_PER_GROUP` days in either group.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy import stats

from twitchscope.clinical.diary.factors import (
    ALPHA,
    FACTOR_RULES,
    MIN_DAYS_PER_GROUP,
    FactorRule,
    classify_days,
)
from twitchscope.clinical.diary.frames import Diary

CHRONIC_WINDOW_DAYS: Final[int] = 90
CHRONIC_MIN_DAYS: Final[int] = 46
EVENING_START_HOUR: Final[int] = 18
EVENING_END_HOUR: Final[int] = 6
MIN_EPISODES_FOR_PEAK: Final[int] = 10
MIN_WEEKS_FOR_TREND: Final[int] = 4
BASELINE_DAYS: Final[int] = 14
MIN_DAYS_FOR_SPREAD: Final[int] = 21
MIN_DAYS_FOR_BASELINE: Final[int] = 14


@dataclass(frozen=True)
class FactorAssociation:
    """Episodes on days with vs without one daily factor.

    Attributes
    ----------
    factor : str
        Factor name (see :data:`~.factors.FACTOR_RULES`).
    n_days_with, n_days_without : int
        Recorded days in each group.
    rate_with, rate_without : float or None
        Mean episodes per day in each group (None when the group is empty).
    ratio : float or None
        ``rate_with / rate_without`` (None when undefined).
    p_value : float or None
        Two-sided Mann-Whitney U p-value of the daily counts (None without enough data).
    enough_data : bool
        Whether both groups have at least the minimum number of days.
    statement : str
        One sentence for a person; descriptive, never causal.
    direction : str
        ``"more"`` or ``"less"`` when episodes differ between the groups (two-sided test at
        :data:`ALPHA`), ``"no_difference"`` when they do not, ``"unknown"`` without enough data.
    """

    factor: str
    n_days_with: int
    n_days_without: int
    rate_with: float | None
    rate_without: float | None
    ratio: float | None
    p_value: float | None
    enough_data: bool
    statement: str
    direction: str = "unknown"


@dataclass(frozen=True)
class DiaryPatterns:
    """The patterns of a diary; see the module docstring for every definition."""

    n_episodes: int
    n_days_recorded: int
    first_day: date | None
    last_day: date | None
    days_affected_last_90: int
    chronic: bool | None
    hourly_profile: list[int]
    evening_night_peak: bool | None
    evening_night_share: float | None
    trend: str | None
    locations: list[str]
    spread: bool | None
    factor_associations: list[FactorAssociation]
    warnings: list[str]
    new_locations: list[str]
    evening_night_p_value: float | None = None
    trend_slope_per_week: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (dates as ISO strings)."""
        out = asdict(self)
        for key in ("first_day", "last_day"):
            value = out[key]
            out[key] = None if value is None else value.isoformat()
        return out


def _episode_days(diary: Diary) -> np.ndarray:
    return np.array(list(diary.episodes["diary_day"]), dtype="datetime64[D]")


def _chronic(
    affected: set[date], recorded: set[date], first: date | None, today: date
) -> tuple[int, bool | None, str | None]:
    start = today - timedelta(days=CHRONIC_WINDOW_DAYS - 1)
    in_window = {d for d in recorded if start <= d <= today}
    n_affected = len({d for d in affected if start <= d <= today})
    n_free = len(in_window) - n_affected
    if first is None or first > start:
        return (
            n_affected,
            None,
            (
                f"the diary does not reach back {CHRONIC_WINDOW_DAYS} days before {today}, so "
                "whether twitching is chronic (on most days for 3 months) cannot be told yet"
            ),
        )
    if n_affected >= CHRONIC_MIN_DAYS:
        return n_affected, True, None
    if n_free >= CHRONIC_WINDOW_DAYS - CHRONIC_MIN_DAYS + 1:
        return n_affected, False, None
    return (
        n_affected,
        None,
        (
            f"only {len(in_window)} of the last {CHRONIC_WINDOW_DAYS} days are recorded; too few "
            "to tell whether twitching is chronic"
        ),
    )


def _evening(hours: np.ndarray) -> tuple[bool | None, float | None, float | None, str | None]:
    n = int(hours.size)
    if n == 0:
        return None, None, None, None
    evening = (hours >= EVENING_START_HOUR) | (hours < EVENING_END_HOUR)
    k = int(evening.sum())
    share = k / n
    if n < MIN_EPISODES_FOR_PEAK:
        return (
            None,
            share,
            None,
            (
                f"{n} episodes: at least {MIN_EPISODES_FOR_PEAK} are needed to test for an "
                "evening/night peak"
            ),
        )
    p = float(stats.binomtest(k, n, 0.5, alternative="greater").pvalue)
    return bool(p < ALPHA), share, p, None


def _trend(
    ep_days: np.ndarray, first: date, last: date
) -> tuple[str | None, float | None, str | None]:
    n_weeks = ((last - first).days + 1) // 7
    if n_weeks < MIN_WEEKS_FOR_TREND:
        return (
            None,
            None,
            (
                f"{n_weeks} complete week(s) recorded: at least {MIN_WEEKS_FOR_TREND} are needed "
                "for a trend"
            ),
        )
    offsets = (ep_days - np.datetime64(first, "D")).astype(int)
    week = offsets // 7
    counts = np.bincount(week[week < n_weeks], minlength=n_weeks).astype(float)
    if np.all(counts == counts[0]):
        return "stable", 0.0, None
    fit = stats.linregress(np.arange(n_weeks, dtype=float), counts)
    slope, p = float(fit.slope), float(fit.pvalue)
    if np.isnan(p) or p >= ALPHA:
        return "stable", slope, None
    return ("increasing" if slope > 0 else "decreasing"), slope, None


def _spread(diary: Diary, last: date) -> tuple[bool | None, list[str], str | None]:
    if diary.episodes.empty:
        return None, [], None
    first_ep = min(diary.episodes["diary_day"])
    if (last - first_ep).days + 1 < MIN_DAYS_FOR_SPREAD:
        return (
            None,
            [],
            (
                f"the diary runs {(last - first_ep).days + 1} days from the first episode; "
                f"at least {MIN_DAYS_FOR_SPREAD} are needed to see spread to other body parts"
            ),
        )
    cutoff = first_ep + timedelta(days=BASELINE_DAYS)
    baseline: set[str] = set()
    later: set[str] = set()
    for day, locations in zip(
        diary.episodes["diary_day"], diary.episodes["locations"], strict=True
    ):
        (baseline if day < cutoff else later).update(locations)
    new = sorted(later - baseline)
    return bool(new), new, None


def _fmt(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1f}"


def _association(rule: FactorRule, diary: Diary, counts_by_day: pd.Series) -> FactorAssociation:
    flags = classify_days(rule, diary.days)
    day_counts = np.array([float(counts_by_day.get(d, 0)) for d in diary.days["date"]], dtype=float)
    with_ = day_counts[flags == 1.0]
    without = day_counts[flags == 0.0]
    n_w, n_o = int(with_.size), int(without.size)
    rate_w = float(with_.mean()) if n_w else None
    rate_o = float(without.mean()) if n_o else None
    ratio = rate_w / rate_o if rate_w is not None and rate_o else None
    enough = n_w >= MIN_DAYS_PER_GROUP and n_o >= MIN_DAYS_PER_GROUP
    figures = f"{_fmt(rate_w)} vs {_fmt(rate_o)} per day; {n_w} vs {n_o} days"
    if not enough:
        return FactorAssociation(
            factor=rule.factor,
            n_days_with=n_w,
            n_days_without=n_o,
            rate_with=rate_w,
            rate_without=rate_o,
            ratio=ratio,
            p_value=None,
            enough_data=False,
            statement=(
                f"too few days to say: {n_w} day(s) with {rule.label} and {n_o} without "
                f"(at least {MIN_DAYS_PER_GROUP} of each are needed)"
            ),
        )
    if np.all(with_ == without[0]) and np.all(without == without[0]):
        p = 1.0
    else:
        p = float(stats.mannwhitneyu(with_, without, alternative="two-sided").pvalue)
    mean_w, mean_o = float(with_.mean()), float(without.mean())
    if p < ALPHA and mean_w > mean_o:
        direction = "more"
        text = f"episodes were more frequent on days with {rule.label} ({figures})"
    elif p < ALPHA and mean_w < mean_o:
        direction = "less"
        text = f"episodes were less frequent on days with {rule.label} ({figures})"
    else:
        direction = "no_difference"
        text = f"no clear difference in episodes on days with {rule.label} ({figures})"
    return FactorAssociation(
        factor=rule.factor,
        n_days_with=n_w,
        n_days_without=n_o,
        rate_with=rate_w,
        rate_without=rate_o,
        ratio=ratio,
        p_value=p,
        enough_data=True,
        statement=text,
        direction=direction,
    )


def compute_patterns(diary: Diary, *, today: date | None = None) -> DiaryPatterns:
    """Compute the patterns of a diary.

    Parameters
    ----------
    diary : Diary
        From :func:`~twitchscope.clinical.diary.load_diary`.
    today : date, optional
        End of the 90-day window for ``days_affected_last_90`` and ``chronic``; default the
        current date.

    Returns
    -------
    DiaryPatterns
        Every figure with the data behind it; see the module docstring for definitions.
    """
    today = date.today() if today is None else today
    warnings: list[str] = []
    episodes = diary.episodes
    ep_day_list: list[date] = list(episodes["diary_day"])
    affected = set(ep_day_list)
    recorded = affected | set(diary.days["date"])
    first = min(recorded) if recorded else None
    last = max(recorded) if recorded else None

    if len(recorded) < MIN_DAYS_FOR_BASELINE:
        warnings.append(
            f"{len(recorded)} day(s) recorded: about 2 weeks give a baseline "
            "(Consensus Sleep Diary, Carney et al., Sleep 2012)"
        )
    if last is not None and last > today:
        warnings.append(f"the diary has entries after {today.isoformat()}")

    hours = pd.DatetimeIndex(episodes["start"]).hour.to_numpy(dtype=int)
    hourly = np.bincount(hours, minlength=24).astype(int).tolist()

    n_affected, chronic, note = _chronic(affected, recorded, first, today)
    if note:
        warnings.append(note)
    peak, share, peak_p, note = _evening(hours)
    if note:
        warnings.append(note)
    trend: str | None = None
    slope: float | None = None
    spread: bool | None = None
    new_locations: list[str] = []
    if first is not None and last is not None:
        trend, slope, note = _trend(_episode_days(diary), first, last)
        if note:
            warnings.append(note)
        spread, new_locations, note = _spread(diary, last)
        if note:
            warnings.append(note)

    counts_by_day = pd.Series(ep_day_list, dtype=object).value_counts()
    associations = [_association(rule, diary, counts_by_day) for rule in FACTOR_RULES]
    locations = sorted({loc for locs in episodes["locations"] for loc in locs})
    return DiaryPatterns(
        n_episodes=len(episodes),
        n_days_recorded=len(recorded),
        first_day=first,
        last_day=last,
        days_affected_last_90=n_affected,
        chronic=chronic,
        hourly_profile=hourly,
        evening_night_peak=peak,
        evening_night_share=share,
        trend=trend,
        locations=locations,
        spread=spread,
        factor_associations=associations,
        warnings=warnings,
        new_locations=new_locations,
        evening_night_p_value=peak_p,
        trend_slope_per_week=slope,
    )
