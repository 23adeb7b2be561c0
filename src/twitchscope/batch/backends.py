"""Where nights run: a pool of local processes, or a Dask cluster.

Both back ends take tasks lazily and keep at most one night in flight per worker slot, so the
driver never holds more than that (memory stays bounded for any cohort size). A worker that dies
while scoring a night (killed, out of memory, over ``--timeout``) is replaced and the night is
run once more; when it dies again the night is recorded as failed and the run goes on.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import signal
import sys
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from twitchscope.batch.deps import require
from twitchscope.batch.state import MAX_ATTEMPTS, BatchDir, failure_record, stat_input
from twitchscope.batch.task import NightOutcome, NightTask, crash_message, run_night
from twitchscope.errors import InputFileError, ValidationError

log = logging.getLogger("twitchscope.batch")

# Modules every worker needs: imported once in the fork server, shared by all workers.
_PRELOAD = ["twitchscope.batch.task", "twitchscope.api", "twitchscope.outputs"]


class Backend(Protocol):
    """Runs night tasks and yields their outcomes as they finish."""

    name: str

    def run(self, tasks: Iterable[NightTask]) -> Iterator[NightOutcome]: ...

    @property
    def slots(self) -> int: ...


def crash_outcome(task: NightTask, deaths: int, reason: str) -> NightOutcome:
    """Record a night whose worker died ``deaths`` times as failed; return its outcome."""
    message = crash_message(deaths) + (f" (last: {reason})" if reason else "")
    return _failed_outcome(task, message, "crash", attempts=deaths)


def environment_outcome(task: NightTask, message: str) -> NightOutcome:
    """Record a night that the back end could not run (retried by the next run)."""
    return _failed_outcome(task, message, "environment", attempts=1)


def _failed_outcome(task: NightTask, message: str, kind: str, *, attempts: int) -> NightOutcome:
    """Write the night's failure record (no result key: nothing was scored); its outcome."""
    spec = task.spec
    bd = BatchDir(task.out)
    stamps = {role: stat_input(path) for role, path in spec.inputs().items()}
    bd.write_failure(
        failure_record(
            spec,
            settings_digest=task.settings.digest(),
            stamps=stamps,
            key=None,
            error=message,
            kind=kind,
            attempts=attempts,
            software_version=task.settings.software_version,
        )
    )
    bd.clear_attempts(spec.folder)
    return NightOutcome(
        spec.id, spec.folder, "failed", error=message, error_kind=kind, attempt=attempts
    )


# --- local processes -----------------------------------------------------------------------


