"""What a cohort run keeps on disk, and how it knows a night is finished.

Layout of the output folder ``DIR``::

    DIR/nights/<folder>/      the ``score`` output contract of one finished night, plus
                              batch.json (its record: input hashes, rules, time taken)
    DIR/failed/<folder>.json  the record of a night that failed (error, kind, inputs)
    DIR/nights.parquet, movements.parquet, failures.csv, report.html   cohort tables, report
    DIR/logs/batch-<time>.log one log file per run
    DIR/.tmp/                 folders being written (renamed into nights/ when complete) and
                              the attempts of nights in flight

A night is finished when ``nights/<folder>/batch.json`` holds the same *key* as the night
would get now: a SHA-256 over the content of every input file, the rules (preset and every
option), the channel choices and the software version. Hashing a whole EDF costs about a
second per GB, so a later run first compares each file's size and modification time with
the ones recorded beside its hash; only files that changed are hashed again, and a file whose
content is the same (copied, touched) is not scored again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from twitchscope.batch.spec import NightSpec

RECORD_NAME: Final[str] = "batch.json"
RECORD_FORMAT: Final[int] = 1
#: Runs of one night in one batch run that may end with the worker dying (1 retry).
MAX_ATTEMPTS: Final[int] = 2
#: Failure kinds that a later run does not retry when inputs and rules are unchanged: the same
#: file gives the same error again.
STABLE_FAILURE_KINDS: Final[frozenset[str]] = frozenset({"input"})


@dataclass(frozen=True)
class BatchSettings:
    """What, besides the input files, decides a night's results (part of its key).

    Attributes
    ----------
    rules : dict
        ``RuleSet.to_dict()``: the preset name (``name``) and every option value.
    left, right : str or None
        Leg channel labels given for the whole cohort.
    report : bool
        Write each night's ``report.html`` (not part of the key: a night finished with a report
        also serves a run without one).
    software_version : str
    """

    rules: dict[str, Any]
    left: str | None = None
    right: str | None = None
    report: bool = False
    software_version: str = ""

    def digest(self) -> str:
        """SHA-256 of everything that changes results (not ``report``)."""
        payload = {
            "rules": self.rules,
            "left": self.left,
            "right": self.right,
            "software_version": self.software_version,
        }
        return _sha256_text(json.dumps(payload, sort_keys=True, default=str))


@dataclass
class InputStamp:
    """One input file as last seen: path, size, modification time and content hash."""

    path: str
    size: int | None = None
    mtime_ns: int | None = None
    sha256: str | None = None

    def same_stat(self, other: InputStamp) -> bool:
        return (
            self.path == other.path
            and self.size is not None
            and (self.size, self.mtime_ns) == (other.size, other.mtime_ns)
        )


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stat_input(path: str) -> InputStamp:
    """Size and modification time of a file (None for both when it cannot be seen)."""
    try:
        st = os.stat(path)
    except OSError:
        return InputStamp(path)
    if not os.path.isfile(path):
        return InputStamp(path)
    return InputStamp(path, st.st_size, st.st_mtime_ns)


def hash_input(path: str) -> InputStamp:
    """Stat and SHA-256 of a file's content; a file that cannot be read has no hash."""
    stamp = stat_input(path)
    if stamp.size is None:
        return stamp
    try:
        with open(path, "rb") as fh:
            stamp.sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return InputStamp(path)
    return stamp


def night_key(settings_digest: str, stamps: dict[str, InputStamp]) -> str:
    """The key of a night: the settings' digest and each input's role and content hash."""
    parts = {role: s.sha256 for role, s in sorted(stamps.items())}
    return _sha256_text(json.dumps({"settings": settings_digest, "inputs": parts}, sort_keys=True))


@dataclass
class NightRecord:
    """``batch.json`` of a finished night, or ``failed/<folder>.json`` of a failed one."""

    id: str
    folder: str
    status: str
    key: str | None
    settings: str
    inputs: dict[str, InputStamp]
    report: bool = False
    error: str | None = None
    error_kind: str | None = None
    detail: str | None = None
    seconds: float | None = None
    peak_rss_mb: float | None = None
    attempts: int = 1
    worker: str | None = None
    finished_at: str = ""
    software_version: str = ""
    format: int = RECORD_FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=False, default=str) + "\n"

    @classmethod
    def from_json(cls, text: str) -> NightRecord:
        raw = json.loads(text)
        if not isinstance(raw, dict) or raw.get("format") != RECORD_FORMAT:
            raise ValueError("not a night record of this version")
        raw["inputs"] = {k: InputStamp(**v) for k, v in raw.get("inputs", {}).items()}
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.items() if k in known})

    def inputs_unchanged(self, now: dict[str, InputStamp]) -> bool:
        """Whether the same roles point at the same files with the same size and time."""
        if set(now) != set(self.inputs):
            return False
        return all(self.inputs[r].same_stat(s) for r, s in now.items())


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file renamed over it)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


