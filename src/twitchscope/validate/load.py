"""Reading both sides of a validation, and scoring each side to compare indices."""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twitchscope.errors import InputFileError, TwitchscopeError
from twitchscope.hypnogram import Hypnogram
from twitchscope.scoring.rules import RuleSet, get_rules
from twitchscope.validate.compare import normalise_movements

#: Indices compared between the two sides when both can be scored.
COMPARED_INDICES: tuple[str, ...] = ("plms_index", "plmw_index", "lm_index", "plms_count")


def load_movements(path: str | PathLike[str]) -> pd.DataFrame:
    """Read leg movements from a ``twitchscope score`` output directory or any reference format.

    Parameters
    ----------
    path : path-like
        An output directory (its ``leg_movements.csv`` is read), a CSV with columns
        ``leg, onset, duration`` (s), or a reference annotation file (EDF+ annotations, NSRR XML,
        Profusion XML) read by :func:`twitchscope.io.annotations.read_reference_movements`.

    Returns
    -------
    DataFrame
        Columns ``leg``, ``onset``, ``duration`` (s), sorted by leg and onset.
    """
    p = Path(path)
    if p.is_dir():
        csv = p / "leg_movements.csv"
        if not csv.is_file():
            raise InputFileError(p, "directory holds no leg_movements.csv (not a score output)")
        p = csv
    if not p.exists():
        raise InputFileError(p, "no such file")
    if p.suffix.lower() == ".csv":
        try:
            head = pd.read_csv(p, nrows=0)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise InputFileError(p, f"cannot be read as CSV ({exc})") from None
        if {"leg", "onset", "duration"} <= set(head.columns):
            try:
                df = pd.read_csv(p, usecols=["leg", "onset", "duration"])
            except (ValueError, OSError) as exc:
                raise InputFileError(p, f"cannot be read as CSV ({exc})") from None
            return normalise_movements(df, str(p))
    from twitchscope.io.annotations import read_reference_movements

    return normalise_movements(read_reference_movements(p), str(p))


def read_output_summary(path: str | PathLike[str]) -> dict[str, Any]:
    """The ``summary.json`` beside a score output (a directory or its leg_movements.csv), or {}."""
    p = Path(path)
    candidate = p / "summary.json" if p.is_dir() else p.parent / "summary.json"
    if p.is_dir() or p.name == "leg_movements.csv":
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
    return {}


def index_agreement(
    pred: pd.DataFrame,
    ref: pd.DataFrame,
    *,
    recording_duration: float,
    rules: str | RuleSet = "wasm2016",
    hypnogram: Hypnogram | None = None,
    events: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Score both sides with the same rules, hypnogram and events and compare their indices.

    Parameters
    ----------
    pred, ref : DataFrame
        Leg-movement tables (leg, onset, duration in s).
    recording_duration : float
        Recording length in seconds.
    rules : str or RuleSet
    hypnogram : Hypnogram, optional
        Without one, indices are per hour of recording (``index_basis`` says so).
    events : DataFrame, optional
        Respiratory events and arousals.

    Returns
    -------
    dict
        For each of :data:`COMPARED_INDICES`: ``{"predicted", "reference", "difference"}``
        (predicted minus reference), plus ``index_basis`` and ``rules``.
    """
    from twitchscope.scoring import score_leg_movements

    rs = get_rules(rules)
    out: dict[str, Any] = {
        "rules": rs.name,
        "note": "both sides re-scored with the same rules, stages and events and no excluded "
        "time, so only the movements differ",
    }
    sides: dict[str, dict[str, Any]] = {}
    for name, table in (("predicted", pred), ("reference", ref)):
        scoring = score_leg_movements(
            table,
            recording_duration=recording_duration,
            rules=rs,
            hypnogram=hypnogram,
            events=events,
        )
        sides[name] = scoring.indices.to_dict()
    out["index_basis"] = sides["reference"].get("index_basis", "")
    for key in COMPARED_INDICES:
        a = sides["predicted"].get(key)
        b = sides["reference"].get(key)
        if a is None or b is None:
            continue
        fa, fb = float(a), float(b)
        diff = fa - fb if np.isfinite(fa) and np.isfinite(fb) else None
        out[key] = {
            "predicted": fa if np.isfinite(fa) else None,
            "reference": fb if np.isfinite(fb) else None,
            "difference": diff,
        }
    return out


def recording_duration_for(
    pred: pd.DataFrame,
    ref: pd.DataFrame,
    summary: dict[str, Any],
    hypnogram: Hypnogram | None,
) -> tuple[float, str]:
    """Best available recording length (s) and where it came from.

    The predicted side's ``summary.json`` wins, then the hypnogram's end, then the end of the
    last movement on either side (a lower bound, reported as such).
    """
    dur = summary.get("recording_duration_s")
    if isinstance(dur, int | float) and dur > 0:
        return float(dur), "summary.json"
    if hypnogram is not None:
        return float(hypnogram.end), "hypnogram"
    ends = pd.concat([pred["onset"] + pred["duration"], ref["onset"] + ref["duration"]])
    if ends.empty:
        raise TwitchscopeError(
            "cannot tell the recording length: no movements, no hypnogram and no summary.json"
        )
    return float(ends.max()), "last movement"
