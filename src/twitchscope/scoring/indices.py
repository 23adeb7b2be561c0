"""PLM indices from scored movements: PLMS, PLMW, LM, periodicity, by stage, leg and hour.

Denominators
------------
With a hypnogram (``index_basis = "total_sleep_time"``):

* sleep indices (PLMS, LM, CLM, by leg, arousal, non-respiratory) are per hour of total sleep
  time (N1+N2+N3+R epochs) minus the time excluded from scoring (``index_hours``);
* by-stage indices are per hour of that stage minus excluded time;
* wake indices (``plmw_index``, ``lms_index_wake``) count movements in W epochs and divide by
  the hours of those W epochs minus excluded time (``wake_hours``). Which W epochs is
  ``RuleSet.plmw_wake``, named in ``plmw_wake`` and ``plmw_wake_definition``:
  ``"time_in_bed"`` (both presets): every W epoch of the hypnogram, lights off to lights on,
  before and after sleep onset, as PLMScoRe (the WASM 2016 co-authors' R implementation)
  counts them; ``"after_sleep_onset"``: W epochs from the first sleep epoch to the end of the
  hypnogram (wake after sleep onset as AASM defines WASO, final awakening included).

Without a hypnogram (``index_basis = "recording_time"``): every movement counts, and every index
is per hour of recording minus excluded time; ``plms_index`` then means PLM per hour of recording,
not per hour of sleep. Sleep and wake times are ``None``, never invented.

Counts only include movements with ``counted`` true (outside excluded time; under the AASM preset
respiratory-related LMs are not scored, see ``RuleSet.respiratory_in_main_index``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.hypnogram import Hypnogram
from twitchscope.jsonsafe import json_safe
from twitchscope.scoring.combine import FloatArray
from twitchscope.scoring.rules import RuleSet
from twitchscope.scoring.series import interval_in_bounds, runs_of_intervals
from twitchscope.stages import SLEEP_STAGES

#: Edges (s) of the log-spaced IMI histogram: 0.5 s * 2**(k/3), k = 0..30 (0.5 s to 512 s,
#: three bins per doubling), as the log-scaled IMI distribution of WASM 2016 / Ferri 2006.
IMI_EDGES_S: Final[tuple[float, ...]] = tuple(round(0.5 * 2 ** (k / 3), 4) for k in range(31))

PERIODICITY_DEFINITIONS: Final[dict[str, str]] = {
    "plm_over_clm": "PLM in sleep / CLM in sleep (PLMScoRe, SOMAS)",
    "ferri2006_interval": (
        "IMIs of CLMs in sleep inside the series bounds that belong to a run of >= 3 "
        "consecutive such IMIs, divided by all IMIs of CLMs in sleep (Ferri et al., Sleep 2006)"
    ),
}

PLMW_WAKE_DEFINITIONS: Final[dict[str, str]] = {
    "time_in_bed": (
        "all W epochs in time in bed (lights off to lights on), before and after sleep onset "
        "(PLMScoRe)"
    ),
    "after_sleep_onset": (
        "W epochs after sleep onset only (WASO: first sleep epoch to lights on); wake before "
        "sleep onset is not counted"
    ),
}

_STAGE_KEYS: Final[tuple[str, ...]] = ("N1", "N2", "N3", "R")
_LEG_KEYS: Final[tuple[str, ...]] = ("left", "right", "both")


@dataclass(frozen=True)
class Indices:
    """The indices of one night. Rates are per hour (see module docstring for denominators)."""

    plms_index: float | None
    plmw_index: float | None
    lm_index: float | None
    lms_index_wake: float | None
    clm_index: float | None
    plms_count: int
    plmw_count: int | None
    plmw_wake: str
    plmw_wake_definition: str
    lm_count: int
    clm_count: int
    periodicity_index: float | None
    periodicity_definition: str
    plms_index_by_stage: dict[str, float | None]
    plms_index_by_leg: dict[str, float | None]
    plms_index_nonrespiratory: float | None
    plms_count_nonrespiratory: int
    respiratory_lm_count: int
    plms_arousal_index: float | None
    plms_arousal_count: int
    plm_series_count: int
    mean_series_length: float | None
    count_by_night_hour: list[int]
    count_by_clock_hour: list[int] | None
    imi_histogram: dict[str, Any]
    total_sleep_time_h: float | None
    time_in_bed_h: float | None
    wake_after_sleep_onset_h: float | None
    wake_in_bed_h: float | None
    recording_time_h: float
    excluded_h: float
    index_hours: float
    wake_hours: float | None
    index_basis: str
    has_hypnogram: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict: plain Python numbers, ``None`` for undefined values."""
        return {k: json_safe(v) for k, v in dataclasses.asdict(self).items()}


