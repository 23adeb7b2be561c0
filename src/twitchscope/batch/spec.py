"""One night of a cohort: :class:`NightSpec` (its id and input paths) and safe folder names.

Ids come from files (a manifest's ``id`` column, a recording's name): they are data. Each id is
mapped to a folder name under ``DIR/nights/`` that cannot leave that folder or clash with
another night's folder, and the original id is kept in the tables.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

#: Input roles of a night, in the order they appear in the tables.
ROLES: Final[tuple[str, ...]] = ("recording", "hypnogram", "events", "movements", "annotations")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_FOLDER = 96
# Names Windows refuses as files, whatever the extension (folders may be copied there).
_RESERVED: Final[frozenset[str]] = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


@dataclass(frozen=True)
class NightSpec:
    """A night to score: its id, its folder name and the paths of its inputs.

    Attributes
    ----------
    id : str
        The id as given (manifest ``id``) or derived (the recording's name); kept in tables.
    folder : str
        The safe folder name under ``DIR/nights/`` (see :func:`assign_folders`).
    recording : str
        Absolute path of the EDF/EDF+/BDF recording.
    hypnogram, events, movements : str or None
        Absolute paths given for these roles (a manifest's columns), as in ``twitchscope score``.
    annotations : str or None
        An annotation file found beside the recording (NSRR XML, BIDS ``events.tsv``): its
        stages become the hypnogram when it holds stages, and its events the events.
    problem : str or None
        Why this night cannot be run as found (e.g. two candidate annotation files); it is
        recorded as a failed night without being run.
    """

    id: str
    recording: str
    folder: str = ""
    hypnogram: str | None = None
    events: str | None = None
    movements: str | None = None
    annotations: str | None = None
    problem: str | None = None

    def inputs(self) -> dict[str, str]:
        """The input paths by role (only the roles given)."""
        out: dict[str, str] = {}
        for role in ROLES:
            path = getattr(self, role)
            if path:
                out[role] = path
        return out


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def safe_folder_name(night_id: str) -> str:
    """A folder name for ``night_id`` that stays inside its parent on every file system.

    Letters, digits, ``.``, ``_`` and ``-`` are kept; anything else (path separators, ``..``,
    spaces, control characters, non-ASCII) becomes ``_``. Leading dots and dashes are removed,
    names reserved on Windows (``CON``, ``NUL.txt``) get a leading ``_``, and long names are
    shortened. Whenever the name
    differs from the id, 8 hex digits of the id's hash are appended, so that two different ids
    never share a folder (``a/b`` and ``a_b`` give different names).

    Examples
    --------
    >>> safe_folder_name("mesa-sleep-0001")
    'mesa-sleep-0001'
    >>> safe_folder_name("../../etc/passwd")[:10]
    'etc_passwd'
    """
    name = _UNSAFE.sub("_", night_id).strip("._-")
    name = name[:_MAX_FOLDER].rstrip("._-")
    if name.split(".")[0].lower() in _RESERVED:
        name = f"_{name}"  # NUL, NUL.txt, ... are devices on Windows whatever follows
    if name and name == night_id:
        return name
    return f"{name or 'night'}-{_short_hash(night_id)}"


def assign_folders(specs: Iterable[NightSpec]) -> list[NightSpec]:
    """Give each night its folder name; folders differing only by case get a hash suffix too.

    Raises
    ------
    ValueError
        When two nights have the same id (callers check ids first and name the files).
    """
    out = [replace(s, folder=safe_folder_name(s.id)) for s in specs]
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(out):
        groups.setdefault(s.folder.lower(), []).append(i)
    for where in groups.values():
        if len(where) < 2:
            continue
        ids = [out[i].id for i in where]
        if len(set(ids)) < len(ids):
            raise ValueError(f"duplicate night id {ids[0]!r}")
        # Case-insensitive file systems (macOS, Windows) would merge these folders.
        for i in where:
            suffix = _short_hash(out[i].id)
            if not out[i].folder.endswith(suffix):
                out[i] = replace(out[i], folder=f"{out[i].folder}-{suffix}")
    return out


def duplicate_ids(ids: Sequence[str]) -> dict[str, list[int]]:
    """Ids that occur more than once, with the positions where they occur."""
    where: dict[str, list[int]] = {}
    for i, night_id in enumerate(ids):
        where.setdefault(night_id, []).append(i)
    return {k: v for k, v in where.items() if len(v) > 1}
