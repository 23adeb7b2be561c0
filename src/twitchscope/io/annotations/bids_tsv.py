"""BIDS ``events.tsv`` files: stage rows and event rows in one table.

Columns: ``onset`` and ``duration`` in seconds (``duration`` may be ``n/a``), and the label in
``trial_type``, else ``value``, else ``description`` (the first of them that is not ``n/a`` on
the row). Stage labels (``sleep_stage_2``, ``N2``, ``Sleep stage 2``, ...) become the hypnogram,
event labels the event table; a stage row without a duration covers one epoch.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from twitchscope.errors import InputFileError
from twitchscope.io.annotations.codes import CODES_HINT, check_codes
from twitchscope.io.annotations.collect import Collector
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.text_table import MISSING, is_integer_text, parse_float, read_table

LABEL_COLUMNS = ("trial_type", "value", "description")


def read_bids_tsv(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    codes: Mapping[int, str] | None = None,
) -> Annotations:
    """Read a BIDS ``events.tsv`` file.

    Parameters
    ----------
    path : path-like
        The tab-separated file with a header line.
    recording_duration : float, optional
        Length of the recording in seconds, to check that the annotations fit it.
    epoch_length : float
        Epoch length in seconds (a stage row without a duration covers one epoch).
    codes : mapping of int to str, optional
        Stage codes for rows whose label is an integer (e.g. a numeric ``value`` column).

    Raises
    ------
    InputFileError
        No ``onset`` or label column, an ``onset`` that is ``n/a`` or not a number, negative
        durations, overlapping stages, or annotations that do not fit the recording.
    """
    table = read_table(path)
    source = table.source
    mapping = check_codes(codes) if codes is not None else None
    header = [c.lower() for c in table.rows[0]]
    if "onset" not in header:
        raise InputFileError(source, "BIDS events file has no 'onset' column")
    label_cols = [header.index(c) for c in LABEL_COLUMNS if c in header]
    if not label_cols:
        raise InputFileError(
            source, f"BIDS events file has none of the label columns {', '.join(LABEL_COLUMNS)}"
        )
    onset_col = header.index("onset")
    dur_col = header.index("duration") if "duration" in header else None
    collector = Collector(source, "bids-tsv", epoch_length)
    unlabelled = 0
    integer_labels = 0
    for row, line in zip(table.rows[1:], table.lines[1:], strict=True):
        if len(row) != len(header):
            raise InputFileError(
                source, f"line {line}: {len(row)} column(s), the header has {len(header)}"
            )
        onset = parse_float(source, row[onset_col], "onset", line, allow_missing=False)
        duration = (
            parse_float(source, row[dur_col], "duration", line, allow_missing=True)
            if dur_col is not None
            else float("nan")
        )
        label = next((row[i] for i in label_cols if row[i].lower() not in MISSING), "")
        if not label:
            unlabelled += 1
            collector.add_unknown(onset, duration, "n/a")
        elif is_integer_text(label) and mapping is not None:
            code = int(label)
            if code not in mapping:
                raise InputFileError(
                    source, f"line {line}: stage code {code} is not in the mapping"
                )
            collector.add_stage(onset, duration, mapping[code], label)
        elif is_integer_text(label):
            integer_labels += 1
            collector.add_unknown(onset, duration, label)
        else:
            collector.add_label(onset, duration, label)
    if unlabelled:
        collector.note(f"{source}: {unlabelled} row(s) without any label kept as kind 'other'")
    if integer_labels:
        collector.note(
            f"{source}: {integer_labels} row(s) labelled with integers kept as kind 'other'; "
            f"if they are stages, {CODES_HINT}"
        )
    return collector.finish(recording_duration)
