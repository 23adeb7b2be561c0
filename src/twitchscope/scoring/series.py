"""Inter-movement intervals, PLM series and periodic flags.

WASM 2016: a PLM series is at least 4 consecutive candidate LMs (CLMs) whose onset-to-onset
intervals (IMI) are >= 10 s and <= 90 s. An IMI below 10 s or above 90 s ends the series, and so
does a non-candidate LM. Whether the CLM that follows a too-short IMI may be the *first* CLM of a
new series differs between tools: PLMScoRe yes, SOMAS/MATPLM no
(``short_interval_may_start_series``).

Intervals
---------
The interval of a CLM is its onset minus the onset of the previous CLM, in seconds. It is NaN for
the first CLM and for a CLM separated from the previous CLM by a break: a non-candidate LM (when
``noncandidate_breaks_series``, as PLMScoRe sets the IMI next to a non-candidate to NA), time
excluded from scoring, or (when ``series_across_wake`` is false) a change between sleep and wake.
Such a CLM always starts a new run. Non-candidate LMs have no interval (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from twitchscope.scoring.combine import TIME_EPS, BoolArray, FloatArray, IntArray
from twitchscope.scoring.rules import RuleSet


@dataclass(frozen=True)
class SeriesResult:
    """Per movement (same order as the input): interval, periodic flag, series number.

    Attributes
    ----------
    interval : float array, s from the previous CLM onset (NaN: see module docstring).
    periodic : bool array, member of a PLM series.
    series : int array, 1-based series number, 0 when not periodic.
    """

    interval: FloatArray
    periodic: BoolArray
    series: IntArray

    @property
    def n_series(self) -> int:
        """Number of PLM series."""
        return int(self.series.max()) if self.series.size else 0


def interval_in_bounds(interval: FloatArray, rules: RuleSet) -> BoolArray:
    """True where an IMI (s) lies inside the series bounds of ``rules`` (NaN gives False)."""
    iv = np.asarray(interval, dtype=float)
    with np.errstate(invalid="ignore"):
        if rules.interval_min_inclusive:
            ok_min = iv >= rules.interval_min_s - TIME_EPS
        else:
            ok_min = iv > rules.interval_min_s + TIME_EPS
        if rules.interval_max_inclusive:
            ok_max = iv <= rules.interval_max_s + TIME_EPS
        else:
            ok_max = iv < rules.interval_max_s - TIME_EPS
    return np.asarray(ok_min & ok_max & np.isfinite(iv), dtype=bool)


def find_series(
    onset: npt.ArrayLike,
    candidate: npt.ArrayLike,
    rules: RuleSet,
    *,
    drop: npt.ArrayLike | None = None,
    segment: npt.ArrayLike | None = None,
) -> SeriesResult:
    """Compute IMIs and PLM series over movements sorted by onset.

    Parameters
    ----------
    onset : array of float
        Movement onsets in seconds, sorted ascending.
    candidate : array of bool
        CLM status of each movement; non-candidates break series when
        ``rules.noncandidate_breaks_series``.
    rules : RuleSet
        Uses the interval bounds and inclusiveness, ``min_series_length``,
        ``short_interval_may_start_series`` and ``noncandidate_breaks_series``.
    drop : array of bool, optional
        Movements treated as absent (e.g. respiratory-related LMs for the "without respiratory"
        indices); they neither count nor break.
    segment : array of int, optional
        Non-decreasing segment id per movement; a series never links two CLMs of different
        segments (excluded time, sleep/wake change).

    Returns
    -------
    SeriesResult
        Arrays in the input order; dropped movements get NaN / False / 0.
    """
    on = np.asarray(onset, dtype=float)
    cand = np.asarray(candidate, dtype=bool)
    n = on.size
    keep = np.ones(n, dtype=bool) if drop is None else ~np.asarray(drop, dtype=bool)
    seg = np.zeros(n, dtype=np.int64) if segment is None else np.asarray(segment, dtype=np.int64)
    interval = np.full(n, np.nan)
    periodic = np.zeros(n, dtype=bool)
    series = np.zeros(n, dtype=np.int64)

    kept = np.flatnonzero(keep)
    if rules.noncandidate_breaks_series:
        # every kept non-candidate opens a new segment for the CLMs after it
        nc = (~cand[kept]).astype(np.int64)
        seg_k = seg[kept] * (kept.size + 1) + np.cumsum(nc)
    else:
        seg_k = seg[kept]
    is_clm = cand[kept]
    clm = kept[is_clm]
    seg_c = seg_k[is_clm]
    if clm.size == 0:
        return SeriesResult(interval, periodic, series)

    iv = np.full(clm.size, np.nan)
    same = seg_c[1:] == seg_c[:-1]
    iv[1:] = np.where(same, np.diff(on[clm]), np.nan)
    link = interval_in_bounds(iv, rules)
    start = ~link
    if not rules.short_interval_may_start_series:
        # a CLM after a too-short IMI stays alone: the next CLM starts the run (SOMAS, MATPLM)
        short = np.isfinite(iv) & ~link & (iv <= rules.interval_min_s + TIME_EPS)
        start[1:] |= short[:-1]
    run = np.cumsum(start) - 1
    length = np.bincount(run)
    member = length[run] >= rules.min_series_length
    long_runs = length >= rules.min_series_length
    number = np.cumsum(long_runs)  # 1-based number of each long run
    interval[clm] = iv
    periodic[clm] = member
    series[clm] = np.where(member, number[run], 0)
    return SeriesResult(interval, periodic, series)


def runs_of_intervals(ok: BoolArray, min_run: int) -> BoolArray:
    """True for each True element of ``ok`` that lies in a run of at least ``min_run`` Trues."""
    v = np.asarray(ok, dtype=bool)
    if v.size == 0:
        return v.copy()
    start = np.ones(v.size, dtype=bool)
    start[1:] = v[1:] != v[:-1]
    run = np.cumsum(start) - 1
    length = np.bincount(run)
    return np.asarray(v & (length[run] >= min_run), dtype=bool)
