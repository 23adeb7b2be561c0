"""Find the nights of a cohort: a manifest, or a folder in one of the common layouts.

Layouts recognised in a folder (``layout="auto"`` tries them in this order):

``nsrr``
    The National Sleep Research Resource layout: ``.../edfs/<name>.edf`` beside
    ``.../annotations-events-nsrr/<name>-nsrr.xml`` (sub-folders such as ``shhs1/`` are mirrored),
    else ``.../annotations-events-profusion/<name>-profusion.xml``.
``bids``
    BIDS: ``sub-*/[ses-*/]eeg|emg/<entities>_eeg.edf`` (or ``_emg``, ``.bdf``) with
    ``<entities>_events.tsv`` beside it. The id is the entities part (``sub-01_ses-1_task-sleep``).
``edf``
    Any folder of EDF/EDF+/BDF files (searched recursively), with their embedded annotations or
    one annotation file of the same name beside them (``<name>.xml``, ``<name>-nsrr.xml``,
    ``<name>-profusion.xml``, ``<name>_events.tsv``, ``<name>.events.tsv``).

A manifest is a CSV or TSV file with a ``recording`` column and optional ``hypnogram``,
``events``, ``movements`` and ``id`` columns; relative paths are relative to the manifest.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from twitchscope.batch.spec import NightSpec, assign_folders, duplicate_ids
from twitchscope.errors import InputFileError, ValidationError

LAYOUTS: Final[tuple[str, ...]] = ("auto", "manifest", "nsrr", "bids", "edf")
MANIFEST_COLUMNS: Final[tuple[str, ...]] = ("recording", "hypnogram", "events", "movements", "id")
RECORDING_SUFFIXES: Final[frozenset[str]] = frozenset({".edf", ".bdf"})
NSRR_EDF_DIR: Final[str] = "edfs"
NSRR_ANNOTATION_DIRS: Final[tuple[tuple[str, str], ...]] = (
    ("annotations-events-nsrr", "-nsrr.xml"),
    ("annotations-events-profusion", "-profusion.xml"),
)
#: Annotation files beside a recording ``<name>.edf`` in a plain folder, by preference.
SIDECAR_SUFFIXES: Final[tuple[str, ...]] = (
    "-nsrr.xml",
    ".xml",
    "-profusion.xml",
    "_events.tsv",
    ".events.tsv",
)
_BIDS_DATATYPES: Final[tuple[str, ...]] = ("eeg", "emg")
_SKIP_DIRS: Final[frozenset[str]] = frozenset({"derivatives", "sourcedata", "__pycache__"})


@dataclass
class Discovery:
    """The nights found in an input, how they were found, and what a user should know."""

    source: Path
    layout: str
    nights: list[NightSpec]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Found:
    """A recording with its candidate ids (first choice first) and its inputs."""

    path: Path
    ids: tuple[str, ...]
    spec_kwargs: dict[str, str | None] = field(default_factory=dict)


def discover(
    source: str | os.PathLike[str],
    *,
    layout: str = "auto",
    exclude: Sequence[str | os.PathLike[str]] = (),
) -> Discovery:
    """Find the nights in a manifest file or a folder.

    Parameters
    ----------
    source : path-like
        A manifest (``.csv``/``.tsv``) or a folder.
    layout : str
        ``"auto"`` (default: manifest for a file, else NSRR, BIDS, plain folder, the first that
        matches), or one of ``"manifest"``, ``"nsrr"``, ``"bids"``, ``"edf"``.
    exclude : sequence of path-like
        Folders not to search (the batch output folder when it lies inside ``source``).

    Returns
    -------
    Discovery

    Raises
    ------
    InputFileError
        A missing input, a malformed manifest, duplicate ids in a manifest, or no recording.
    """
    src = Path(source).expanduser()
    if layout not in LAYOUTS:
        raise ValidationError("--layout", f"must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    if not src.exists():
        raise InputFileError(src, "no such file or folder")
    if src.is_file() or layout == "manifest":
        if src.is_dir():
            raise InputFileError(src, "is a folder; a manifest is a CSV or TSV file")
        found = read_manifest(src)
    else:
        skip = {_resolved(p) for p in exclude}
        files = sorted(_recordings(src, skip))
        if layout == "auto":
            layout = _detect_layout(src, files)
        if layout == "nsrr":
            found = _nsrr(src, files)
        elif layout == "bids":
            found = _bids(src, files)
        else:
            found = _edf_folder(src, files)
    if not found.nights:
        raise InputFileError(
            src,
            f"no EDF/BDF recording found (layout {found.layout})"
            if src.is_dir()
            else "the manifest lists no night",
        )
    found.nights = assign_folders(found.nights)
    return found


def _resolved(p: str | os.PathLike[str]) -> Path:
    try:
        return Path(p).expanduser().resolve()
    except OSError:
        return Path(os.path.abspath(p))


def _recordings(root: Path, skip: set[Path]) -> Iterator[Path]:
    """EDF/BDF files under ``root``: hidden files and folders, outputs and derivatives left out."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and d.lower() not in _SKIP_DIRS
            and _resolved(here / d) not in skip
        )
        for name in filenames:
            # ``._x.edf`` files are macOS resource forks, not recordings.
            if not name.startswith(".") and Path(name).suffix.lower() in RECORDING_SUFFIXES:
                yield here / name


