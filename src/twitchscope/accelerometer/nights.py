"""Score ankle accelerometer recordings: split into nights, detect, score, night-to-night table.

:func:`score_accelerometer` takes one file per leg (or one file for one leg), finds each night's
sleep period (van Hees 2018 HDCZA), marks sleep and wake in 30 s epochs inside it (van Hees
2015), detects leg movements per leg (:mod:`.movements`) and scores them with the same
:class:`~twitchscope.scoring.rules.RuleSet` (WASM 2016 by default) as EMG. PLMS indices are per
hour of accelerometer-estimated sleep; the result of each night is a
:class:`~twitchscope.results.ScoreResult`, so the ``score`` output contract applies unchanged
(``summary.json`` ``source`` is ``accelerometer``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.accelerometer.movements import detect_accel_movements
from twitchscope.accelerometer.rules import SLEEP_WAKE_METHOD, VANHEES2015, AccelRules
from twitchscope.accelerometer.sleepwake import (
    angle_change,
    sleep_period_windows,
    sustained_inactivity,
)
from twitchscope.errors import ValidationError
from twitchscope.io.accelerometer import AccelRecording
from twitchscope.results import ScoreResult
from twitchscope.scoring.rules import RuleSet, get_rules

EPOCH_S = 30.0
NIGHT_COLUMNS = (
    "night", "start", "end", "time_in_bed_h", "total_sleep_time_h", "lm_count", "lm_index",
    "plms_count", "plms_index", "plmw_index", "periodicity_index",
)  # fmt: skip


@dataclass
class AccelNight:
    """One scored night: its window in the file, sleep per epoch and the scoring result."""

    night: int
    start_s: float
    end_s: float
    sleep: npt.NDArray[np.bool_]
    result: ScoreResult


@dataclass
class AccelResult:
    """Every night of an accelerometer recording, the night-to-night table and the trend."""

    nights: list[AccelNight]
    table: pd.DataFrame
    trend: dict[str, Any]
    legs: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def _align(left: AccelRecording | None, right: AccelRecording | None
           ) -> tuple[AccelRecording | None, AccelRecording | None, list[str]]:  # fmt: skip
    """Cut both legs to their common span (by clock time when both files carry it)."""
    if left is None or right is None:
        return left, right, []
    warn: list[str] = []
    if abs(left.fs - right.fs) > 1e-6:
        raise ValidationError(
            "accelerometer",
            f"the legs are sampled at different rates ({left.fs:g} Hz, "
            f"{right.fs:g} Hz); resample one of the files",
        )
    if left.start is not None and right.start is not None:
        off = (right.start - left.start).total_seconds()
        if off > 0:
            left = left.slice(off, left.duration)
        elif off < 0:
            right = right.slice(-off, right.duration)
        if abs(off) > 1.0:
            warn.append(
                f"the legs' files start {abs(off):.1f} s apart: both cut to the common span"
            )
    n = min(left.n_samples, right.n_samples)
    dur = n / left.fs
    if dur < 60.0:
        raise ValidationError("accelerometer", "the two legs' files overlap by less than a minute")
    return left.slice(0, dur), right.slice(0, dur), warn


def score_accelerometer(
    left: AccelRecording | None,
    right: AccelRecording | None,
    *,
    rules: str | RuleSet = "wasm2016",
    accel_rules: AccelRules = VANHEES2015,
) -> AccelResult:
    """Split an accelerometer recording into nights and score each one.

    Parameters
    ----------
    left, right : AccelRecording or None
        One file per leg, or one of them for one leg.
    rules : str or RuleSet
        The scoring rules (WASM 2016 by default); the accelerometer changes only the amplitude
        criterion of detection (:class:`AccelRules`).
    accel_rules : AccelRules

    Returns
    -------
    AccelResult
        Nights in time order, with a night-to-night table and the trend of the PLMS index.

    Raises
    ------
    ValidationError
        Without any file, or with legs that cannot be aligned.
    """
    if left is None and right is None:
        raise ValidationError("accelerometer", "give at least one leg's file")
    rs = get_rules(rules)
    left, right, warnings = _align(left, right)
    recs = [r for r in (left, right) if r is not None]
    ref = recs[0]
    changes = [angle_change(r, accel_rules) for r in recs]
    n_ep = min(c.size for c in changes)
    change = np.max(np.vstack([c[:n_ep] for c in changes]), axis=0)
    windows = sleep_period_windows(change, accel_rules)
    if not windows:
        windows = [(0.0, ref.duration)]
        warnings.append(
            f"no sleep period of >= {accel_rules.min_night_h:g} h found (van Hees 2018); the whole "
            "recording is scored as one night"
        )
    inactive = sustained_inactivity(change, accel_rules)
    mv_all = pd.concat([detect_accel_movements(r, accel_rules) for r in recs], ignore_index=True)
    legs = {r.leg: r.source for r in recs}
    nights: list[AccelNight] = []
    for i, (a, b) in enumerate(windows):
        a = float(np.floor(a / EPOCH_S) * EPOCH_S)
        b = float(min(np.ceil(b / EPOCH_S) * EPOCH_S, ref.duration))
        nights.append(_score_night(i + 1, a, b, ref, mv_all, inactive, rs, accel_rules, legs,
                                   warnings))  # fmt: skip
    table = pd.DataFrame([_row(n) for n in nights], columns=list(NIGHT_COLUMNS))
    return AccelResult(nights, table, _trend(table), legs, warnings)


def _score_night(
    k: int, a: float, b: float, ref: AccelRecording, mv_all: pd.DataFrame,
    inactive: npt.NDArray[np.bool_], rs: RuleSet, ar: AccelRules, legs: dict[str, str],
    warnings: list[str],
) -> AccelNight:  # fmt: skip
    from twitchscope.scoring import score_leg_movements

    dur = b - a
    n_ep = max(1, round(dur / EPOCH_S))
    per = max(1, round(EPOCH_S / ar.angle_epoch_s))
    first = round(a / ar.angle_epoch_s)
    chunk = inactive[first : first + n_ep * per]
    chunk = np.concatenate([chunk, np.zeros(n_ep * per - chunk.size, dtype=bool)])
    sleep = chunk.reshape(n_ep, per).mean(axis=1) > 0.5
    on = mv_all["onset"].to_numpy(float)
    mv = mv_all[(on >= a) & (on + mv_all["duration"].to_numpy(float) <= b)].copy()
    mv["onset"] = mv["onset"] - a
    mv = mv.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)
    scoring = score_leg_movements(mv, recording_duration=dur, rules=rs)
    sc = scoring.scored.copy()
    ep_of = lambda t: np.clip((np.asarray(t, float) // EPOCH_S).astype(int), 0, n_ep - 1)  # noqa: E731
    st = (
        np.where(sleep[ep_of(sc["onset"])], "sleep", "W") if len(sc) else np.array([], dtype=object)
    )
    sc["stage"] = st
    mv["stage"] = np.where(sleep[ep_of(mv["onset"])], "sleep", "W") if len(mv) else []
    tst_h = float(sleep.sum()) * EPOCH_S / 3600.0
    wake_h = float((~sleep).sum()) * EPOCH_S / 3600.0
    in_sleep = sc["stage"].to_numpy(dtype=object) == "sleep" if len(sc) else np.zeros(0, bool)
    periodic = sc["periodic"].to_numpy(bool) if len(sc) else np.zeros(0, bool)
    cand = sc["candidate"].to_numpy(bool) if len(sc) else np.zeros(0, bool)
    plms = int((periodic & in_sleep).sum())
    clms = int((cand & in_sleep).sum())

    def rate(n: int, h: float) -> float | None:
        return n / h if h > 0 else None

    indices: dict[str, Any] = {
        "plms_index": rate(plms, tst_h),
        "plmw_index": rate(int((periodic & ~in_sleep).sum()), wake_h),
        "lm_index": rate(int(in_sleep.sum()), tst_h),
        "plms_count": plms,
        "periodicity_index": plms / clms if clms else None,
        "total_sleep_time_h": tst_h,
        "time_in_bed_h": dur / 3600.0,
        "clms_count": clms,
        "lm_count": len(sc),
        "index_basis": "accelerometer_sleep",
        "sleep_wake_method": SLEEP_WAKE_METHOD,
        "source": "accelerometer",
        "accelerometer_rules": {"preset": ar.name, "options": ar.to_dict()},
    }
    start = None if ref.start is None else ref.start + dt.timedelta(seconds=a)
    w = [
        *warnings,
        "leg movements from ankle acceleration (milli-g thresholds, WASM 2016 time rules); "
        f"sleep and wake estimated from the accelerometer ({SLEEP_WAKE_METHOD}), not from EEG: "
        "indices are per hour of estimated sleep",
    ]
    res = ScoreResult(
        movements=mv,
        scored=sc,
        indices=indices,
        rules=rs,
        channels={leg: f"accelerometer {src}" for leg, src in legs.items()},
        recording_duration=dur,
        source="accelerometer",
        mode="detect",
        movements_source="accelerometer",
        warnings=w,
        recording_start=start,
        hypnogram=None,
        hypnogram_source="accelerometer sleep/wake (van Hees 2015)",
    )
    return AccelNight(k, a, b, sleep, res)


def _row(n: AccelNight) -> dict[str, Any]:
    ind = n.result.indices
    st = n.result.recording_start
    return {
        "night": n.night,
        "start": st.isoformat(sep=" ") if st else f"{n.start_s:.0f} s",
        "end": (st + dt.timedelta(seconds=n.end_s - n.start_s)).isoformat(sep=" ")
        if st
        else f"{n.end_s:.0f} s",
        "time_in_bed_h": ind["time_in_bed_h"],
        "total_sleep_time_h": ind["total_sleep_time_h"],
        "lm_count": ind["lm_count"],
        "lm_index": ind["lm_index"],
        "plms_count": ind["plms_count"],
        "plms_index": ind["plms_index"],
        "plmw_index": ind["plmw_index"],
        "periodicity_index": ind["periodicity_index"],
    }


def _trend(table: pd.DataFrame) -> dict[str, Any]:
    """Mean, SD, range and least-squares slope (per night) of the PLMS index."""
    v = pd.to_numeric(table["plms_index"], errors="coerce").to_numpy(float)
    ok = np.isfinite(v)
    out: dict[str, Any] = {"nights": len(table), "nights_with_index": int(ok.sum())}
    if ok.sum() == 0:
        return out | {"plms_index_mean": None, "plms_index_sd": None, "slope_per_night": None}
    x = table["night"].to_numpy(float)[ok]
    out["plms_index_mean"] = float(v[ok].mean())
    out["plms_index_sd"] = float(v[ok].std(ddof=1)) if ok.sum() > 1 else None
    out["plms_index_min"] = float(v[ok].min())
    out["plms_index_max"] = float(v[ok].max())
    out["slope_per_night"] = float(np.polyfit(x, v[ok], 1)[0]) if ok.sum() > 2 else None
    out["nights_above_15_per_h"] = int((v[ok] > 15.0).sum())
    return out
