"""Read a user's JSON file with errors that name the file and the line.

Python's :mod:`json` is lenient in ways that hide a user's mistakes or crash later: a key given
twice silently keeps the last value, ``NaN``/``Infinity`` and ``1e400`` (which overflows to
infinity) are accepted, and an integer of more than 4,300 digits raises a ``ValueError`` that is
not a decoding error. Here each of these is an :class:`~twitchscope.errors.InputFileError`
naming the file and the key or number.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Final

from twitchscope.errors import InputFileError

MAX_BYTES: Final[int] = 5_000_000
#: Longest integer literal accepted (digits); answers, lab values and indices are small numbers.
MAX_INT_DIGITS: Final[int] = 30


class _BadJson(ValueError):
    """A problem found while decoding (duplicate key, unusable number)."""


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]} ({len(text)} characters)"


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _BadJson(f"the key {key!r} appears twice in one object; keep one")
        out[key] = value
    return out


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _BadJson(
            f"the number {_short(text)} is too large (more than {MAX_INT_DIGITS} digits)"
        )
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadJson(f"the number {_short(text)} is too large to use")
    return value


def _constant(text: str) -> float:
    raise _BadJson(f"{text} is not a JSON number; give a finite number or null")


def loads_strict(text: str) -> Any:
    """Decode JSON text, refusing duplicate keys and unusable numbers.

    Raises
    ------
    json.JSONDecodeError
        For malformed JSON.
    ValueError
        For a duplicate key, NaN/Infinity, a number that overflows, or an integer of more than
        :data:`MAX_INT_DIGITS` digits (the message names the key or number).
    RecursionError
        For JSON nested too deeply.
    """
    return json.loads(
        text,
        object_pairs_hook=_object,
        parse_int=_int,
        parse_float=_float,
        parse_constant=_constant,
    )


def read_json_object(path: str | Path, what: str) -> dict[str, Any]:
    """Read a JSON file that must hold one object.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the file should be (``"answers"``, ``"lab values"`` ...), for the messages.

    Raises
    ------
    InputFileError
        Missing, unreadable, too large, not JSON (the line and column are named), a key given
        twice in one object (named), a number that is not finite or has more than
        :data:`MAX_INT_DIGITS` digits, nested too deeply, or not an object.
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(p, f"no such {what} file")
    if p.stat().st_size > MAX_BYTES:
        raise InputFileError(p, f"too large for a {what} file (over {MAX_BYTES} bytes)")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(p, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise InputFileError(p, f"cannot be read ({exc.strerror or exc})") from None
    if not text.strip():
        raise InputFileError(p, f"empty; expected a JSON object of {what}")
    try:
        doc = loads_strict(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            p, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except _BadJson as exc:
        raise InputFileError(p, str(exc)) from None
    except ValueError as exc:  # anything else the decoder refuses
        raise InputFileError(p, f"not usable JSON ({exc})") from None
    except RecursionError:
        raise InputFileError(p, "JSON nested too deeply") from None
    if not isinstance(doc, dict):
        raise InputFileError(p, f"expected a JSON object of {what}, got {type(doc).__name__}")
    return doc
