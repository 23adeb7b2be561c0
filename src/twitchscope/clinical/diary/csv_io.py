"""Import and export of the diary as one CSV file.

One file holds the whole diary; its ``record`` column says what each row is:

- ``episode`` rows fill ``start``, ``duration_s``, ``locations``, ``side``, ``kind``,
  ``intensity``, ``context``, ``note``;
- ``day`` rows fill ``date`` and the factors ``caffeine_cups``, ``alcohol_units``, ``stress``,
  ``exercise_minutes``, ``heavy_exercise``, ``sleep_hours``, ``medications``.

A row leaves the other kind's columns empty. Lists (``locations``, ``medications``) are joined
by ``;``; ``medications`` is ``none`` for "took nothing" and empty for "not recorded". Empty
means "not recorded" everywhere. Times are local clock times ``YYYY-MM-DD HH:MM:SS``; numbers
are written in Python's shortest exact form, so export -> import -> export gives the same
bytes. Episodes come first (by start), then days (by date). Columns may appear in any order and
unused ones may be left out (only ``record`` is required); an unknown column is an error.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from twitchscope.clinical.diary.frames import Diary, make_diary
from twitchscope.clinical.diary.store import DiaryStore
from twitchscope.clinical.diary.validation import (
    DAY_FIELDS,
    EPISODE_FIELDS,
    LIST_SEP,
    DayEntry,
    EpisodeEntry,
    make_day,
    make_episode,
)
from twitchscope.errors import InputFileError, ValidationError

CSV_COLUMNS: Final[tuple[str, ...]] = ("record", *EPISODE_FIELDS, *DAY_FIELDS)
#: Largest CSV accepted, bytes (a diary of years is well under 10 MB).
MAX_CSV_BYTES: Final[int] = 50_000_000
#: At most this many problems are listed in one error message.
MAX_LISTED_PROBLEMS: Final[int] = 50


class DiaryImportError(InputFileError):
    """A diary CSV has bad rows; ``problems`` lists every one as ``line N: field: problem``."""

    def __init__(self, path: str | os.PathLike[str], problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:MAX_LISTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        text = f"{len(self.problems)} bad row(s), nothing was imported:\n  " + "\n  ".join(shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(path, text)


@dataclass(frozen=True)
class ParsedCsv:
    """Entries read from a diary CSV with the line each starts on (1-based, header = 1)."""

    episodes: list[tuple[int, EpisodeEntry]]
    days: list[tuple[int, DayEntry]]


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _episode_cells(entry: EpisodeEntry) -> dict[str, str]:
    return {
        "record": "episode",
        "start": entry.start.isoformat(sep=" "),
        "duration_s": _number(entry.duration_s),
        "locations": LIST_SEP.join(entry.locations),
        "side": entry.side or "",
        "kind": entry.kind,
        "intensity": _number(entry.intensity),
        "context": entry.context or "",
        "note": entry.note,
    }


def _day_cells(entry: DayEntry) -> dict[str, str]:
    meds = entry.medications
    return {
        "record": "day",
        "date": entry.date.isoformat(),
        "caffeine_cups": _number(entry.caffeine_cups),
        "alcohol_units": _number(entry.alcohol_units),
        "stress": _number(entry.stress),
        "exercise_minutes": _number(entry.exercise_minutes),
        "heavy_exercise": "" if entry.heavy_exercise is None else str(entry.heavy_exercise).lower(),
        "sleep_hours": _number(entry.sleep_hours),
        "medications": "" if meds is None else (LIST_SEP.join(meds) if meds else "none"),
    }


def diary_csv_text(episodes: Sequence[EpisodeEntry], days: Sequence[DayEntry]) -> str:
    """Return the CSV text of a diary (see the module docstring for the layout)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for entry in sorted(episodes, key=lambda e: e.start):
        writer.writerow(_episode_cells(entry))
    for day in sorted(days, key=lambda d: d.date):
        writer.writerow(_day_cells(day))
    return buffer.getvalue()