def _worker_main(conn: multiprocessing.connection.Connection) -> None:
    """A worker process: score the nights the driver sends until it sends None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        outcome = run_night(task)
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            return


#: Thread counts of numeric libraries, read when they load in a new worker process.
_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


@contextlib.contextmanager
def _one_thread_per_worker() -> Iterator[None]:
    """Start worker processes with one thread per numeric library (as Dask does).

    With a worker per core, BLAS threads in every worker fight over the same cores: on this
    project's 2-core machine two workers took 3.4 s per night instead of 1.1-1.4 s. A value the
    user set is kept. The variables are set for the start only; the driver's environment is
    left as it was.
    """
    import os

    added = [v for v in _THREAD_VARIABLES if v not in os.environ]
    for v in added:
        os.environ[v] = "1"
    try:
        yield
    finally:
        for v in added:
            os.environ.pop(v, None)


@dataclass
class _Worker:
    process: Any
    conn: multiprocessing.connection.Connection
    task: NightTask | None = None
    started: float = 0.0


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"{name}" + (", e.g. the out-of-memory killer" if -code == signal.SIGKILL else "")
    return f"exit code {code}"


class LocalPool:
    """A pool of ``workers`` processes on this machine (the default back end).

    Parameters
    ----------
    workers : int
        Processes scoring nights at the same time (default: the number of cores).
    timeout : float, optional
        Seconds one night may take; a worker over it is stopped and the night retried once.
    """

    name = "processes"

    def __init__(self, workers: int, *, timeout: float | None = None) -> None:
        if workers < 1:
            raise ValidationError("--workers", f"must be at least 1, got {workers}")
        if timeout is not None and not timeout > 0:
            raise ValidationError("--timeout", f"must be > 0 s, got {timeout}")
        self.workers = workers
        self.timeout = timeout
        method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        self._ctx: Any = multiprocessing.get_context(method)
        if method == "forkserver":
            self._ctx.set_forkserver_preload(_PRELOAD)

    @property
    def slots(self) -> int:
        return self.workers

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=_worker_main, args=(child,), name="twitchscope-batch-worker", daemon=True
        )
        with _one_thread_per_worker():
            proc.start()
        child.close()
        return _Worker(proc, parent)

    def run(self, tasks: Iterable[NightTask]) -> Iterator[NightOutcome]:
        source = iter(tasks)
        retry: deque[NightTask] = deque()
        deaths: dict[str, int] = {}
        pool: list[_Worker] = []
        lost_idle = 0

        def next_task() -> NightTask | None:
            return retry.popleft() if retry else next(source, None)

        try:
            pending = next_task()
            while True:
                for w in pool + [None] * (self.workers - len(pool)):
                    if pending is None:
                        break
                    if w is None:
                        w = self._start()
                        pool.append(w)
                    if w.task is None:
                        try:
                            w.conn.send(pending)
                        except OSError:
                            # It died while idle (e.g. chosen by the out-of-memory killer): no
                            # night was lost; a new worker takes the night next round.
                            lost_idle += 1
                            if lost_idle > 3 * self.workers + 10:
                                raise RuntimeError(
                                    "batch worker processes die as soon as they start"
                                ) from None
                            w.process.join(1.0)
                            w.conn.close()
                            pool.remove(w)
                            continue
                        w.task, w.started = pending, time.monotonic()
                        pending = next_task()
                busy = [w for w in pool if w.task is not None]
                if not busy:
                    if pending is None:
                        return
                    continue
                waiting: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
                ready = set(multiprocessing.connection.wait(waiting, timeout=1.0))
                for w in busy:
                    task = w.task
                    assert task is not None
                    reason = ""
                    if w.conn in ready:
                        try:
                            outcome = w.conn.recv()
                        except (EOFError, OSError):
                            outcome = None
                        if outcome is not None:
                            w.task = None
                            yield outcome
                            continue
                    if w.process.sentinel in ready or not w.process.is_alive():
                        w.process.join(1.0)
                        reason = _exit_reason(w.process.exitcode)
                    elif self.timeout is not None and time.monotonic() - w.started > self.timeout:
                        w.process.kill()
                        w.process.join(5.0)
                        reason = f"stopped after the --timeout of {self.timeout:g} s"
                    else:
                        continue
                    folder = task.spec.folder
                    deaths[folder] = deaths.get(folder, 0) + 1
                    log.warning(
                        "worker pid %s died while scoring %r (%s)",
                        w.process.pid,
                        task.spec.id,
                        reason,
                    )
                    w.conn.close()
                    pool.remove(w)
                    if deaths[folder] < MAX_ATTEMPTS:
                        retry.append(task)
                        if pending is None:
                            pending = next_task()
                    else:
                        yield crash_outcome(task, deaths[folder], reason)
        finally:
            self._stop(pool)

    @staticmethod
    def _stop(pool: list[_Worker]) -> None:
        for w in pool:
            if w.task is None and w.process.is_alive():
                with contextlib.suppress(OSError):
                    w.conn.send(None)
        deadline = time.monotonic() + 5.0
        for w in pool:
            if w.task is not None:
                w.process.kill()
            w.process.join(max(0.1, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(1.0)
            w.conn.close()


# --- Dask ----------------------------------------------------------------------------------


class DaskBackend:
    """The same work on a ``dask.distributed`` cluster.

    With ``scheduler`` (``tcp://host:8786``), nights go to a running scheduler (started with
    ``dask scheduler`` and ``dask worker ADDRESS --nthreads 1``); every worker must see the input
    and output paths (a shared file system). Without it, a ``LocalCluster`` of ``workers``
    single-threaded processes is started for the run.
    """

    name = "dask"

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        workers: int | None = None,
        wait_for_workers_s: float = 60.0,
        connect_timeout_s: float = 20.0,
    ) -> None:
        require("distributed", "the Dask back end (--dask, --scheduler)")
        self.scheduler = scheduler
        self.workers = workers
        self.wait_for_workers_s = wait_for_workers_s
        self.connect_timeout_s = connect_timeout_s
        self._client: Any = None
        self._cluster: Any = None

    @property
    def slots(self) -> int:
        if self._client is None:
            return self.workers or 1
        return max(1, sum(self._client.nthreads().values()))

    def __enter__(self) -> DaskBackend:
        import dask
        from distributed import Client, LocalCluster

        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout=f"{self.connect_timeout_s}s")
            except (OSError, TimeoutError) as exc:
                raise InputFileError(
                    self.scheduler, f"cannot reach the Dask scheduler ({exc})"
                ) from None
            try:
                self._client.wait_for_workers(1, timeout=self.wait_for_workers_s)
            except TimeoutError:
                self._client.close()
                raise InputFileError(
                    self.scheduler,
                    f"no Dask worker joined the scheduler within {self.wait_for_workers_s:g} s; "
                    f"start some with: dask worker {self.scheduler} --nthreads 1",
                ) from None
        else:
            # When a worker dies the scheduler runs its night again elsewhere; the night's own
            # attempt count (run_night) records it as failed at its third start, so a retry
            # happens once with any scheduler setting of allowed-failures >= 2.
            # Dask sets MALLOC_TRIM_THRESHOLD_ in its workers so that they hand freed memory
            # back at once; that also turns off glibc's adaptive mmap threshold, so each of a
            # night's large arrays is mapped and zero-filled afresh (scoring ran ~35 % slower).
            # A worker here holds one night at a time and reuses its freed memory for the next.
            environ = {
                k: v
                for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
                if k != "MALLOC_TRIM_THRESHOLD_"
            }
            with (
                _sigint_ignored(),
                dask.config.set({"distributed.nanny.pre-spawn-environ": environ}),
            ):
                self._cluster = LocalCluster(
                    n_workers=self.workers or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def run(self, tasks: Iterable[NightTask]) -> Iterator[NightOutcome]:
        from distributed import as_completed

        try:
            from distributed import KilledWorker
        except ImportError:  # pragma: no cover - older distributed
            from distributed.scheduler import KilledWorker

        client = self._client
        if client is None:
            raise RuntimeError("DaskBackend.run outside its 'with' block")
        source = iter(tasks)
        of_future: dict[Any, NightTask] = {}
        resubmits: dict[str, int] = {}

        def submit(task: NightTask) -> Any:
            key = f"twitchscope-night-{task.spec.folder}-{uuid.uuid4().hex[:8]}"
            fut = client.submit(run_night, task, key=key, pure=False)
            of_future[fut] = task
            return fut

        queue = as_completed()
        for task in _take(source, self.slots):
            queue.add(submit(task))
        try:
            for fut in queue:
                task = of_future.pop(fut)
                try:
                    outcome = fut.result()
                except KilledWorker:
                    bd = BatchDir(task.out)
                    deaths = max(
                        bd.attempts_in_run(task.spec.folder, task.run_id),
                        resubmits.get(task.spec.folder, 0) + 1,
                    )
                    log.warning("Dask worker died while scoring %r", task.spec.id)
                    if deaths < MAX_ATTEMPTS:
                        resubmits[task.spec.folder] = deaths
                        queue.add(submit(task))
                        continue
                    outcome = crash_outcome(task, deaths, "Dask KilledWorker")
                except Exception as exc:  # the task could not run there (e.g. not installed)
                    outcome = environment_outcome(
                        task,
                        f"the Dask worker could not run this night: {type(exc).__name__}: {exc}",
                    )
                finally:
                    fut.release()
                yield outcome
                # Keep no more nights in flight than the cluster has worker threads now.
                for nxt in _take(source, self.slots - len(of_future)):
                    queue.add(submit(nxt))
        finally:
            for fut in list(of_future):
                fut.cancel()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Start processes that inherit an ignored SIGINT: Ctrl-C in a terminal reaches the whole
    process group, and only the driver should handle it (it stops the cluster in order)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _take(source: Iterator[NightTask], n: int) -> list[NightTask]:
    out: list[NightTask] = []
    while len(out) < n:
        t = next(source, None)
        if t is None:
            break
        out.append(t)
    return out


def default_workers() -> int:
    """Worker processes by default: the cores this process may use."""
    from twitchscope._threads import usable_cores

    return usable_cores()
