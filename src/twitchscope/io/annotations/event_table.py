"""twitchscope's own event tables written as CSV/TSV: ``onset,duration,kind,leg,label``.

These are the columns of :mod:`twitchscope.events` (the simulator's ``truth_events.csv`` and
exported event tables). ``kind`` must be one of :data:`twitchscope.events.EVENT_KINDS`; ``leg``
and ``label`` are optional.
"""

from __future__ import annotations

from pathlib import Path

from twitchscope.errors import InputFileError
from twitchscope.events import EVENT_KINDS
from twitchscope.io.annotations.collect import Collector
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.text_table import MISSING, parse_float, read_table
from twitchscope.io.annotations.vocabulary import LEG_WORDS


def read_event_table(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
) -> Annotations:
    """Read an event table (``onset, duration, kind[, leg][, label]``) as :class:`Annotations`.

    Parameters
    ----------
    path : path-like
        CSV/TSV file with a header line.
    recording_duration : float, optional
        Length of the recording in seconds; events more than one epoch past its end are an error.
    epoch_length : float
        Epoch length in seconds (only for the check against the recording).

    Raises
    ------
    InputFileError
        A missing column, an unknown kind or leg, bad times, or events past the recording.
    """
    table = read_table(path)
    source = table.source
    header = [c.lower() for c in table.rows[0]]
    missing = [c for c in ("onset", "duration", "kind") if c not in header]
    if missing:
        raise InputFileError(source, f"event table lacks column(s) {', '.join(missing)}")
    onset_col, dur_col, kind_col = (header.index(c) for c in ("onset", "duration", "kind"))
    leg_col = header.index("leg") if "leg" in header else None
    label_col = header.index("label") if "label" in header else None
    collector = Collector(source, "csv-events", epoch_length)
    for row, line in zip(table.rows[1:], table.lines[1:], strict=True):
        if len(row) < len(header):
            raise InputFileError(
                source, f"line {line}: {len(row)} column(s), the header has {len(header)}"
            )
        kind = row[kind_col].strip().lower()
        if kind not in EVENT_KINDS:
            raise InputFileError(
                source,
                f"line {line}: kind {row[kind_col]!r} is not one of {', '.join(EVENT_KINDS)}",
            )
        leg_text = row[leg_col].strip().lower() if leg_col is not None else ""
        leg = "" if leg_text in MISSING else LEG_WORDS.get(leg_text)
        if leg is None:
            raise InputFileError(
                source, f"line {line}: leg {row[leg_col or 0]!r} is not left/right"
            )
        onset = parse_float(source, row[onset_col], "onset", line, allow_missing=False)
        duration = parse_float(source, row[dur_col], "duration", line, allow_missing=True)
        label = row[label_col] if label_col is not None and row[label_col] else kind
        collector.add_event(onset, duration, kind, leg, label)
    return collector.finish(recording_duration)
