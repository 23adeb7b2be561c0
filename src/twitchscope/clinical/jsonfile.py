"""Read a user's JSON file with errors that name the file and the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from twitchscope.errors import InputFileError

MAX_BYTES: Final[int] = 5_000_000


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
        Missing, unreadable, too large, not JSON (the line and column are named) or not an object.
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
    if not text.strip():
        raise InputFileError(p, f"empty; expected a JSON object of {what}")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            p, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise InputFileError(p, "JSON nested too deeply") from None
    if not isinstance(doc, dict):
        raise InputFileError(p, f"expected a JSON object of {what}, got {type(doc).__name__}")
    return doc