def _detect_layout(root: Path, files: Sequence[Path]) -> str:
    if any(_nsrr_base(f) is not None for f in files):
        return "nsrr"
    if any(_bids_entities(root, f) is not None for f in files):
        return "bids"
    return "edf"


# --- NSRR ------------------------------------------------------------------------------------


def _nsrr_base(path: Path) -> tuple[Path, Path] | None:
    """``(dataset folder, path below edfs/)`` when ``path`` lies in an NSRR ``edfs/`` folder."""
    for parent in path.parents:
        if parent.name.lower() == NSRR_EDF_DIR:
            base = parent.parent
            if any((base / d).is_dir() for d, _ in NSRR_ANNOTATION_DIRS):
                return base, path.relative_to(parent)
            return None
    return None


def _nsrr(root: Path, files: Sequence[Path]) -> Discovery:
    found: list[_Found] = []
    warnings: list[str] = []
    outside = 0
    for f in files:
        where = _nsrr_base(f)
        if where is None:
            outside += 1
            continue
        base, rel = where
        annotation: Path | None = None
        looked: list[Path] = []
        for folder, suffix in NSRR_ANNOTATION_DIRS:
            candidates = [
                base / folder / rel.parent / f"{rel.stem}{suffix}",
                base / folder / f"{rel.stem}{suffix}",
            ]
            looked.extend(candidates[:1])
            hit = next((c for c in candidates if c.is_file()), None)
            if hit is not None:
                annotation = hit
                break
        if annotation is None:
            warnings.append(
                f"{f}: no NSRR annotation file (looked for {', '.join(map(str, looked))}); "
                "scored without stages unless the EDF has them"
            )
        found.append(
            _Found(
                f,
                (rel.stem, _rel_id(root, f)),
                {"annotations": str(annotation) if annotation else None},
            )
        )
    if outside:
        warnings.append(
            f"{outside} EDF/BDF file(s) outside the NSRR '{NSRR_EDF_DIR}/' folders were left "
            "out (use --layout edf or a manifest to include them)"
        )
    return Discovery(root, "nsrr", *_specs(found, warnings))


# --- BIDS ------------------------------------------------------------------------------------