class BatchDir:
    """Paths inside a batch output folder (see the module docstring)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.nights = self.root / "nights"
        self.failed = self.root / "failed"
        self.tmp = self.root / ".tmp"
        self.attempts = self.tmp / "attempts"
        self.logs = self.root / "logs"

    def create(self) -> None:
        for d in (self.nights, self.failed, self.attempts, self.logs):
            d.mkdir(parents=True, exist_ok=True)

    def night_dir(self, folder: str) -> Path:
        return self.nights / folder

    def night_record_path(self, folder: str) -> Path:
        return self.nights / folder / RECORD_NAME

    def failure_path(self, folder: str) -> Path:
        return self.failed / f"{folder}.json"

    def attempts_path(self, folder: str) -> Path:
        return self.attempts / f"{folder}.json"

    # Folders being written: ``.tmp/<folder>~<random>``. "~" never occurs in a folder name
    # (see safe_folder_name), so one night's partial folders are told apart from another's.
    def partial_dir(self, folder: str) -> Path:
        return self.tmp / f"{folder}~{uuid.uuid4().hex[:12]}"

    def clear_partial(self, folder: str | None = None) -> None:
        """Remove half-written folders of one night (or of every night)."""
        import glob
        import shutil

        pattern = f"{glob.escape(folder)}~*" if folder is not None else "*~*"
        for p in self.tmp.glob(pattern):
            shutil.rmtree(p, ignore_errors=True)

    def read_done(self, folder: str) -> NightRecord | None:
        return _read_record(self.night_record_path(folder))

    def read_failure(self, folder: str) -> NightRecord | None:
        return _read_record(self.failure_path(folder))

    def write_failure(self, record: NightRecord) -> None:
        write_text_atomic(self.failure_path(record.folder), record.to_json())

    def clear_failure(self, folder: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.failure_path(folder).unlink()

    # Attempts: a night's task notes each start, so that a night whose worker died (killed, out
    # of memory) is retried once and then recorded as failed, with any back end.
    def register_attempt(self, folder: str, run_id: str) -> int:
        """Note that this process starts the night; return the attempt number in this run."""
        path = self.attempts_path(folder)
        starts: list[dict[str, Any]] = []
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("run") == run_id:
                starts = list(raw.get("starts", []))
        except (OSError, ValueError, AttributeError):
            pass
        starts.append({"worker": worker_name(), "pid": os.getpid(), "started": now_utc()})
        write_text_atomic(path, json.dumps({"run": run_id, "starts": starts}) + "\n")
        return len(starts)

    def attempts_in_run(self, folder: str, run_id: str) -> int:
        try:
            raw = json.loads(self.attempts_path(folder).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        return len(raw.get("starts", [])) if raw.get("run") == run_id else 0

    def clear_attempts(self, folder: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.attempts_path(folder).unlink()


def _read_record(path: Path) -> NightRecord | None:
    try:
        return NightRecord.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        # Missing, half-written by an older version, or edited: the night is simply redone.
        return None


def failure_record(
    spec: NightSpec,
    *,
    settings_digest: str,
    stamps: dict[str, InputStamp],
    key: str | None,
    error: str,
    kind: str,
    detail: str | None = None,
    seconds: float | None = None,
    peak_rss_mb: float | None = None,
    attempts: int = 1,
    worker: str | None = None,
    software_version: str = "",
) -> NightRecord:
    """The record of a failed night."""
    return NightRecord(
        id=spec.id,
        folder=spec.folder,
        status="failed",
        key=key,
        settings=settings_digest,
        inputs=stamps,
        error=error,
        error_kind=kind,
        detail=detail,
        seconds=seconds,
        peak_rss_mb=peak_rss_mb,
        attempts=attempts,
        worker=worker,
        finished_at=now_utc(),
        software_version=software_version,
    )
