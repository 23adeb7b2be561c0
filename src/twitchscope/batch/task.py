"""The work of one night, run inside a worker process (local pool or Dask worker).

Only paths and settings travel to the worker: the task opens its night itself, writes its
results itself into a temporary folder in ``DIR/.tmp/`` and renames it to ``DIR/nights/<id>/``
when complete, so a night is either wholly there or not at all. Every error becomes a failed
:class:`NightOutcome` (and ``DIR/failed/<id>.json``), never an exception out of the task.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twitchscope.batch.spec import NightSpec
from twitchscope.batch.state import (
    MAX_ATTEMPTS,
    BatchDir,
    BatchSettings,
    InputStamp,
    NightRecord,
    failure_record,
    hash_input,
    night_key,
    now_utc,
    worker_name,
    write_text_atomic,
)
from twitchscope.errors import MissingDependencyError, TwitchscopeError


@dataclass(frozen=True)
class NightTask:
    """Everything a worker needs to score one night (small: paths and options only)."""

    spec: NightSpec
    out: str
    settings: BatchSettings
    run_id: str


@dataclass(frozen=True)
class NightOutcome:
    """What became of one night: ``status`` is ``done``, ``unchanged`` or ``failed``."""

    id: str
    folder: str
    status: str
    error: str | None = None
    error_kind: str | None = None
    detail: str | None = None
    seconds: float = 0.0
    peak_rss_mb: float | None = None
    worker: str = ""
    attempt: int = 1


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return float(peak) / (1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0)


def classify(exc: BaseException) -> tuple[str, str]:
    """``(kind, message)`` of an error: ``input``, ``environment``, ``memory`` or ``internal``.

    Input errors carry the project's message (file and problem named); they recur as long as
    the files do not change, so a later run does not retry them. The other kinds are retried.
    """
    if isinstance(exc, MissingDependencyError):
        return "environment", str(exc)
    if isinstance(exc, TwitchscopeError):
        return "input", str(exc)
    if isinstance(exc, MemoryError):
        return "memory", "out of memory while scoring this night"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return "environment", f"{where}{exc.strerror or exc}"
    return "internal", f"internal error: {type(exc).__name__}: {exc}"


def _annotation_roles(path: str) -> dict[str, str]:
    """An annotation file found beside a recording: its stages and events, or events only."""
    from twitchscope.io.annotations import read_annotations

    ann = read_annotations(Path(path))
    return {"hypnogram": path} if ann.hypnogram is not None else {"events": path}


def score_night(spec: NightSpec, out_dir: Path, settings: BatchSettings) -> None:
    """Score one night and write the ``score`` output contract into ``out_dir``.

    The same function as ``twitchscope score`` (:func:`twitchscope.score_to_dir`); an annotation
    file found beside the recording gives the stages when it holds them, else the events.
    """
    from twitchscope.api import score_to_dir
    from twitchscope.scoring.rules import RuleSet

    # JSON turned the rule set's tuples into lists; the rule set checks every value again.
    options: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in settings.rules.items()
    }
    rules = RuleSet(**options)
    roles: dict[str, Any] = {
        "hypnogram": spec.hypnogram,
        "events": spec.events,
        "movements": spec.movements,
    }
    if spec.annotations:
        for role, path in _annotation_roles(spec.annotations).items():
            if roles[role] is None:
                roles[role] = path
    score_to_dir(
        spec.recording,
        out_dir,
        hypnogram=roles["hypnogram"],
        events=roles["events"],
        movements=roles["movements"],
        rules=rules,
        left=settings.left,
        right=settings.right,
        report=settings.report,
    )


def run_night(task: NightTask) -> NightOutcome:
    """Score one night into ``DIR/nights/<folder>/`` unless it is already finished.

    Never raises for a problem of the night: the outcome says ``failed`` with the message,
    and ``DIR/failed/<folder>.json`` keeps it.
    """
    t0 = time.perf_counter()
    spec, settings = task.spec, task.settings
    bd = BatchDir(task.out)
    attempt = bd.register_attempt(spec.folder, task.run_id)
    digest = settings.digest()
    stamps: dict[str, InputStamp] = {}
    key: str | None = None

    def failed(kind: str, message: str, detail: str | None = None) -> NightOutcome:
        seconds = time.perf_counter() - t0
        bd.write_failure(
            failure_record(
                spec,
                settings_digest=digest,
                stamps=stamps,
                key=key,
                error=message,
                kind=kind,
                detail=detail,
                seconds=seconds,
                peak_rss_mb=peak_rss_mb(),
                attempts=attempt,
                worker=worker_name(),
                software_version=settings.software_version,
            )
        )
        bd.clear_attempts(spec.folder)
        return NightOutcome(
            spec.id,
            spec.folder,
            "failed",
            error=message,
            error_kind=kind,
            detail=detail,
            seconds=seconds,
            peak_rss_mb=peak_rss_mb(),
            worker=worker_name(),
            attempt=attempt,
        )

    if attempt > MAX_ATTEMPTS:
        return failed("crash", crash_message(attempt - 1))
    tmp: Path | None = None
    try:
        stamps = {role: hash_input(path) for role, path in spec.inputs().items()}
        key = night_key(digest, stamps)
        done = bd.read_done(spec.folder)
        if done is not None and done.key == key and (done.report or not settings.report):
            # Same content under a new size/time stamp (copied, touched): keep the results.
            done.inputs = stamps
            write_text_atomic(bd.night_record_path(spec.folder), done.to_json())
            bd.clear_failure(spec.folder)
            bd.clear_attempts(spec.folder)
            return NightOutcome(
                spec.id,
                spec.folder,
                "unchanged",
                seconds=time.perf_counter() - t0,
                peak_rss_mb=peak_rss_mb(),
                worker=worker_name(),
                attempt=attempt,
            )
        bd.clear_partial(spec.folder)  # what an earlier attempt killed mid-night left
        tmp = bd.partial_dir(spec.folder)
        tmp.mkdir(parents=True)
        score_night(spec, tmp, settings)
        seconds = time.perf_counter() - t0
        record = NightRecord(
            id=spec.id,
            folder=spec.folder,
            status="done",
            key=key,
            settings=digest,
            inputs=stamps,
            report=settings.report,
            seconds=seconds,
            peak_rss_mb=peak_rss_mb(),
            attempts=attempt,
            worker=worker_name(),
            finished_at=now_utc(),
            software_version=settings.software_version,
        )
        (tmp / "batch.json").write_text(record.to_json(), encoding="utf-8")
        _move_into_place(tmp, bd.night_dir(spec.folder), bd.tmp)
        tmp = None
        bd.clear_failure(spec.folder)
        bd.clear_attempts(spec.folder)
        return NightOutcome(
            spec.id,
            spec.folder,
            "done",
            seconds=seconds,
            peak_rss_mb=record.peak_rss_mb,
            worker=record.worker or "",
            attempt=attempt,
        )
    except Exception as exc:
        kind, message = classify(exc)
        detail = traceback.format_exc() if kind in ("internal", "environment") else None
        return failed(kind, message, detail)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def crash_message(deaths: int) -> str:
    """The error of a night whose worker process died while scoring it."""
    return (
        f"the worker process died {deaths} time(s) while scoring this night (killed, or out of "
        "memory); it was retried once and is recorded as failed"
    )


def _move_into_place(tmp: Path, final: Path, trash_dir: Path) -> None:
    """Rename the complete folder ``tmp`` to ``final``, replacing an older one."""
    old: Path | None = None
    if final.exists():
        old = trash_dir / f"{final.name}~old~{uuid.uuid4().hex[:12]}"
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