def write_diary_csv(
    path: str | Path, episodes: Sequence[EpisodeEntry], days: Sequence[DayEntry]
) -> Path:
    """Write a diary CSV atomically (a temporary file renamed into place); return the path."""
    out = Path(path)
    text = diary_csv_text(episodes, days)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InputFileError(out, "the folder does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".diary-", suffix=".csv", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def export_csv(store: DiaryStore, path: str | Path) -> tuple[int, int]:
    """Write the store's diary to ``path``; return (episodes, days) written."""
    episodes = [entry for _, entry in store.episodes()]
    days = store.days()
    write_diary_csv(path, episodes, days)
    return len(episodes), len(days)


def _read_text(path: Path) -> str:
    if not path.exists():
        raise InputFileError(path, "no such file")
    if not path.is_file():
        raise InputFileError(path, "is not a file")
    if path.stat().st_size > MAX_CSV_BYTES:
        raise InputFileError(path, f"larger than {MAX_CSV_BYTES // 1_000_000} MB; not a diary")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise InputFileError(path, "is binary, not a CSV text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not UTF-8 text (byte {exc.start})") from None


def read_diary_csv(path: str | Path) -> ParsedCsv:
    """Read and check every row of a diary CSV.

    Raises
    ------
    InputFileError
        When the file is missing, empty, not text, or its header is wrong.
    DiaryImportError
        Listing every bad row (``line N: field: problem``), when any row is bad.
    """
    src = Path(path)
    text = _read_text(src)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(src, "is empty: expected a header with a 'record' column") from None
    except csv.Error as exc:
        raise InputFileError(src, f"line 1: {exc}") from None
    names = [name.strip() for name in header]
    unknown = [n for n in names if n not in CSV_COLUMNS]
    if unknown:
        raise InputFileError(src, f"line 1: unknown column {unknown[0]!r}")
    if "record" not in names:
        raise InputFileError(src, "line 1: no 'record' column (episode or day)")
    if len(set(names)) != len(names):
        raise InputFileError(src, "line 1: a column name appears twice")
    problems: list[str] = []
    episodes: list[tuple[int, EpisodeEntry]] = []
    days: list[tuple[int, DayEntry]] = []
    seen_dates: dict[date, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {line}: {exc}")
            break
        here, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            problems.append(f"line {here}: {len(cells)} cells, the header has {len(names)}")
            continue
        row = dict(zip(names, cells, strict=True))
        try:
            entry = _parse_row(row)
        except ValidationError as exc:
            problems.append(f"line {here}: {exc.field}: {exc.problem}")
            continue
        if isinstance(entry, DayEntry):
            if entry.date in seen_dates:
                problems.append(
                    f"line {here}: date: {entry.date} already given on line "
                    f"{seen_dates[entry.date]}"
                )
                continue
            seen_dates[entry.date] = here
            days.append((here, entry))
        else:
            episodes.append((here, entry))
    if problems:
        raise DiaryImportError(src, problems)
    return ParsedCsv(episodes=episodes, days=days)


def _parse_row(row: dict[str, str]) -> EpisodeEntry | DayEntry:
    record = row.pop("record").strip().lower()
    if record == "episode":
        own, other = EPISODE_FIELDS, DAY_FIELDS
    elif record == "day":
        own, other = DAY_FIELDS, EPISODE_FIELDS
    else:
        raise ValidationError("record", f"{record!r} is not 'episode' or 'day'")
    for name in other:
        if row.get(name, "").strip():
            raise ValidationError(
                name,
                f"belongs to {'day' if record == 'episode' else 'episode'}"
                f" rows; this is a {record} row",
            )
    values: dict[str, Any] = {name: row[name] for name in own if name in row}
    if record == "episode":
        return make_episode(values)
    return make_day(values)


def load_csv_diary(path: str | Path) -> Diary:
    """Read a diary CSV into a :class:`~.frames.Diary` (read-only; nothing is stored)."""
    parsed = read_diary_csv(path)
    return make_diary([e for _, e in parsed.episodes], [d for _, d in parsed.days], str(Path(path)))


@dataclass(frozen=True)
class ImportResult:
    """What an import added: numbers of episodes and of days."""

    episodes: int
    days: int


def import_csv(store: DiaryStore, path: str | Path) -> ImportResult:
    """Import a diary CSV into ``store`` in one transaction: every row or none.

    Days already in the store are merged (a factor recorded in both must agree); an episode
    with the same start, kind and locations as a stored one is a conflict.

    Raises
    ------
    DiaryImportError
        Listing every bad or conflicting row; the store is unchanged.
    """
    parsed = read_diary_csv(path)
    episodes = [e for _, e in parsed.episodes]
    days = [d for _, d in parsed.days]
    clashes = store.conflicts(episodes, days)
    if clashes:
        lines = {"episode": [n for n, _ in parsed.episodes], "day": [n for n, _ in parsed.days]}
        problems = [f"line {lines[what][i]}: {what}: {problem}" for what, i, problem in clashes]
        raise DiaryImportError(path, sorted(problems, key=_line_number))
    store.add_entries(episodes, days)
    return ImportResult(episodes=len(episodes), days=len(days))


def _line_number(problem: str) -> int:
    return int(problem.split(":", 1)[0].removeprefix("line "))
