"""From single-leg movements to scored movements and indices: :func:`score_leg_movements`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from twitchscope.errors import ValidationError
from twitchscope.events import check_events
from twitchscope.hypnogram import Hypnogram
from twitchscope.scoring.association import arousal_associated, merge_intervals, respiratory_related
from twitchscope.scoring.combine import TIME_EPS, FloatArray, combine_bilateral
from twitchscope.scoring.indices import Indices, compute_indices
from twitchscope.scoring.rules import WASM2016, RuleSet
from twitchscope.scoring.series import find_series
from twitchscope.stages import SLEEP_STAGES


@dataclass(frozen=True)
class Scoring:
    """The result of scoring one night.

    Attributes
    ----------
    scored : DataFrame
        One row per movement after bilateral combination, sorted by onset: ``onset``,
        ``duration`` (s), ``legs`` (``left``/``right``/``both``), ``n_components``,
        ``candidate``, ``periodic``, ``series`` (Int64, 1-based, NA when not periodic),
        ``interval`` (s from the previous CLM onset; NaN for non-candidates, the first CLM and a
        CLM after a break, see :mod:`twitchscope.scoring.series`), ``respiratory``, ``arousal``,
        ``stage`` (at onset; ``UNS`` everywhere without a hypnogram), ``sleep`` (stage N1-R;
        False without a hypnogram, where sleep is unknown), ``periodic_without_respiratory``
        (periodic once respiratory-related LMs are removed), ``excluded`` (onset in
        time excluded from scoring), ``counted`` (enters the main indices), and ``amplitude_uv``
        (max over the joined LMs) / ``area_uv_s`` (sum) when the input has them.
    indices : Indices
        The indices (:mod:`twitchscope.scoring.indices`).
    rules : RuleSet
        The rules used.
    warnings : list of str
        Everything a reader of the indices must know (no hypnogram, dropped movements, ...).
    leg_movements : DataFrame
        The input single-leg movements used, sorted by onset, with ``stage`` and ``movement``
        (row of ``scored`` each one belongs to).
    """

    scored: pd.DataFrame
    indices: Indices
    rules: RuleSet
    warnings: list[str]
    leg_movements: pd.DataFrame = field(default_factory=pd.DataFrame)


def _check_movements(lm: pd.DataFrame, duration: float) -> pd.DataFrame:
    if not isinstance(lm, pd.DataFrame):
        raise ValidationError("leg_movements", "must be a pandas DataFrame")
    missing = [c for c in ("leg", "onset", "duration") if c not in lm.columns]
    if missing:
        raise ValidationError("leg_movements", f"lacks column(s) {missing}")
    out = lm.copy()
    out["leg"] = out["leg"].astype(str).str.strip().str.lower()
    bad = sorted(set(out["leg"]) - {"left", "right"})
    if bad:
        raise ValidationError("leg_movements.leg", f"must be 'left' or 'right', got {bad[:5]}")
    for col in ("onset", "duration"):
        values = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(values)):
            raise ValidationError(f"leg_movements.{col}", "holds a missing or non-numeric value")
        out[col] = values
    if (out["duration"] <= 0).any():
        raise ValidationError("leg_movements.duration", "a movement has a duration <= 0 s")
    outside = (out["onset"] < -TIME_EPS) | (out["onset"] > duration + TIME_EPS)
    if outside.any():
        t = float(out.loc[outside, "onset"].iloc[0])
        raise ValidationError(
            "leg_movements.onset",
            f"movement at {t:.1f} s lies outside the recording (0-{duration:.1f} s)",
        )
    order = np.lexsort((out["duration"], out["leg"], out["onset"]))
    return out.iloc[order].reset_index(drop=True)


def _excluded_intervals(
    excluded: pd.DataFrame | None, duration: float
) -> tuple[FloatArray, FloatArray]:
    if excluded is None or len(excluded) == 0:
        return np.zeros(0), np.zeros(0)
    missing = [c for c in ("onset", "duration") if c not in excluded.columns]
    if missing:
        raise ValidationError("excluded", f"lacks column(s) {missing}")
    on = pd.to_numeric(excluded["onset"], errors="coerce").to_numpy(dtype=float)
    du = pd.to_numeric(excluded["duration"], errors="coerce").to_numpy(dtype=float)
    if not (np.all(np.isfinite(on)) and np.all(np.isfinite(du))) or np.any(du < 0):
        raise ValidationError("excluded", "an interval has a missing time or a negative duration")
    s = np.clip(on, 0.0, duration)
    e = np.clip(on + du, 0.0, duration)
    keep = e > s
    return merge_intervals(s[keep], e[keep])


def _warn_outside_hypnogram(
    hypnogram: Hypnogram, duration: float, onset: FloatArray, warnings: list[str]
) -> None:
    """One warning when the hypnogram leaves more than an epoch of the recording unstaged."""
    epoch = hypnogram.epoch_length
    late_start = hypnogram.offset > epoch
    early_end = hypnogram.end < duration - epoch
    if not (late_start or early_end):
        return
    outside = int(np.count_nonzero((onset < hypnogram.offset) | (onset >= hypnogram.end)))
    name = f" ({hypnogram.source})" if hypnogram.source else ""
    parts = []
    if late_start:
        parts.append(f"starts at {hypnogram.offset / 3600:.2f} h ({hypnogram.offset:.0f} s)")
    if early_end:
        parts.append(f"ends at {hypnogram.end / 3600:.2f} h ({hypnogram.end:.0f} s)")
    warnings.append(
        f"the hypnogram{name} {' and '.join(parts)} but the recording lasts "
        f"{duration / 3600:.2f} h ({duration:.0f} s): the {outside} movement(s) outside it are "
        "unstaged (UNS) and count neither as sleep nor as wake"
    )


def score_leg_movements(
    leg_movements: pd.DataFrame,
    *,
    recording_duration: float,
    rules: RuleSet = WASM2016,
    hypnogram: Hypnogram | None = None,
    events: pd.DataFrame | None = None,
    recording_start: datetime | None = None,
    excluded: pd.DataFrame | None = None,
) -> Scoring:
    """Score single-leg movements to PLM series and indices.

    Parameters
    ----------
    leg_movements : DataFrame
        Columns ``leg`` (``left``/``right``), ``onset`` and ``duration`` in seconds from the
        recording start; optional ``amplitude_uv`` and ``area_uv_s``. Movements shorter than
        ``rules.min_lm_duration_s`` are not LMs and are ignored (with a warning), as in PLMScoRe.
    recording_duration : float
        Length of the recording in seconds.
    rules : RuleSet
        Scoring rules (default WASM 2016).
    hypnogram : Hypnogram, optional
        Sleep stages. Without one, indices are per hour of recording (see warnings).
    events : DataFrame, optional
        A :mod:`twitchscope.events` table; respiratory events and arousals are used.
    recording_start : datetime, optional
        Clock time of the recording start, for counts per clock hour.
    excluded : DataFrame, optional
        Intervals (``onset``, ``duration`` s, optional ``leg``) where a leg is not scoreable.
        Their union (time where at least one leg is not scoreable) is removed from every
        denominator; movements starting in it are not counted and series do not cross it.

    Returns
    -------
    Scoring

    Raises
    ------
    TwitchscopeError
        For bad input: missing columns, unknown legs, non-finite times, movements outside the
        recording, a hypnogram that does not fit the recording.
    """
    if not (np.isfinite(recording_duration) and recording_duration > 0):
        raise ValidationError("recording_duration", f"must be > 0 s, got {recording_duration!r}")
    if not isinstance(rules, RuleSet):
        raise ValidationError("rules", "must be a RuleSet (see twitchscope.scoring.get_rules)")
    warnings: list[str] = []
    lm = _check_movements(leg_movements, recording_duration)
    short = lm["duration"] < rules.min_lm_duration_s - TIME_EPS
    if short.any():
        warnings.append(
            f"{int(short.sum())} movement(s) shorter than {rules.min_lm_duration_s} s are not "
            "leg movements and were ignored"
        )
        lm = lm[~short].reset_index(drop=True)
    for leg in ("left", "right"):
        one = lm[lm["leg"] == leg]
        ends = (one["onset"] + one["duration"]).to_numpy()
        if np.any(one["onset"].to_numpy()[1:] < np.maximum.accumulate(ends)[:-1] - TIME_EPS):
            warnings.append(
                f"some {leg}-leg movements overlap each other; they were kept as separate LMs"
            )
    if hypnogram is not None:
        if not isinstance(hypnogram, Hypnogram):
            raise ValidationError("hypnogram", "must be a twitchscope Hypnogram")
        hypnogram.check_covers(recording_duration)
    else:
        warnings.append(
            "no hypnogram: sleep and wake are unknown, so every movement is counted and all "
            "indices are per hour of recording (plms_index is PLM per hour of recording, not per "
            "hour of sleep); no sleep time is reported"
        )
    ev = check_events(events) if events is not None else None
    if ev is None or not ev["kind"].isin(rules.respiratory_event_kinds).any():
        warnings.append(
            "no respiratory events given: respiratory-related movements cannot be identified "
            "(the indices without respiratory movements equal the main ones)"
        )
    if ev is None or not (ev["kind"] == "arousal").any():
        warnings.append("no arousals given: arousal-associated movements cannot be identified")

    comb = combine_bilateral(lm["leg"], lm["onset"], lm["duration"], rules)
    onset, dur = comb.onset, comb.duration
    end = onset + dur
    m = onset.size
    stage = np.full(m, "UNS", dtype="<U3")
    if hypnogram is not None:
        stage = hypnogram.stage_at(onset)
        _warn_outside_hypnogram(hypnogram, recording_duration, onset, warnings)
    # without a hypnogram sleep is unknown: False here, and the indices count every movement
    sleep = np.isin(stage, list(SLEEP_STAGES))

    ex_s, ex_e = _excluded_intervals(excluded, recording_duration)
    k = np.searchsorted(ex_s, onset, side="right") - 1
    in_excluded = (k >= 0) & (onset < ex_e[np.maximum(k, 0)]) if ex_s.size else np.zeros(m, bool)
    segment = np.searchsorted(ex_s, onset, side="right").astype(np.int64)
    if hypnogram is not None and not rules.series_across_wake:
        ep_sleep = hypnogram.is_sleep()
        change = np.concatenate([[0], np.cumsum(ep_sleep[1:] != ep_sleep[:-1])])
        idx = np.floor((onset - hypnogram.offset) / hypnogram.epoch_length).astype(np.int64)
        state_run = np.where(idx < 0, -1, change[np.clip(idx, 0, max(change.size - 1, 0))])
        state_run = np.where(idx >= change.size, state_run + 1, state_run)
        new = np.concatenate([[False], (np.diff(segment) != 0) | (np.diff(state_run) != 0)])
        segment = np.cumsum(new).astype(np.int64)

    if ev is not None:
        resp = respiratory_related(onset, end, ev, rules)
        arousal = arousal_associated(onset, end, ev, rules)
    else:
        resp = np.zeros(m, dtype=bool)
        arousal = np.zeros(m, dtype=bool)

    main_drop = in_excluded | (resp & (not rules.respiratory_in_main_index))
    main = find_series(onset, comb.candidate, rules, drop=main_drop, segment=segment)
    if rules.respiratory_recompute_intervals:
        nr = find_series(onset, comb.candidate, rules, drop=main_drop | resp, segment=segment)
        periodic_nr = nr.periodic
    else:
        periodic_nr = main.periodic & ~resp

    scored = pd.DataFrame(
        {
            "onset": onset,
            "duration": dur,
            "legs": comb.legs.astype(object),
            "n_components": comb.n_components,
            "candidate": comb.candidate,
            "periodic": main.periodic,
            "series": pd.array(np.where(main.series > 0, main.series, 0), dtype="Int64"),
            "interval": main.interval,
            "respiratory": resp,
            "arousal": arousal,
            "stage": stage.astype(object),
            "sleep": sleep,
            "periodic_without_respiratory": periodic_nr,
            "excluded": in_excluded,
            "counted": ~main_drop,
        }
    )
    scored.loc[main.series == 0, "series"] = pd.NA
    for col, how in (("amplitude_uv", "max"), ("area_uv_s", "sum")):
        if col in lm.columns:
            values = pd.to_numeric(lm[col], errors="coerce")
            scored[col] = values.groupby(comb.group).agg(how).reindex(range(m)).to_numpy()

    lm_out = lm.copy()
    lm_out["stage"] = hypnogram.stage_at(lm["onset"].to_numpy()) if hypnogram is not None else "UNS"
    lm_out["movement"] = comb.group

    indices = compute_indices(
        scored,
        rules=rules,
        recording_duration=recording_duration,
        hypnogram=hypnogram,
        excluded=(ex_s, ex_e),
        recording_start=recording_start,
        warnings=warnings,
    )
    return Scoring(
        scored=scored, indices=indices, rules=rules, warnings=warnings, leg_movements=lm_out
    )
