"""Reference leg-movement tables: ``leg,onset,duration`` (CSV, semicolon CSV or TSV).

``leg`` is ``left``/``right`` (or ``l``/``r``, any case); ``onset`` and ``duration`` are in
seconds from the recording start. Extra columns (e.g. ``amplitude_uv`` or ``label``) are allowed;
a ``label`` column is kept as the event label.
"""

from __future__ import annotations

from pathlib import Path

from twitchscope.errors import InputFileError
from twitchscope.io.annotations.collect import Collector
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.text_table import parse_float, read_table
from twitchscope.io.annotations.vocabulary import LEG_WORDS


def read_movement_table(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
) -> Annotations:
    """Read a reference leg-movement table as :class:`Annotations` (no hypnogram).

    Parameters
    ----------
    path : path-like
        The table with a header line holding ``leg``, ``onset`` and ``duration``.
    recording_duration : float, optional
        Length of the recording in seconds; movements more than one epoch past its end are
        an error.
    epoch_length : float
        Epoch length in seconds (only for the check against the recording).

    Raises
    ------
    InputFileError
        A missing column, a leg that is not left/right, a missing or non-numeric time, a
        negative duration, or movements past the end of the recording.
    """
    table = read_table(path)
    source = table.source
    header = [c.lower() for c in table.rows[0]]
    missing = [c for c in ("leg", "onset", "duration") if c not in header]
    if missing:
        raise InputFileError(
            source, f"reference movement table lacks column(s) {', '.join(missing)}"
        )
    leg_col, onset_col, dur_col = (header.index(c) for c in ("leg", "onset", "duration"))
    label_col = header.index("label") if "label" in header else None
    collector = Collector(source, "csv-movements", epoch_length)
    for row, line in zip(table.rows[1:], table.lines[1:], strict=True):
        if len(row) < len(header):
            raise InputFileError(
                source, f"line {line}: {len(row)} column(s), the header has {len(header)}"
            )
        leg = LEG_WORDS.get(row[leg_col].strip().lower())
        if leg is None:
            raise InputFileError(
                source, f"line {line}: leg {row[leg_col]!r} is not left/right (or l/r)"
            )
        onset = parse_float(source, row[onset_col], "onset", line, allow_missing=False)
        duration = parse_float(source, row[dur_col], "duration", line, allow_missing=False)
        label = row[label_col] if label_col is not None and row[label_col] else f"LM {leg}"
        collector.add_event(onset, duration, "limb_movement", leg, label)
    return collector.finish(recording_duration)