def _bids_entities(root: Path, path: Path) -> str | None:
    """The BIDS entities of ``path`` (``sub-01_ses-1_task-sleep``), or None when not BIDS."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    stem = path.stem
    datatype = path.parent.name.lower()
    if datatype not in _BIDS_DATATYPES or not stem.lower().endswith(f"_{datatype}"):
        return None
    if not any(p.startswith("sub-") for p in parts[:-2]) or not stem.startswith("sub-"):
        return None
    return stem[: -len(datatype) - 1]


def _bids(root: Path, files: Sequence[Path]) -> Discovery:
    found: list[_Found] = []
    warnings: list[str] = []
    outside = 0
    for f in files:
        entities = _bids_entities(root, f)
        if entities is None:
            outside += 1
            continue
        events = f.with_name(f"{entities}_events.tsv")
        if not events.is_file():
            warnings.append(
                f"{f}: no {events.name} beside it; scored with the EDF's own annotations"
            )
        found.append(
            _Found(
                f,
                (entities, f.stem, _rel_id(root, f)),
                {"annotations": str(events) if events.is_file() else None},
            )
        )
    if outside:
        warnings.append(
            f"{outside} EDF/BDF file(s) not named as BIDS recordings "
            "(sub-*/[ses-*/]eeg|emg/*_eeg.edf) were left out"
        )
    return Discovery(root, "bids", *_specs(found, warnings))


# --- plain folder ------------------------------------------------------------------------------


def _edf_folder(root: Path, files: Sequence[Path]) -> Discovery:
    found: list[_Found] = []
    warnings: list[str] = []
    for f in files:
        candidates = [f.with_name(f.stem + s) for s in SIDECAR_SUFFIXES]
        present = [c for c in candidates if c.is_file()]
        kwargs: dict[str, str | None] = {}
        names = {p.name[len(f.stem) :] for p in present}
        if len(present) == 1:
            kwargs["annotations"] = str(present[0])
        elif names == {"-nsrr.xml", "-profusion.xml"}:
            kwargs["annotations"] = str(present[0])
            warnings.append(
                f"{f}: both {present[0].name} and {present[1].name} beside it; "
                f"using {present[0].name} (NSRR's harmonised export)"
            )
        elif present:
            kwargs["problem"] = (
                "more than one candidate annotation file beside the recording: "
                + ", ".join(str(p) for p in present)
                + "; list the night in a manifest with the hypnogram to use"
            )
        found.append(_Found(f, (f.stem, _rel_id(root, f)), kwargs))
    return Discovery(root, "edf", *_specs(found, warnings))


def _rel_id(root: Path, path: Path) -> str:
    return path.relative_to(root).with_suffix("").as_posix()


def _specs(found: list[_Found], warnings: list[str]) -> tuple[list[NightSpec], list[str]]:
    """Pick each recording's first candidate id that is unique among all; warn when it is not."""
    chosen = [f.ids[0] for f in found]
    for level in range(1, max((len(f.ids) for f in found), default=1)):
        dups = duplicate_ids(chosen)
        if not dups:
            break
        for where in dups.values():
            for i in where:
                chosen[i] = found[i].ids[min(level, len(found[i].ids) - 1)]
    renamed = [i for i, f in enumerate(found) if chosen[i] != f.ids[0]]
    if renamed:
        example = found[renamed[0]]
        warnings.append(
            f"{len(renamed)} recordings share a name with another one and are identified by "
            f"their path instead (e.g. {example.path} -> id {chosen[renamed[0]]!r})"
        )
    specs = [
        NightSpec(id=chosen[i], recording=str(_absolute(f.path)), **f.spec_kwargs)  # type: ignore[arg-type]
        for i, f in enumerate(found)
    ]
    return specs, warnings


def _absolute(p: Path) -> Path:
    return Path(os.path.abspath(p))


# --- manifest ----------------------------------------------------------------------------------


