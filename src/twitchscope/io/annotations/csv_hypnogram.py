"""CSV/TSV hypnograms: one stage per epoch, one epoch per line.

Accepted layouts (comma, semicolon or tab separated; ``#`` lines are comments):

- one column of stages, with or without a ``stage`` header;
- ``epoch,stage``: epoch numbers are 1-based unless the file has an epoch 0;
- ``onset,stage`` (onset in seconds), optionally with a ``duration`` column.

Without a header, two columns are ``epoch,stage`` when the first column steps by 1 and
``onset,stage`` when it steps by the epoch length. Stages are words (``W``, ``N2``, ``REM``,
``Sleep stage 2``, ...). Integer stages are read only with an explicit ``codes`` mapping, because
integer codes differ between tools.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from twitchscope.errors import InputFileError
from twitchscope.io.annotations.codes import CODES_HINT, check_codes, stage_word
from twitchscope.io.annotations.collect import MAX_TIME_S, Collector
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.text_table import (
    MISSING,
    TextTable,
    is_integer_text,
    parse_float,
    read_table,
    shorten,
)

_STAGE_HEADERS = frozenset({"stage", "stages", "sleep_stage", "sleep stage", "hypnogram", "label"})
_EPOCH_HEADERS = frozenset({"epoch", "epoch_number", "epoch number", "epoch_index"})
_ONSET_HEADERS = frozenset({"onset", "time", "start", "onset_s", "time_s", "start_s"})
_DURATION_HEADERS = frozenset({"duration", "duration_s"})


def read_csv_hypnogram(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    codes: Mapping[int, str] | None = None,
) -> Annotations:
    """Read a CSV/TSV hypnogram (one stage per epoch).

    Parameters
    ----------
    path : path-like
        The text file.
    recording_duration : float, optional
        Length of the recording in seconds; a longer hypnogram is an error.
    epoch_length : float
        Epoch length in seconds.
    codes : mapping of int to str, optional
        Integer stage codes to stage strings; required when the stages are integers.

    Raises
    ------
    InputFileError
        Unknown stage words, integer stages without ``codes`` (the message says what to give),
        codes missing from the mapping, bad epoch numbers or onsets, overlapping epochs, or a
        hypnogram longer than the recording.
    """
    table = read_table(path)
    source = table.source
    mapping = check_codes(codes) if codes is not None else None
    header = [c.lower() for c in table.rows[0]]
    has_header = bool(set(header) & _STAGE_HEADERS)
    rows, lines = (table.rows[1:], table.lines[1:]) if has_header else (table.rows, table.lines)
    if not rows:
        raise InputFileError(source, "has a header but no stages")
    stage_col, time_col, time_kind, dur_col = _layout(table, header if has_header else None)
    width = 1 + max(stage_col, time_col if time_col is not None else 0, dur_col or 0)
    for row, line in zip(rows, lines, strict=True):
        if len(row) < width:
            raise InputFileError(source, f"line {line}: expected {width} column(s), got {len(row)}")
    texts = [row[stage_col] for row in rows]
    stages = _stages(source, texts, lines, mapping)
    collector = Collector(source, "csv-hypnogram", epoch_length)
    if time_col is None:
        onsets = np.arange(len(stages)) * epoch_length
    else:
        values = _column(source, rows, lines, time_col, time_kind, allow_missing=False)
        if time_kind == "epoch" and not has_header:
            time_kind = _guess_time_kind(source, values, epoch_length)
        onsets = _onsets(source, values, time_kind, epoch_length, lines)
        huge = np.flatnonzero(~(np.abs(onsets) <= MAX_TIME_S))
        if huge.size:
            i = int(huge[0])
            what = "onset" if time_kind == "onset" else "epoch number"
            raise InputFileError(
                source,
                f"line {lines[i]}: {what} {values[i]:g} puts the stage at {onsets[i]:g} s, beyond "
                f"any recording (more than {MAX_TIME_S:g} s)",
            )
    durations = np.full(len(stages), epoch_length)
    if dur_col is not None:
        durations = _column(source, rows, lines, dur_col, "duration", allow_missing=True)
    for onset, duration, stage, text in zip(onsets, durations, stages, texts, strict=True):
        collector.add_stage(float(onset), float(duration), stage, text)
    n_missing = sum(t.lower() in MISSING for t in texts)
    if n_missing:
        collector.note(f"{source}: {n_missing} epoch(s) without a stage counted as UNS")
    return collector.finish(recording_duration)


def _column(
    source: str,
    rows: list[list[str]],
    lines: list[int],
    col: int,
    what: str,
    *,
    allow_missing: bool,
) -> np.ndarray:
    """One column of numbers (seconds or epoch numbers)."""
    return np.array(
        [
            parse_float(source, row[col], what, line, allow_missing=allow_missing)
            for row, line in zip(rows, lines, strict=True)
        ],
        dtype=float,
    )


def _layout(table: TextTable, header: list[str] | None) -> tuple[int, int | None, str, int | None]:
    """Column of the stage, of the time (epoch or onset) and of the duration."""
    if header is not None:
        stage_col = next(i for i, c in enumerate(header) if c in _STAGE_HEADERS)
        epoch_col = next((i for i, c in enumerate(header) if c in _EPOCH_HEADERS), None)
        onset_col = next((i for i, c in enumerate(header) if c in _ONSET_HEADERS), None)
        dur_col = next((i for i, c in enumerate(header) if c in _DURATION_HEADERS), None)
        if onset_col is not None:
            return stage_col, onset_col, "onset", dur_col
        return stage_col, epoch_col, "epoch", dur_col
    width = max(len(r) for r in table.rows)
    if width == 1:
        return 0, None, "", None
    if width == 2:
        return 1, 0, "epoch", None  # epoch or onset: decided from the values
    raise InputFileError(
        table.source,
        f"has {width} columns but no header; name the columns (stage, and epoch or onset)",
    )


def _guess_time_kind(source: str, values: np.ndarray, epoch_length: float) -> str:
    steps = np.diff(values)
    if values.size < 2 or np.allclose(steps, 1.0):
        return "epoch"
    if np.allclose(steps, epoch_length):
        return "onset"
    raise InputFileError(
        source,
        "the first column steps neither by 1 (epoch numbers) nor by the epoch length "
        f"({epoch_length:g} s, onsets); add a header 'epoch,stage' or 'onset,stage'",
    )


def _onsets(
    source: str, values: np.ndarray, kind: str, epoch_length: float, lines: list[int]
) -> np.ndarray:
    if kind == "onset":
        return values
    not_int = np.nonzero(values != np.round(values))[0]
    if not_int.size:
        i = int(not_int[0])
        raise InputFileError(source, f"line {lines[i]}: epoch number {values[i]:g} is not whole")
    base = 0.0 if values.min() == 0 else 1.0
    if values.min() < 0:
        raise InputFileError(source, f"epoch numbers must be >= 0, got {values.min():g}")
    huge = np.flatnonzero(values > MAX_TIME_S / epoch_length)
    if huge.size:
        i = int(huge[0])
        raise InputFileError(
            source,
            f"line {lines[i]}: epoch number {values[i]:g} is beyond any recording (more than "
            f"{MAX_TIME_S:g} s of {epoch_length:g} s epochs)",
        )
    return (values - base) * epoch_length


def _stages(
    source: str, texts: list[str], lines: list[int], mapping: dict[int, str] | None
) -> list[str]:
    integers = [t for t in texts if is_integer_text(t)]
    if integers and mapping is None:
        found = sorted({int(t) for t in integers})
        raise InputFileError(source, f"stages are integer codes {found}; {CODES_HINT}")
    stages: list[str] = []
    unknown: dict[str, int] = {}
    for text, line in zip(texts, lines, strict=True):
        if text.lower() in MISSING:
            stages.append("UNS")
            continue
        if mapping is not None and is_integer_text(text):
            code = int(text)
            if code not in mapping:
                raise InputFileError(
                    source, f"line {line}: stage code {code} is not in the code mapping"
                )
            stages.append(mapping[code])
            continue
        stage = stage_word(text)
        if stage is None:
            unknown.setdefault(text, line)
            stage = "UNS"
        stages.append(stage)
    if unknown:
        shown = ", ".join(f"{shorten(t)!r} (line {n})" for t, n in list(unknown.items())[:10])
        raise InputFileError(
            source,
            f"unknown stage(s) {shown}; stages are W, N1, N2, N3, R, UNS or words such as "
            "'Wake', 'REM', 'Sleep stage 2' (a header line needs a 'stage' column)",
        )
    return stages
