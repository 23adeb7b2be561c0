"""Integer stage codes: only ever with an explicit mapping, because tools disagree on them.

Profusion writes 5 for REM, others 4 or 5, some 0 for wake and some 6 for movement time; a
twitchscope reader never guesses. The user gives the mapping, e.g. ``0=W,1=N1,2=N2,3=N3,5=R``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from twitchscope.errors import ValidationError
from twitchscope.io.annotations.vocabulary import stage_of
from twitchscope.stages import STAGES

#: The hint shown when integer stages come without a mapping.
CODES_HINT: Final[str] = (
    "integer stage codes differ between tools, so give the mapping explicitly, e.g. "
    "codes={0: 'W', 1: 'N1', 2: 'N2', 3: 'N3', 5: 'R'} (CLI: --codes 0=W,1=N1,2=N2,3=N3,5=R)"
)


def stage_word(value: str) -> str | None:
    """The stage string of a stage word or code target (``"N2"``, ``"REM"``, ``"wake"``)."""
    text = value.strip()
    if text in STAGES:
        return text
    return stage_of(text)


def check_codes(codes: Mapping[int, str], field: str = "codes") -> dict[int, str]:
    """Validate a code mapping and return it with every value a stage string.

    Raises
    ------
    ValidationError
        When a key is not an integer or a value is not a stage word.
    """
    out: dict[int, str] = {}
    for key, value in codes.items():
        if isinstance(key, bool) or not isinstance(key, int):
            raise ValidationError(field, f"code {key!r} is not an integer")
        stage = stage_word(str(value))
        if stage is None:
            raise ValidationError(
                field, f"code {key} maps to {value!r}, which is not a stage ({', '.join(STAGES)})"
            )
        out[key] = stage
    if not out:
        raise ValidationError(field, "the code mapping is empty")
    return out


def parse_codes(text: str) -> dict[int, str]:
    """Parse a code mapping written as ``"0=W,1=N1,2=N2,3=N3,4=N3,5=R"``.

    Raises
    ------
    ValidationError
        When an item is not ``integer=stage``.
    """
    mapping: dict[int, str] = {}
    for item in text.replace(";", ",").split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep:
            key, sep, value = item.partition(":")
        key = key.strip()
        if not (key.lstrip("+-").isascii() and key.lstrip("+-").isdecimal() and len(key) <= 18):
            raise ValidationError("codes", f"{item.strip()[:40]!r} is not 'integer=stage'")
        code = int(key)
        if not sep or not value.strip():
            raise ValidationError("codes", f"{item.strip()!r} is not 'integer=stage'")
        mapping[code] = value.strip()
    return check_codes(mapping)
