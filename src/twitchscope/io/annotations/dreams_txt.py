"""DREAMS databases' annotation text files (University of Mons; Devuyst et al., DREAMS project).

Two layouts, both starting with a bracketed name on the first line:

Hypnograms (``HypnogramAASM_subject1.txt``, ``HypnogramR&K_patient3.txt``)::

    [HypnogramAASM]
    5
    5
    3
    ...

one integer per **5 s** from the recording start. AASM files: 5 = W, 4 = REM, 3 = N1, 2 = N2,
1 = N3, 0 and negative = unscored. R&K files (``[HypnogramR&K]``): 5 = W, 4 = REM, 3 = S1, 2 = S2,
1 = S3, 0 = S4 (S3 and S4 become N3), -1 = movement time, other negatives unscored. The
hypnogram keeps the 5 s resolution (its epoch length is 5 s).

Event lists (visual scorings, e.g. ``Visual_scoring1_excerpt1.txt``)::

    [vis1_Spindles_excerpt1]
    37.2  0.9
    112.55  1.25
    ...

one event per line, onset and duration in seconds, separated by white space. The kind comes
from the bracketed name: a name naming leg or limb movements (``LM``, ``PLM``, ``leg``, ``limb``)
gives limb movements, on the leg the name says (``left``/``right``) or, when it says none, on the
leg given as ``leg``; any other name (spindles, K-complexes, REMs) gives events of kind
``other``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from twitchscope.errors import InputFileError
from twitchscope.io.annotations.collect import Collector
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.text_table import is_integer_text, parse_float, read_text
from twitchscope.io.annotations.vocabulary import leg_of_channel, normalize_label

#: Resolution of DREAMS hypnograms (s).
DREAMS_EPOCH_S: Final[float] = 5.0
DREAMS_AASM_CODES: Final[dict[int, str]] = {5: "W", 4: "R", 3: "N1", 2: "N2", 1: "N3"}
DREAMS_RK_CODES: Final[dict[int, str]] = {5: "W", 4: "R", 3: "N1", 2: "N2", 1: "N3", 0: "N3"}
_LM_WORDS: Final[frozenset[str]] = frozenset(
    {"lm", "lms", "plm", "plms", "leg", "legs", "limb", "limbs", "movement", "movements"}
)


def is_dreams_txt(head: bytes) -> bool:
    """Whether a file's first bytes look like a DREAMS annotation file (``[name]`` first)."""
    text = head.decode("latin-1", errors="replace").lstrip("\ufeff \t\r\n")
    first = text.splitlines()[0].strip() if text else ""
    if not (first.startswith("[") and first.endswith("]") and len(first) > 2):
        return False
    rest = [ln.strip() for ln in text.splitlines()[1:20] if ln.strip()]
    return all(_numeric_row(ln) for ln in rest)


def _numeric_row(line: str) -> bool:
    parts = line.replace(",", " ").split()
    try:
        [float(p) for p in parts]
    except ValueError:
        return False
    return 1 <= len(parts) <= 2


def read_dreams_txt(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = DREAMS_EPOCH_S,
    leg: str = "",
) -> Annotations:
    """Read a DREAMS hypnogram or visual-scoring text file.

    Parameters
    ----------
    path : path-like
        The ``.txt`` file.
    recording_duration : float, optional
        Length of the recording in seconds, to check that the annotations fit it.
    epoch_length : float
        Ignored for hypnograms (DREAMS scores 5 s); kept for the common reader signature.
    leg : {"", "left", "right"}
        Leg of limb movements whose file name does not say.

    Raises
    ------
    InputFileError
        A first line that is not ``[name]``, non-integer stages, rows that are not
        ``onset duration``, or annotations that do not fit the recording.
    """
    source = str(path)
    lines = read_text(path).lstrip("\ufeff").splitlines()
    numbered = [(i + 1, ln.strip()) for i, ln in enumerate(lines) if ln.strip()]
    if not numbered:
        raise InputFileError(source, "holds no data lines")
    first_line, name = numbered[0]
    if not (name.startswith("[") and name.endswith("]")):
        raise InputFileError(
            source, f"line {first_line}: expected a DREAMS name in brackets, got {name[:40]!r}"
        )
    title = name[1:-1].strip()
    rows = numbered[1:]
    if normalize_label(title).startswith("hypnogram"):
        return _hypnogram(source, title, rows, recording_duration)
    return _events(source, title, rows, recording_duration, leg)


def _hypnogram(
    source: str, title: str, rows: list[tuple[int, str]], recording_duration: float | None
) -> Annotations:
    rk = "r k" in normalize_label(title) or "rk" in normalize_label(title)
    table = DREAMS_RK_CODES if rk else DREAMS_AASM_CODES
    collector = Collector(source, "dreams-txt", DREAMS_EPOCH_S)
    unscored = 0
    for k, (line, text) in enumerate(rows):
        if not is_integer_text(text):
            raise InputFileError(source, f"line {line}: stage {text!r} is not an integer code")
        code = int(text)
        stage = table.get(code, "UNS")
        unscored += stage == "UNS"
        label = f"{title} {code}"
        collector.add_stage(k * DREAMS_EPOCH_S, DREAMS_EPOCH_S, stage, label)
    if not rows:
        raise InputFileError(source, "has a name line but no stages")
    if unscored:
        collector.note(
            f"{source}: {unscored} 5 s epoch(s) coded unscored or movement time counted as UNS"
        )
    return collector.finish(recording_duration)


def _events(
    source: str,
    title: str,
    rows: list[tuple[int, str]],
    recording_duration: float | None,
    leg: str,
) -> Annotations:
    words = set(normalize_label(title.replace("_", " ")).split())
    is_lm = bool(words & _LM_WORDS) and not words & {"spindles", "kcomplexes", "rems"}
    side = leg_of_channel(title.replace("_", " ")) or leg
    if leg not in ("", "left", "right"):
        raise InputFileError(source, f"leg must be 'left' or 'right', got {leg!r}")
    collector = Collector(source, "dreams-txt", 30.0)
    for line, text in rows:
        parts = text.replace(",", " ").split()
        if len(parts) != 2:
            raise InputFileError(
                source, f"line {line}: expected 'onset duration' in seconds, got {text[:40]!r}"
            )
        onset = parse_float(source, parts[0], "onset", line, allow_missing=False)
        duration = parse_float(source, parts[1], "duration", line, allow_missing=False)
        if is_lm:
            collector.add_event(onset, duration, "limb_movement", side, title)
        else:
            collector.add_event(onset, duration, "other", "", title)
    return collector.finish(recording_duration)
