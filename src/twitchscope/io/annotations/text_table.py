"""Small delimited text tables (CSV, semicolon CSV, TSV) read strictly, with line numbers kept."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from twitchscope.errors import InputFileError

_SEPARATORS = ("\t", ";", ",")
_MAX_BYTES = 200 * 1024 * 1024
#: Cell texts that mean "no value" (BIDS writes ``n/a``).
MISSING = frozenset({"", "n/a", "na", "nan", "none", "null", "-"})


@dataclass(frozen=True)
class TextTable:
    """Rows of a text table: every non-blank, non-comment line split into stripped cells.

    ``lines[i]`` is the 1-based line number of ``rows[i]`` in the file, for messages.
    """

    source: str
    rows: list[list[str]]
    lines: list[int]
    separator: str


def read_text(path: str | Path) -> str:
    """The text of a small table file (UTF-8, with or without BOM; Latin-1 as a fallback).

    Raises
    ------
    InputFileError
        When the file is missing, empty, binary (holds NUL bytes) or too large for a table.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > _MAX_BYTES:
            raise InputFileError(p, f"is {size} bytes, too large for an annotation table")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputFileError(p, "no such file") from None
    except OSError as exc:
        raise InputFileError(p, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputFileError(p, "is empty")
    if b"\x00" in data:
        raise InputFileError(p, "is a binary file, not a text table")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_table(path: str | Path, separator: str | None = None) -> TextTable:
    """Split a text table into cells; the separator (tab, ``;`` or ``,``) is guessed if not given.

    The separator is the first of tab, semicolon, comma found in the first data line; a file
    with none of them has one column. Blank lines and lines starting with ``#`` are skipped.
    """
    source = str(path)
    text = read_text(path)
    numbered = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise InputFileError(source, "holds no data lines")
    if separator is None:
        first = numbered[0][1]
        separator = next((s for s in _SEPARATORS if s in first), ",")
    try:
        rows = [
            [cell.strip() for cell in row]
            for row in csv.reader((line for _, line in numbered), delimiter=separator)
        ]
    except csv.Error as exc:
        raise InputFileError(source, f"is not a valid delimited table ({exc})") from exc
    if len(rows) != len(numbered):  # quoted newlines: give up on line numbers, keep going
        raise InputFileError(source, "has a quoted field spanning lines, which is not supported")
    return TextTable(source, rows, [n for n, _ in numbered], separator)


def parse_float(source: str, text: str, what: str, line: int, *, allow_missing: bool) -> float:
    """Parse a number of seconds from a cell; ``n/a`` and empty give NaN when allowed.

    Raises
    ------
    InputFileError
        When the cell is not a finite number (or is missing and that is not allowed).
    """
    if text.lower() in MISSING:
        if allow_missing:
            return math.nan
        raise InputFileError(source, f"line {line}: {what} is missing")
    try:
        value = float(text.replace(",", ".") if text.count(",") == 1 else text)
    except ValueError:
        raise InputFileError(source, f"line {line}: {what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputFileError(source, f"line {line}: {what} {text!r} is not finite")
    return value


#: Longest digit string read as an integer stage code (codes are one or two digits; Python's
#: int() refuses more than 4,300 digits with an error that is not a parsing error).
MAX_CODE_DIGITS = 18


def is_integer_text(text: str) -> bool:
    """True for an integer written in digits, optionally signed (``"3"``, ``"-1"``)."""
    stripped = text.strip()
    # one sign at most: int() refuses "--1"
    stripped = stripped[1:] if stripped[:1] in ("+", "-") else stripped
    # isdigit() is also true for superscripts such as "²", which int() refuses.
    return stripped.isascii() and stripped.isdecimal() and len(stripped) <= MAX_CODE_DIGITS


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to about ``limit`` characters for a message, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}...{text[-10:]} ({len(text)} characters)"
