"""Exports of a scored night for other tools: EDF+ annotations and a one-row summary CSV.

``scored_movements.edf``
    An EDF+C file with only an annotation signal ("EDF Annotations") and the recording's start
    date and time, so a viewer such as EDFbrowser shows the scored movements beside the
    recording. One annotation per scored movement (after bilateral combination), onset and
    duration in seconds from the recording start; its text is the class, the legs and the
    associations, e.g. ``"PLMS both, arousal"`` (see :func:`movement_annotations`).
``summary.csv``
    One row: the night's identity (source, start, length, rules, basis of the indices, leg
    channels) and every numeric index of ``summary.json`` by its name, by-stage and by-leg
    indices flattened to ``plms_index_by_stage.N2`` and the like (see :func:`summary_row`).
"""

from __future__ import annotations

import os
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from twitchscope._version import __version__
from twitchscope.results import MAIN_INDICES, flatten_indices
from twitchscope.stages import SLEEP_STAGES

if TYPE_CHECKING:
    from twitchscope.results import ScoreResult

#: Columns of :func:`movement_annotations`.
ANNOTATION_COLUMNS: Final[tuple[str, ...]] = ("onset", "duration", "description")
#: Columns :func:`summary_row` puts before the indices.
SUMMARY_ID_COLUMNS: Final[tuple[str, ...]] = (
    "source",
    "recording_start",
    "recording_duration_s",
    "rules",
    "mode",
    "index_basis",
    "channel_left",
    "channel_right",
    "n_warnings",
)
# EDF dates have two-digit years, read as 1985-2084 (EDF spec, "clipping date").
_EDF_YEARS: Final = range(1985, 2085)


def _flags(scored: pd.DataFrame, column: str) -> np.ndarray:
    if column not in scored.columns:
        return np.zeros(len(scored), dtype=bool)
    return scored[column].fillna(False).to_numpy(dtype=bool)


def movement_annotations(result: ScoreResult) -> pd.DataFrame:
    """The scored movements as annotation texts: ``onset``, ``duration`` (s), ``description``.

    The text starts with the movement's class: ``PLMS`` (periodic, in sleep), ``PLMW``
    (periodic, in wake), ``LM`` (a candidate LM outside a series) or ``LM non-candidate``
    (counted in no index, e.g. longer than 10 s); then the legs (``left``, ``right``, ``both``);
    then ``respiratory`` and ``arousal`` when the movement is associated with a respiratory event
    or an arousal, e.g. ``"PLMS both, arousal"`` or ``"LM left, respiratory"``.
    """
    sc = result.scored
    if sc.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            ANNOTATION_COLUMNS, ("float64", "float64", "object"), strict=True)})  # fmt: skip
    periodic = _flags(sc, "periodic")
    candidate = _flags(sc, "candidate")
    if "sleep" in sc.columns:
        sleep = _flags(sc, "sleep")
    elif "stage" in sc.columns:
        sleep = sc["stage"].isin(SLEEP_STAGES).to_numpy(dtype=bool)
    else:
        sleep = np.ones(len(sc), dtype=bool)
    kind = np.where(
        periodic,
        np.where(sleep, "PLMS", "PLMW"),
        np.where(candidate, "LM", "LM non-candidate"),
    ).astype(object)
    legs = sc["legs"].astype(str).to_numpy(dtype=object) if "legs" in sc.columns else "both"
    text = kind + " " + legs
    text = np.where(_flags(sc, "respiratory"), text + ", respiratory", text)
    text = np.where(_flags(sc, "arousal"), text + ", arousal", text)
    out = pd.DataFrame(
        {
            "onset": sc["onset"].to_numpy(dtype=float),
            "duration": sc["duration"].to_numpy(dtype=float),
            "description": text.astype(object),
        }
    )
    return out.sort_values("onset", kind="stable").reset_index(drop=True)


def _edf_start(start: datetime | None) -> datetime | None:
    """The recording start as EDF can write it (None when unknown or outside 1985-2084)."""
    if start is None or start.year not in _EDF_YEARS:
        return None
    return start.replace(tzinfo=None)