def covered_seconds(
    ex_start: FloatArray, ex_end: FloatArray, a: npt.ArrayLike, b: npt.ArrayLike
) -> FloatArray:
    """Seconds of the disjoint sorted intervals [ex_start, ex_end] inside each [a, b]."""
    a_ = np.asarray(a, dtype=float)
    b_ = np.asarray(b, dtype=float)
    if ex_start.size == 0:
        return np.zeros(np.broadcast(a_, b_).shape)
    lengths = ex_end - ex_start
    before = np.concatenate([[0.0], np.cumsum(lengths)])

    def upto(t: FloatArray) -> FloatArray:
        k = np.searchsorted(ex_start, t, side="right")
        last = np.maximum(k - 1, 0)
        partial = np.where(k > 0, np.clip(t - ex_start[last], 0.0, lengths[last]), 0.0)
        return np.asarray(before[np.maximum(k - 1, 0)] * (k > 0) + partial, dtype=float)

    return np.asarray(np.maximum(upto(b_) - upto(a_), 0.0), dtype=float)


def _rate(count: int, hours: float | None) -> float | None:
    if hours is None or hours <= 0:
        return None
    return count / hours


def compute_indices(
    scored: pd.DataFrame,
    *,
    rules: RuleSet,
    recording_duration: float,
    hypnogram: Hypnogram | None,
    excluded: tuple[FloatArray, FloatArray],
    recording_start: datetime | None,
    warnings: list[str],
) -> Indices:
    """Compute every index from the scored movements (see module docstring).

    Parameters
    ----------
    scored : DataFrame
        The ``Scoring.scored`` table, sorted by onset, with the ``counted`` column.
    rules : RuleSet
        For the periodicity definition and IMI bounds.
    recording_duration : float
        Length of the recording in seconds.
    hypnogram : Hypnogram or None
        Sleep stages; None gives indices per hour of recording.
    excluded : (start, end) arrays
        Disjoint sorted intervals (s) excluded from scoring.
    recording_start : datetime or None
        Clock time of the recording start, for counts per clock hour.
    warnings : list of str
        Messages are appended here.
    """
    ex_s, ex_e = excluded
    excluded_s = float(np.sum(ex_e - ex_s))
    rec_h = recording_duration / 3600.0
    counted = scored["counted"].to_numpy(dtype=bool)
    periodic = scored["periodic"].to_numpy(dtype=bool) & counted
    cand = scored["candidate"].to_numpy(dtype=bool) & counted
    stage = scored["stage"].to_numpy(dtype=str)
    onset = scored["onset"].to_numpy(dtype=float)

    if hypnogram is not None:
        basis = "total_sleep_time"
        a = hypnogram.offset + np.arange(hypnogram.n_epochs) * hypnogram.epoch_length
        b = a + hypnogram.epoch_length
        a_c, b_c = np.clip(a, 0.0, recording_duration), np.clip(b, 0.0, recording_duration)
        usable = (b_c - a_c) - covered_seconds(ex_s, ex_e, a_c, b_c)
        st = hypnogram.as_array()
        is_sleep_ep = hypnogram.is_sleep()
        in_sleep = np.isin(stage, list(SLEEP_STAGES)) & counted
        tst_h: float | None = hypnogram.total_sleep_time / 3600.0
        tib_h: float | None = hypnogram.time_in_bed / 3600.0
        index_hours = float(usable[is_sleep_ep].sum()) / 3600.0
        stage_hours = {s: float(usable[st == s].sum()) / 3600.0 for s in _STAGE_KEYS}
        wake_ep = st == "W"
        wake_in_bed_h: float | None = float(wake_ep.sum()) * hypnogram.epoch_length / 3600.0
        waso_h: float | None = None
        if is_sleep_ep.any():
            first = int(np.flatnonzero(is_sleep_ep)[0])
            waso_ep = wake_ep & (np.arange(st.size) >= first)
            waso_h = float(waso_ep.sum()) * hypnogram.epoch_length / 3600.0
            sleep_onset = float(a[first])
        else:
            waso_ep = np.zeros(st.size, dtype=bool)
            sleep_onset = np.inf
            warnings.append("the hypnogram holds no sleep epoch: sleep indices are undefined")
        if rules.plmw_wake == "time_in_bed":
            wake_hours: float | None = float(usable[wake_ep].sum()) / 3600.0
            in_wake = (stage == "W") & counted
        elif is_sleep_ep.any():
            wake_hours = float(usable[waso_ep].sum()) / 3600.0
            in_wake = (stage == "W") & (onset >= sleep_onset) & counted
        else:
            # no sleep onset, so no wake after it
            wake_hours = None
            in_wake = np.zeros(onset.size, dtype=bool)
        # (movements outside the hypnogram have their own warning, see scoring.pipeline)
        inside = (onset >= hypnogram.offset) & (onset < hypnogram.end)
        unstaged = int(np.count_nonzero((stage == "UNS") & cand & inside))
        if unstaged:
            warnings.append(
                f"{unstaged} candidate leg movement(s) fall in unscored (UNS) epochs of the "
                "hypnogram; they count neither as sleep nor as wake"
            )
    else:
        basis = "recording_time"
        in_sleep = counted.copy()
        in_wake = np.zeros(onset.size, dtype=bool)
        tst_h = tib_h = waso_h = wake_hours = wake_in_bed_h = None
        index_hours = max(recording_duration - excluded_s, 0.0) / 3600.0
        stage_hours = {s: 0.0 for s in _STAGE_KEYS}

    plms = periodic & in_sleep
    plms_count = int(plms.sum())
    clm_count = int((cand & in_sleep).sum())
    lm_count = int(in_sleep.sum())
    plmw_count = int((periodic & in_wake).sum()) if hypnogram is not None else None
    legs = scored["legs"].to_numpy(dtype=str)
    resp = scored["respiratory"].to_numpy(dtype=bool)
    arousal = scored["arousal"].to_numpy(dtype=bool)
    pnr = scored["periodic_without_respiratory"].to_numpy(dtype=bool) & in_sleep
    # respiratory-related LMs are reported even where the AASM preset does not score them
    scoreable = ~scored["excluded"].to_numpy(dtype=bool)
    resp_where = np.isin(stage, list(SLEEP_STAGES)) if hypnogram is not None else scoreable
    respiratory_lm_count = int((resp & scoreable & resp_where).sum())

    # periodicity
    clm_rows = np.flatnonzero(scored["candidate"].to_numpy(dtype=bool) & counted)
    iv = scored["interval"].to_numpy(dtype=float)[clm_rows]
    clm_sleep = in_sleep[clm_rows]
    if rules.periodicity_index == "plm_over_clm":
        pi = plms_count / clm_count if clm_count else None
    else:
        ok = interval_in_bounds(iv, rules)
        in_run = runs_of_intervals(ok, 3)
        n_iv = int((np.isfinite(iv) & clm_sleep).sum())
        pi = int((in_run & clm_sleep).sum()) / n_iv if n_iv else None

    # series
    series = scored["series"].to_numpy(dtype="float", na_value=np.nan)
    sid = series[np.isfinite(series)].astype(np.int64)
    n_series = int(np.unique(sid).size)
    mean_len = float(sid.size / n_series) if n_series else None

    # by hour of night and clock hour (all PLMs, sleep and wake)
    n_hours = max(1, math.ceil(recording_duration / 3600.0 - 1e-9))
    hour = np.clip((onset[periodic] // 3600).astype(np.int64), 0, n_hours - 1)
    by_night = np.bincount(hour, minlength=n_hours).astype(int).tolist()
    by_clock: list[int] | None
    if recording_start is not None:
        t0 = (
            recording_start.hour * 3600
            + recording_start.minute * 60
            + recording_start.second
            + recording_start.microsecond / 1e6
        )
        clock = (((t0 + onset[periodic]) % 86400.0) // 3600).astype(np.int64)
        by_clock = np.bincount(clock, minlength=24).astype(int).tolist()
    else:
        by_clock = None
        warnings.append("no recording start time: counts per clock hour are not available")

    # IMI histogram of CLMs in sleep
    edges = np.asarray(IMI_EDGES_S)
    iv_sleep = iv[np.isfinite(iv) & clm_sleep]
    counts, _ = np.histogram(iv_sleep, bins=edges)
    imi_hist: dict[str, Any] = {
        "edges_s": list(IMI_EDGES_S),
        "counts": counts.astype(int).tolist(),
        "below": int((iv_sleep < edges[0]).sum()),
        "above": int((iv_sleep > edges[-1]).sum()),
        "scale": "log2, 3 bins per doubling from 0.5 s to 512 s",
        "of": "onset-to-onset intervals between consecutive CLMs, later CLM in sleep",
    }

    return Indices(
        plms_index=_rate(plms_count, index_hours),
        plmw_index=_rate(plmw_count, wake_hours) if plmw_count is not None else None,
        lm_index=_rate(lm_count, index_hours),
        lms_index_wake=_rate(int(in_wake.sum()), wake_hours) if hypnogram is not None else None,
        clm_index=_rate(clm_count, index_hours),
        plms_count=plms_count,
        plmw_count=plmw_count,
        plmw_wake=rules.plmw_wake,
        plmw_wake_definition=(
            f"{rules.plmw_wake}: {PLMW_WAKE_DEFINITIONS[rules.plmw_wake]}"
            if hypnogram is not None
            else "no hypnogram: wake is unknown, so there is no PLMW index"
        ),
        lm_count=lm_count,
        clm_count=clm_count,
        periodicity_index=pi,
        periodicity_definition=(
            f"{rules.periodicity_index}: {PERIODICITY_DEFINITIONS[rules.periodicity_index]}"
        ),
        plms_index_by_stage={
            s: (_rate(int((plms & (stage == s)).sum()), stage_hours[s]) if hypnogram else None)
            for s in _STAGE_KEYS
        },
        plms_index_by_leg={
            g: _rate(int((plms & (legs == g)).sum()), index_hours) for g in _LEG_KEYS
        },
        plms_index_nonrespiratory=_rate(int(pnr.sum()), index_hours),
        plms_count_nonrespiratory=int(pnr.sum()),
        respiratory_lm_count=respiratory_lm_count,
        plms_arousal_index=_rate(int((plms & arousal).sum()), index_hours),
        plms_arousal_count=int((plms & arousal).sum()),
        plm_series_count=n_series,
        mean_series_length=mean_len,
        count_by_night_hour=by_night,
        count_by_clock_hour=by_clock,
        imi_histogram=imi_hist,
        total_sleep_time_h=tst_h,
        time_in_bed_h=tib_h,
        wake_after_sleep_onset_h=waso_h,
        wake_in_bed_h=wake_in_bed_h,
        recording_time_h=rec_h,
        excluded_h=excluded_s / 3600.0,
        index_hours=index_hours,
        wake_hours=wake_hours,
        index_basis=basis,
        has_hypnogram=hypnogram is not None,
    )
