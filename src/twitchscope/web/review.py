"""Review of a night: what each movement is, the reviewed set, re-scoring and exports.

A movement under review is one single-leg movement (detected, added by the reviewer, or given
through the API). Its category comes from the latest scoring of the night: the combined
movement whose span holds its onset is ``respiratory`` (excluded as respiratory-related),
``periodic`` (in a PLM series), ``candidate`` (a candidate LM outside any series) or ``other``
(too short or too long to be a candidate); ``unscored`` until a re-score takes it in, and
``arousal`` is a flag beside the category.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from twitchscope.errors import ValidationError
from twitchscope.web.store import LEGS, ReviewMovement

CATEGORIES: Final[tuple[str, ...]] = (
    "periodic",
    "candidate",
    "respiratory",
    "other",
    "unscored",
    "rejected",
)
#: Longest movement a reviewer may draw (s): longer than any LM definition allows.
MAX_MOVEMENT_S: Final[float] = 60.0
MIN_MOVEMENT_S: Final[float] = 0.05


def _flag(sc: pd.DataFrame, col: str) -> np.ndarray:
    if col not in sc.columns:
        return np.zeros(len(sc), dtype=bool)
    v = sc[col]
    if v.dtype == bool:
        return v.to_numpy()
    return v.astype(str).str.lower().isin(("true", "1", "1.0")).to_numpy()


def read_scored(path: Path) -> pd.DataFrame | None:
    """``scored_movements.csv`` of a scoring, or None when missing."""
    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        return None


def categorise(
    movements: Sequence[ReviewMovement], scored: pd.DataFrame | None
) -> list[dict[str, Any]]:
    """Each movement as a dict with ``category``, ``arousal`` and ``series``."""
    out = [m.to_dict() for m in movements]
    if scored is None or scored.empty:
        for d in out:
            d.update(category="rejected" if d["rejected"] else "unscored", arousal=False)
            d["series"] = None
        return out
    sc = scored.sort_values("onset", kind="stable").reset_index(drop=True)
    on = sc["onset"].to_numpy(float)
    end = on + sc["duration"].to_numpy(float)
    cand, per = _flag(sc, "candidate"), _flag(sc, "periodic")
    resp, aro = _flag(sc, "respiratory"), _flag(sc, "arousal")
    series = (
        pd.to_numeric(sc["series"], errors="coerce").to_numpy(float)
        if "series" in sc.columns
        else np.full(len(sc), np.nan)
    )
    onsets = np.array([d["onset"] for d in out], dtype=float)
    idx = np.searchsorted(on, onsets + 1e-6, side="right") - 1
    for d, i in zip(out, idx, strict=True):
        d["series"] = None
        d["arousal"] = False
        if d["rejected"]:
            d["category"] = "rejected"
            continue
        if i < 0 or d["onset"] > end[i] + 1e-6:
            d["category"] = "unscored"
            continue
        d["arousal"] = bool(aro[i])
        if resp[i]:
            d["category"] = "respiratory"
        elif per[i]:
            d["category"] = "periodic"
            d["series"] = None if math.isnan(series[i]) else int(series[i])
        elif cand[i]:
            d["category"] = "candidate"
        else:
            d["category"] = "other"
    return out


def series_spans(scored: pd.DataFrame | None) -> list[list[float]]:
    """``[start, end]`` seconds of each PLM series (from the first to the last movement's end)."""
    if scored is None or scored.empty or "series" not in scored.columns:
        return []
    sc = scored.assign(series=pd.to_numeric(scored["series"], errors="coerce")).dropna(
        subset=["series"]
    )
    if sc.empty:
        return []
    sc = sc.assign(end=sc["onset"] + sc["duration"])
    g = sc.groupby("series", sort=True).agg(start=("onset", "min"), end=("end", "max"))
    return [[float(a), float(b)] for a, b in zip(g["start"], g["end"], strict=True)]


def check_movement(
    leg: Any, onset: Any, duration: Any, recording_s: float, where: str = ""
) -> tuple[str, float, float]:
    """Validate one movement's leg, onset and duration (seconds) against the recording.

    Raises
    ------
    ValidationError
        Naming the field (``movements[3].onset`` ...).
    """
    if leg not in LEGS:
        raise ValidationError(f"{where}leg", f"expected left or right, got {leg!r}")
    values = []
    for name, v in (("onset", onset), ("duration", duration)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValidationError(f"{where}{name}", f"expected a number of seconds, got {v!r}")
        values.append(float(v))
    on, du = values
    if not 0 <= on < recording_s:
        raise ValidationError(
            f"{where}onset", f"{on:g} s is outside the recording (0-{recording_s:g} s)"
        )
    if not MIN_MOVEMENT_S <= du <= MAX_MOVEMENT_S:
        raise ValidationError(
            f"{where}duration", f"{du:g} s is outside {MIN_MOVEMENT_S:g}-{MAX_MOVEMENT_S:g} s"
        )
    return str(leg), on, min(du, recording_s - on)


def parse_movement_list(body: Any, recording_s: float) -> list[dict[str, Any]]:
    """The API's ``[{leg, onset, duration}]`` body, checked.

    Raises
    ------
    ValidationError
        Not a list, an unknown key, or a bad value (the item and field are named).
    """
    if not isinstance(body, list):
        raise ValidationError("movements", "expected a JSON list of {leg, onset, duration}")
    if len(body) > 100_000:
        raise ValidationError("movements", "more than 100000 movements")
    out = []
    for i, item in enumerate(body):
        where = f"movements[{i}]."
        if not isinstance(item, dict):
            raise ValidationError(f"movements[{i}]", "expected an object {leg, onset, duration}")
        extra = sorted(set(item) - {"leg", "onset", "duration"})
        if extra:
            raise ValidationError(f"{where}{extra[0]}", "unknown key; use leg, onset, duration")
        leg, on, du = check_movement(
            item.get("leg"), item.get("onset"), item.get("duration"), recording_s, where
        )
        out.append({"leg": leg, "onset": on, "duration": du})
    return out


def kept_table(movements: Sequence[ReviewMovement]) -> pd.DataFrame:
    """The reviewed movements to score: ``leg, onset, duration`` (rejected ones left out)."""
    rows = [(m.leg, m.onset, m.duration) for m in movements if not m.rejected]
    table = pd.DataFrame(rows, columns=["leg", "onset", "duration"])
    return table.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)


def export_csv(movements: Sequence[ReviewMovement]) -> str:
    """The kept movements as CSV (``leg,onset,duration,origin``; ``score --movements`` reads it)."""
    lines = ["leg,onset,duration,origin"]
    for m in sorted(movements, key=lambda m: (m.onset, m.leg)):
        if not m.rejected:
            lines.append(f"{m.leg},{m.onset:.3f},{m.duration:.3f},{m.origin}")
    return "\n".join(lines) + "\n"


def export_edf_annotations(
    movements: Sequence[ReviewMovement], path: Path, recording_start: Any = None
) -> Path:
    """The kept movements as an annotation-only EDF+ file (``LM left`` / ``LM right``).

    Written by the score command's EDF+ annotation writer
    (:func:`twitchscope.exports.edf_annotation_bytes`): onsets in seconds from the recording
    start, and the recording's start date and time in the header, so other tools line the
    annotations up with the signals.
    """
    import datetime as dt
    import os

    from twitchscope.exports import edf_annotation_bytes

    kept = sorted((m for m in movements if not m.rejected), key=lambda m: (m.onset, m.leg))
    table = pd.DataFrame(
        {
            "onset": [m.onset for m in kept],
            "duration": [m.duration for m in kept],
            "description": [f"LM {m.leg}" for m in kept],
        }
    )
    start: dt.datetime | None = None
    if isinstance(recording_start, dt.datetime):
        start = recording_start
    elif isinstance(recording_start, str):
        try:
            start = dt.datetime.fromisoformat(recording_start)
        except ValueError:
            start = None
    if start is not None and not 1985 <= start.year <= 2084:
        start = None
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(edf_annotation_bytes(table, start, "twitchscope_review"))
    os.replace(tmp, path)
    return path
