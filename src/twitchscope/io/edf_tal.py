"""Time-stamped Annotation Lists (TALs) of EDF+ / BDF+ annotation signals.

A TAL is ``+Onset[\\x15Duration]\\x14Text\\x14Text...\\x14\\x00`` (EDF+ specification, section
2.2.2): onset in seconds from the file's start date-time with a mandatory sign, optional duration,
one or more UTF-8 texts each closed by ``\\x14``, and a closing ``\\x00``. The first TAL of each
data record has an empty text and gives the record's onset (time-keeping TAL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_TAL_RE: Final = re.compile(
    rb"([+-]\d+(?:\.\d*)?)(?:\x15(\d+(?:\.\d*)?)?)?\x14((?:[^\x00]*?\x14)?)\x00"
)
#: A TAL with at least one non-empty text: what is left after skipping time-keeping TALs.
_TEXT_TAL_RE: Final = re.compile(
    rb"([+-]\d+(?:\.\d*)?)(?:\x15(\d+(?:\.\d*)?)?)?\x14(\x14*[^\x00\x14][^\x00]*?\x14)\x00"
)
_ONSET_RE: Final = re.compile(rb"\x00*([+-]\d+(?:\.\d*)?)(?:\x15[^\x14]*)?\x14")


@dataclass(frozen=True)
class Tal:
    """One TAL: onset and duration in seconds (duration 0 when absent) and its texts."""

    onset: float
    duration: float
    texts: tuple[str, ...]


def parse_tals(raw: bytes, *, timekeeping: bool = True) -> list[Tal]:
    """Parse every TAL in the annotation bytes of one data record.

    Parameters
    ----------
    raw : bytes
        The bytes of an annotation signal in one data record (trailing ``\\x00`` padding is fine).
    timekeeping : bool
        False skips the TALs without text (the time-keeping TAL of every record) inside the
        regular expression, which is much faster on long recordings with 1 s records.

    Returns
    -------
    list of Tal
        In order; a time-keeping TAL has ``texts == ()``. Malformed stretches are skipped.
    """
    tals: list[Tal] = []
    for m in (_TAL_RE if timekeeping else _TEXT_TAL_RE).finditer(raw):
        onset = float(m.group(1))
        duration = float(m.group(2)) if m.group(2) else 0.0
        body = m.group(3)
        texts = tuple(t.decode("utf-8", errors="replace").strip() for t in body.split(b"\x14")[:-1])
        texts = tuple(t for t in texts if t)
        tals.append(Tal(onset, duration, texts))
    return tals


def record_onset(raw: bytes) -> float:
    """Onset in seconds of a data record from its first (time-keeping) TAL.

    Parameters
    ----------
    raw : bytes
        The bytes of the first annotation signal in one data record.

    Returns
    -------
    float
        The onset in seconds from the file's start date-time.

    Raises
    ------
    ValueError
        When the record does not start with a TAL (the caller reports it with the file name).
    """
    m = _ONSET_RE.match(raw)
    if m is None:
        raise ValueError(f"data record does not start with a time-keeping TAL: {raw[:20]!r}")
    return float(m.group(1))
