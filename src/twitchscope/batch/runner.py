"""``run_batch``: score a cohort, resumably, on local processes or a Dask cluster."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twitchscope.batch.discover import Discovery, discover
from twitchscope.batch.spec import NightSpec
from twitchscope.batch.state import (
    STABLE_FAILURE_KINDS,
    BatchDir,
    BatchSettings,
    failure_record,
    stat_input,
)
from twitchscope.batch.task import NightOutcome, NightTask
from twitchscope.errors import InputFileError, ValidationError

if TYPE_CHECKING:
    import pandas as pd

    from twitchscope.batch.backends import Backend
    from twitchscope.batch.tables import TablePaths
    from twitchscope.scoring.rules import RuleSet

log = logging.getLogger("twitchscope.batch")


@dataclass(frozen=True)
class BatchProgress:
    """Where a run stands; passed to the ``progress`` callback after every night.

    ``done`` and ``failed`` count every night of the cohort with that status so far, including
    ``skipped`` ones finished by an earlier run; ``rate_per_h`` and ``eta_s`` are from the nights
    scored in this run.
    """

    total: int
    done: int
    failed: int
    skipped: int
    to_run: int
    ran: int
    elapsed_s: float
    rate_per_h: float | None
    eta_s: float | None
    last: NightOutcome | None = None


@dataclass
class BatchRun:
    """What a run did; the tables and the report are in ``out``."""

    out: Path
    layout: str
    backend: str
    workers: int
    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0
    ran: int = 0
    elapsed_s: float = 0.0
    interrupted: bool = False
    tables: TablePaths | None = None
    report: Path | None = None
    log_file: Path | None = None
    warnings: list[str] = field(default_factory=list)
    nights: pd.DataFrame | None = None


class _SafeFormatter(logging.Formatter):
    """Log lines that text from files cannot forge: control characters are escaped and every
    continuation line is indented (each real entry starts with its time stamp)."""

    _CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        text = self._CTRL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
        return text.replace("\n", "\n    ")


def _settings(
    rules: str | RuleSet, rule_options: Mapping[str, Any] | None, left: str | None,
    right: str | None, report: bool,
) -> BatchSettings:  # fmt: skip
    from twitchscope import __version__
    from twitchscope.scoring.rules import get_rules

    rs = get_rules(rules, **dict(rule_options or {}))
    return BatchSettings(
        rules=rs.to_dict(), left=left, right=right, report=report, software_version=__version__
    )


@contextlib.contextmanager
def _lock(bd: BatchDir) -> Iterator[None]:
    """One run at a time per output folder."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path = bd.root / ".lock"
    fh = path.open("a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputFileError(
                bd.root, "another batch run is writing to this folder; wait for it to finish"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield
    finally:
        fh.close()


def _clean_tmp(bd: BatchDir) -> None:
    """Remove what stopped runs left half written (the lock says no run is writing now)."""
    if not bd.tmp.is_dir():
        return
    for entry in bd.tmp.iterdir():
        if entry == bd.attempts:
            for f in entry.iterdir():
                with contextlib.suppress(OSError):
                    f.unlink()
        elif entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()


def _plan(
    nights: list[NightSpec], bd: BatchDir, settings: BatchSettings, retry_failed: bool
) -> tuple[dict[str, str], list[NightSpec], list[NightSpec]]:
    """Status of nights already finished, nights to run, and nights that cannot run as found."""
    digest = settings.digest()
    status: dict[str, str] = {}
    to_run: list[NightSpec] = []
    unrunnable: list[NightSpec] = []
    for spec in nights:
        if spec.problem:
            unrunnable.append(spec)
            continue
        stamps = {role: stat_input(path) for role, path in spec.inputs().items()}
        failure = bd.read_failure(spec.folder)
        if failure is not None:
            if (
                not retry_failed
                and failure.error_kind in STABLE_FAILURE_KINDS
                and failure.settings == digest
                and failure.inputs_unchanged(stamps)
            ):
                status[spec.folder] = "failed"
            else:
                to_run.append(spec)
            continue
        done = bd.read_done(spec.folder)
        if (
            done is not None
            and done.settings == digest
            and done.inputs_unchanged(stamps)
            and (done.report or not settings.report)
        ):
            status[spec.folder] = "done"
        else:
            to_run.append(spec)
    return status, to_run, unrunnable


def run_batch(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    dask: bool = False,
    rules: str | RuleSet = "wasm2016",
    rule_options: Mapping[str, Any] | None = None,
    left: str | None = None,
    right: str | None = None,
    night_reports: bool = False,
    layout: str = "auto",
    retry_failed: bool = False,
    timeout: float | None = None,
    cohort_report: bool = True,
    progress: Callable[[BatchProgress], None] | None = None,
    on_discovered: Callable[[Discovery], None] | None = None,
) -> BatchRun:
    """Score every night of a cohort into ``out``; running it again resumes.

    Parameters
    ----------
    source : path-like
        A folder (NSRR, BIDS or plain layout, see :mod:`twitchscope.batch.discover`) or a
        CSV/TSV manifest.
    out : path-like
        The output folder (see :mod:`twitchscope.batch.state` for what goes where).
    workers : int, optional
        Nights scored at once: processes of the local pool or of the Dask ``LocalCluster``
        (default: the number of cores). Ignored with ``scheduler``.
    scheduler : str, optional
        Address of a running ``dask.distributed`` scheduler (``tcp://host:8786``).
    dask : bool
        Use a Dask ``LocalCluster`` of ``workers`` processes instead of the local pool.
    rules, rule_options
        The rule preset (or a RuleSet) and option overrides, as in ``twitchscope score``.
    left, right : str, optional
        Leg channel labels for every night.
    night_reports : bool
        Also write each night's ``report.html`` (about half a second per night; off by default).
    layout : str
        ``"auto"``, ``"manifest"``, ``"nsrr"``, ``"bids"`` or ``"edf"``.
    retry_failed : bool
        Run again nights that failed on bad input in an earlier run although nothing changed
        (nights whose worker died or that hit an internal error are always retried).
    timeout : float, optional
        Seconds one night may take on the local pool before its worker is stopped.
    cohort_report : bool
        Write ``report.html`` for the cohort.
    progress : callable, optional
        Called with a :class:`BatchProgress` after planning and after every night.
    on_discovered : callable, optional
        Called with the :class:`~twitchscope.batch.discover.Discovery` before any work.

    Returns
    -------
    BatchRun
        Counts, paths and the nights table. A run stopped by Ctrl-C returns with
        ``interrupted=True`` after writing the tables of the nights finished so far.

    Raises
    ------
    TwitchscopeError
        Bad input that stops the whole run (no recordings, a malformed manifest, duplicate ids,
        unknown rules, an unreachable scheduler, a missing optional package). A bad night never
        raises: it becomes a failed row.
    """
    from twitchscope.batch.backends import DaskBackend, LocalPool, default_workers
    from twitchscope.batch.deps import require

    # Check the optional packages before hours of work, not when the tables are written.
    require("pyarrow", "the cohort tables (nights.parquet, movements.parquet)")
    if dask or scheduler:
        require("distributed", "the Dask back end (--dask, --scheduler)")
    if workers is not None and workers < 1:
        raise ValidationError("--workers", f"must be at least 1, got {workers}")
    if timeout is not None and (dask or scheduler):
        raise ValidationError("--timeout", "applies to the local process pool only")
    settings = _settings(rules, rule_options, left, right, night_reports)
    bd = BatchDir(Path(out).expanduser())
    if bd.root.exists() and not bd.root.is_dir():
        raise InputFileError(bd.root, "exists and is not a folder")
    try:
        bd.create()
    except OSError as exc:
        raise InputFileError(bd.root, f"cannot create the output folder ({exc.strerror})") from None
    t_start = time.perf_counter()
    run_id = uuid.uuid4().hex
    with _lock(bd):
        _clean_tmp(bd)
        bd.create()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        log_file = bd.logs / f"batch-{stamp}-{run_id[:6]}.log"
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(_SafeFormatter("%(asctime)s %(levelname)s %(message)s"))
        previous_level = log.level
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        try:
            found = discover(source, layout=layout, exclude=[bd.root])
            n_workers = workers or default_workers()
            backend_name = "dask" if (dask or scheduler) else "processes"
            run = BatchRun(
                out=bd.root,
                layout=found.layout,
                backend=backend_name,
                workers=n_workers,
                total=len(found.nights),
                log_file=log_file,
                warnings=list(found.warnings),
            )
            log.info(
                "run %s: %d nights from %r (layout %s)",
                run_id,
                run.total,
                str(found.source),
                found.layout,
            )
            log.info(
                "twitchscope %s; rules %s, left %r, right %r, night reports %s, back end %s%s",
                settings.software_version,
                settings.rules.get("name"),
                left,
                right,
                night_reports,
                backend_name,
                f" at {scheduler!r}" if scheduler else f" with {n_workers} worker(s)",
            )
            for w in found.warnings:
                log.warning("%s", w)
            if on_discovered is not None:
                on_discovered(found)
            status, to_run, unrunnable = _plan(found.nights, bd, settings, retry_failed)
            run.skipped = len(status)
            for spec in unrunnable:
                _record_unrunnable(spec, bd, settings)
                status[spec.folder] = "failed"
                log.error("%r: %s", spec.id, spec.problem)
            log.info(
                "%d finished by an earlier run, %d to score, %d cannot run as found",
                run.skipped,
                len(to_run),
                len(unrunnable),
            )
            if to_run and backend_name == "processes":
                backend: Backend = LocalPool(min(n_workers, len(to_run)), timeout=timeout)
                run.interrupted = _execute(
                    backend, to_run, bd, settings, run_id, status, run, progress, t_start
                )
            elif to_run:
                with DaskBackend(
                    scheduler=scheduler, workers=None if scheduler else min(n_workers, len(to_run))
                ) as dask_backend:
                    run.workers = dask_backend.slots
                    run.interrupted = _execute(
                        dask_backend, to_run, bd, settings, run_id, status, run, progress, t_start
                    )
            else:
                _report_progress(progress, run, status, 0, t_start, None)
            if not run.interrupted:
                bd.clear_partial()  # left by workers killed mid-night (their nights were redone)
            else:
                # A worker may have put a night in place whose outcome Ctrl-C kept from the
                # driver: count it now, as the next run will, so the tables match the folders.
                late, _, _ = _plan(
                    [s for s in to_run if s.folder not in status], bd, settings, retry_failed
                )
                status.update(late)
                run.ran += len(late)
            finished = [(s, status[s.folder]) for s in found.nights if s.folder in status]
            run.done = sum(1 for _, st in finished if st == "done")
            run.failed = sum(1 for _, st in finished if st == "failed")
            from twitchscope.batch.tables import write_tables

            run.tables, run.nights = write_tables(finished, bd)
            run.elapsed_s = time.perf_counter() - t_start
            if cohort_report:
                from twitchscope.batch.report import write_cohort_report

                run.report = write_cohort_report(run, bd.root / "report.html")
            log.info(
                "%s: %d done, %d failed, %d skipped (finished before), %d scored now, %.1f s",
                "interrupted" if run.interrupted else "finished",
                run.done,
                run.failed,
                run.skipped,
                run.ran,
                run.elapsed_s,
            )
            return run
        except Exception:
            log.exception("the run stopped on an error")
            raise
        finally:
            log.removeHandler(handler)
            log.setLevel(previous_level)
            handler.close()


def _record_unrunnable(spec: NightSpec, bd: BatchDir, settings: BatchSettings) -> None:
    stamps = {role: stat_input(path) for role, path in spec.inputs().items()}
    bd.write_failure(
        failure_record(
            spec,
            settings_digest=settings.digest(),
            stamps=stamps,
            key=None,
            error=f"{spec.recording}: {spec.problem}",
            kind="layout",
            software_version=settings.software_version,
        )
    )


def _report_progress(
    progress: Callable[[BatchProgress], None] | None,
    run: BatchRun,
    status: dict[str, str],
    to_run: int,
    t_start: float,
    last: NightOutcome | None,
) -> None:
    if progress is None:
        return
    elapsed = time.perf_counter() - t_start
    rate = run.ran / elapsed * 3600.0 if run.ran and elapsed > 0 else None
    left_to_run = max(0, to_run - run.ran)
    eta = left_to_run / rate * 3600.0 if rate else None
    values = list(status.values())
    progress(
        BatchProgress(
            total=run.total,
            done=values.count("done"),
            failed=values.count("failed"),
            skipped=run.skipped,
            to_run=to_run,
            ran=run.ran,
            elapsed_s=elapsed,
            rate_per_h=rate,
            eta_s=eta,
            last=last,
        )
    )


def _execute(
    backend: Backend,
    to_run: list[NightSpec],
    bd: BatchDir,
    settings: BatchSettings,
    run_id: str,
    status: dict[str, str],
    run: BatchRun,
    progress: Callable[[BatchProgress], None] | None,
    t_start: float,
) -> bool:
    """Run the nights on ``backend``; return True when stopped by Ctrl-C."""
    out = str(bd.root.resolve())
    tasks = (NightTask(spec, out, settings, run_id) for spec in to_run)
    by_folder = {s.folder: s for s in to_run}
    _report_progress(progress, run, status, len(to_run), t_start, None)
    outcomes = backend.run(tasks)
    try:
        for outcome in outcomes:
            run.ran += 1
            status[outcome.folder] = "failed" if outcome.status == "failed" else "done"
            spec = by_folder.get(outcome.folder)
            if outcome.status == "failed":
                log.error(
                    "%r failed (%s, attempt %d, %.2f s): %s",
                    outcome.id,
                    outcome.error_kind,
                    outcome.attempt,
                    outcome.seconds,
                    outcome.error,
                )
                if outcome.detail:
                    log.error("%s", outcome.detail.rstrip())
            else:
                log.info(
                    "%r %s in %.2f s (peak RSS %.0f MB, %s, attempt %d) from %r",
                    outcome.id,
                    "scored" if outcome.status == "done" else "unchanged (same content)",
                    outcome.seconds,
                    outcome.peak_rss_mb or float("nan"),
                    outcome.worker,
                    outcome.attempt,
                    spec.recording if spec else "",
                )
            _report_progress(progress, run, status, len(to_run), t_start, outcome)
    except KeyboardInterrupt:
        log.warning("interrupted by the user; run the same command again to resume")
        return True
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
    return False