def read_manifest(path: str | os.PathLike[str]) -> Discovery:
    """Read a CSV/TSV manifest: one night per row.

    Columns (case-insensitive): ``recording`` (required), ``hypnogram``, ``events``,
    ``movements``, ``id``. Relative paths are relative to the manifest's folder; empty cells
    mean "not given". Without an ``id``, a night is identified by its recording's name.

    Raises
    ------
    InputFileError
        Unreadable or empty file, no ``recording`` column, an empty recording cell, or an id
        used twice (the rows are named).
    """
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(p, "no such file") from None
    except UnicodeDecodeError:
        raise InputFileError(p, "is not UTF-8 text; a manifest is a CSV or TSV file") from None
    except OSError as exc:
        raise InputFileError(p, f"cannot be read ({exc.strerror or exc})") from None
    if "\x00" in text:
        raise InputFileError(p, "holds binary data; a manifest is a CSV or TSV file")
    lines = text.splitlines()
    header_line = next((ln for ln in lines if ln.strip()), "")
    if not header_line:
        raise InputFileError(p, "is empty")
    delimiter = "\t" if "\t" in header_line or p.suffix.lower() == ".tsv" else ","
    if delimiter == "," and ";" in header_line and "," not in header_line:
        delimiter = ";"
    rows = list(csv.reader(lines, delimiter=delimiter))
    header_at = next(i for i, r in enumerate(rows) if any(c.strip() for c in r))
    header = [c.strip().lower() for c in rows[header_at]]
    if "recording" not in header:
        raise InputFileError(
            p,
            f"no 'recording' column (columns found: {', '.join(repr(h) for h in header)}); "
            f"a manifest has the columns {', '.join(MANIFEST_COLUMNS)}",
        )
    warnings: list[str] = []
    unknown = [h for h in header if h and h not in MANIFEST_COLUMNS]
    if unknown:
        warnings.append(
            f"{p}: column(s) {', '.join(repr(u) for u in unknown)} ignored "
            f"(known: {', '.join(MANIFEST_COLUMNS)})"
        )
    col = {name: header.index(name) for name in MANIFEST_COLUMNS if name in header}
    base = p.parent
    found: list[_Found] = []
    given_ids: list[str | None] = []
    line_of: list[int] = []
    for lineno, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in col.items()}
        if not cells["recording"]:
            raise InputFileError(p, f"line {lineno}: the 'recording' cell is empty")
        rec = _manifest_path(base, cells["recording"])
        kwargs: dict[str, str | None] = {
            role: str(_manifest_path(base, cells[role])) if cells.get(role) else None
            for role in ("hypnogram", "events", "movements")
        }
        night_id = cells.get("id") or None
        given_ids.append(night_id)
        line_of.append(lineno)
        ids = (night_id,) if night_id else (rec.stem, _manifest_rel_id(base, rec))
        found.append(_Found(rec, ids, kwargs))
    explicit = [i for i in given_ids if i]
    dups = duplicate_ids(explicit)
    if dups:
        night_id = next(iter(dups))
        lines_used = [line_of[i] for i, g in enumerate(given_ids) if g == night_id]
        raise InputFileError(
            p,
            f"id {night_id!r} is used on lines {', '.join(map(str, lines_used))}; "
            "each night needs its own id",
        )
    specs, more = _specs(found, warnings)
    # A derived id must not take an id the manifest gives to another row.
    taken = set(explicit)
    for i, (spec, given) in enumerate(zip(specs, given_ids, strict=True)):
        if given is None and spec.id in taken:
            specs[i] = replace(spec, id=_manifest_rel_id(base, Path(spec.recording)))
    clash = duplicate_ids([s.id for s in specs])
    if clash:
        night_id = next(iter(clash))
        lines_used = [line_of[i] for i in clash[night_id]]
        raise InputFileError(
            p,
            f"lines {', '.join(map(str, lines_used))} give the same night id {night_id!r}; "
            "add an 'id' column with one id per night",
        )
    return Discovery(p, "manifest", assign_folders(specs), more)


def _manifest_path(base: Path, text: str) -> Path:
    q = Path(text).expanduser()
    return _absolute(q if q.is_absolute() else base / q)


def _manifest_rel_id(base: Path, rec: Path) -> str:
    try:
        return rec.relative_to(_absolute(base)).with_suffix("").as_posix()
    except ValueError:
        return rec.with_suffix("").as_posix().lstrip("/")