def _seconds(value: float) -> str:
    """Seconds as EDF+ TAL text: plain decimal, at most microseconds, no exponent."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _field(text: str, width: int) -> bytes:
    """An EDF header field: ASCII, left-aligned, space-padded (longer text is cut)."""
    raw = text.encode("ascii", "replace")[:width]
    return raw + b" " * (width - len(raw))


def edf_annotation_bytes(
    annotations: pd.DataFrame,
    start: datetime | None,
    recording_field: str = "",
) -> bytes:
    """An annotation-only EDF+C file as bytes.

    Parameters
    ----------
    annotations : DataFrame
        ``onset`` (s from the recording start, >= 0), ``duration`` (s; 0 writes none) and
        ``description`` (text without the TAL separators NUL, 0x14 and 0x15).
    start : datetime or None
        The recording start; its sub-second part goes into the time-keeping annotation (EDF+
        section 2.2.4). None writes the EDF "unknown" start 01.01.85 00.00.00.
    recording_field : str
        Words after ``Startdate dd-MMM-yyyy`` in the local recording identification (EDF+
        subfields: administration code, technician, equipment, extra words; no spaces inside).

    Returns
    -------
    bytes
        Header (512 bytes: one signal, "EDF Annotations") and one data record of TALs, with a
        data record duration of 0 as EDF+ allows for files that hold only annotations.
    """
    offset = 0.0
    if start is not None:
        offset = start.microsecond / 1e6
        start = start.replace(microsecond=0)
    parts = [f"+{_seconds(offset)}\x14\x14\x00".encode()]
    for onset, duration, text in zip(
        annotations["onset"], annotations["duration"], annotations["description"], strict=True
    ):
        label = str(text)
        for bad in ("\x00", "\x14", "\x15"):
            label = label.replace(bad, " ")
        dur = f"\x15{_seconds(float(duration))}" if float(duration) > 0 else ""
        parts.append(f"+{_seconds(float(onset) + offset)}{dur}\x14{label}\x14\x00".encode())
    record = b"".join(parts)
    samples = max(1, -(-len(record) // 2))
    record += b"\x00" * (2 * samples - len(record))
    if start is not None:
        month = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                 "DEC")[start.month - 1]  # fmt: skip
        ident = f"Startdate {start.day:02d}-{month}-{start.year} {recording_field}"
        date, clock = start.strftime("%d.%m.%y"), start.strftime("%H.%M.%S")
    else:
        ident = f"Startdate X {recording_field}"
        date, clock = "01.01.85", "00.00.00"
    header = b"".join(
        (
            _field("0", 8),
            _field("X X X X", 80),
            _field(ident.strip(), 80),
            _field(date, 8),
            _field(clock, 8),
            _field("512", 8),
            _field("EDF+C", 44),
            _field("1", 8),  # one data record
            _field("0", 8),  # of duration 0 (annotations only)
            _field("1", 4),
            _field("EDF Annotations", 16),
            _field("", 80),  # transducer
            _field("", 8),  # physical dimension
            _field("-1", 8),
            _field("1", 8),
            _field("-32768", 8),
            _field("32767", 8),
            _field("", 80),  # prefiltering
            _field(str(samples), 8),
            _field("", 32),
        )
    )
    return header + record


def write_edf_annotations(result: ScoreResult, path: str | PathLike[str]) -> Path:
    """Write the scored movements as an annotation-only EDF+C file (``scored_movements.edf``).

    The file has no ordinary signal, one "EDF Annotations" signal, a data record duration of 0
    (as EDF+ allows for annotation-only files) and the recording's start date and time
    (a sub-second start kept in the time-keeping annotation), so viewers place the annotations on
    the recording's clock. When the start is unknown (or outside EDF's 1985-2084) the header says
    ``01.01.85 00.00.00`` and onsets stay relative to the recording start. Patient fields are
    anonymous (``X``); the recording field names twitchscope and the rule preset. A night
    without movements gives a valid file with no annotation.

    Parameters
    ----------
    result : ScoreResult
    path : path-like
        The file to write (replaced atomically).

    Returns
    -------
    Path
    """
    rules = "".join(ch if ch.isalnum() or ch in "+-._" else "-" for ch in result.rules.name)
    data = edf_annotation_bytes(
        movement_annotations(result),
        _edf_start(result.recording_start),
        recording_field=f"X X twitchscope-{__version__} rules-{rules}",
    )
    p = Path(path)
    tmp = p.with_name(p.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, p)
    return p


def summary_row(result: ScoreResult) -> dict[str, Any]:
    """The night as one flat row: identity columns, then every numeric index by its name.

    Identity columns (:data:`SUMMARY_ID_COLUMNS`): ``source``, ``recording_start`` (ISO 8601 or
    empty), ``recording_duration_s``, ``rules`` (preset name), ``mode`` (``detect`` or
    ``reference``), ``index_basis``, ``channel_left``, ``channel_right``, ``n_warnings``. Then the
    main indices (:data:`~twitchscope.results.MAIN_INDICES`) and every other numeric index
    (units in the names: ``_index`` per hour, ``_h`` hours, ``_s`` seconds, ``_count``), with
    one level of nesting flattened to ``name.key``; an undefined index is NaN.
    """
    start = result.recording_start
    row: dict[str, Any] = {
        "source": result.source,
        "recording_start": start.isoformat() if start is not None else "",
        "recording_duration_s": float(result.recording_duration),
        "rules": result.rules.name,
        "mode": result.mode,
        "index_basis": str(result.indices.get("index_basis", "")),
        "channel_left": result.channels.get("left") or "",
        "channel_right": result.channels.get("right") or "",
        "n_warnings": len(result.warnings),
    }
    flat = flatten_indices(result.indices)
    for key in [k for k in MAIN_INDICES if k in flat] + [k for k in flat if k not in MAIN_INDICES]:
        row.setdefault(key, flat[key])
    return row


def write_summary_csv(result: ScoreResult, path: str | PathLike[str]) -> Path:
    """Write :func:`summary_row` as a one-row CSV (``summary.csv``) and return its path."""
    p = Path(path)
    tmp = p.with_name(p.name + ".part")
    pd.DataFrame([summary_row(result)]).to_csv(tmp, index=False, float_format="%.4f")
    os.replace(tmp, p)
    return p
