"""Running a few independent jobs at once: the two legs, the blocks of a file.

numpy releases the GIL in its heavy loops (casting, arithmetic, reductions, matrix products), so
plain threads run the decoding and detection of the two legs on two cores. Results and errors
come back in the order the jobs were given, so a run with threads says exactly what the same run
without them says (the same tables, the same warnings in the same order, the first job's error
first).

``TWITCHSCOPE_THREADS`` (an integer >= 1) sets how many threads a run uses; by default
:func:`thread_count` is 2 on a machine with at least two cores (two legs), else 1. A batch
runner that already runs one night per core can set it to 1.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final, Generic, TypeVar

T = TypeVar("T")

#: Environment variable that sets the number of threads (1 runs everything in the caller).
THREADS_ENV: Final = "TWITCHSCOPE_THREADS"
#: Threads used by default: one per leg.
DEFAULT_THREADS: Final = 2
#: GIL switch interval (s) while threads run: a thread coming back from a numpy call waits at
#: most this long for a thread running Python code (the default, 5 ms, would make a thread that
#: makes many short numpy calls wait far longer than it computes). On the 8 h benchmark night
#: (``score``, median of 10 interleaved runs) 0.1 ms took 0.95 s against 1.05 s at 0.5 ms, while
#: the main thread imports pandas beside the legs' detection; 0.05 ms gained nothing more.
SWITCH_INTERVAL_S: Final = 0.0001

#: Variables that keep the BLAS/OpenMP libraries on one thread (we run our own threads).
ONE_THREAD_ENV: Final = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def thread_count() -> int:
    """Threads a run may use: ``TWITCHSCOPE_THREADS`` when set, else 2 (1 on a single core).

    The cores counted are those this process may run on (``taskset``, a container's CPU set),
    not all the machine's: threads on one core only take turns.
    """
    text = os.environ.get(THREADS_ENV, "").strip()
    if text.isdigit() and int(text) >= 1:
        return int(text)
    return min(DEFAULT_THREADS, usable_cores())


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def single_threaded_blas() -> None:
    """Keep BLAS and OpenMP on one thread unless the user chose otherwise.

    Effective only before numpy is imported (the libraries read the variables when they load);
    the command line calls it first thing. The small matrix products of the filters gain nothing
    from BLAS threads, and on a busy machine those threads spin for their share of a core: a run
    took 2.2 s of CPU in detection with them and 0.5 s without.
    """
    for name in ONE_THREAD_ENV:
        os.environ.setdefault(name, "1")


@contextmanager
def blas_one_thread() -> Iterator[None]:
    """Hold BLAS at one thread while our own threads run (threadpoolctl, when installed).

    A no-op when ``OPENBLAS_NUM_THREADS`` is already 1 (the command line sets it) or when
    threadpoolctl is missing.
    """
    if os.environ.get("OPENBLAS_NUM_THREADS") == "1" or "numpy" not in sys.modules:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


_switching_lock = threading.Lock()
_switching_users = 0
_switching_before = 0.0


@contextmanager
def fast_switching() -> Iterator[None]:
    """Hold the GIL switch interval at :data:`SWITCH_INTERVAL_S` while inside (nestable).

    The interval is process-wide: it is set when the first user enters and put back when the
    last one leaves, so threads that enter and leave at different times (a pipeline's reading
    and detection) never put it back under each other.
    """
    global _switching_users, _switching_before
    with _switching_lock:
        if _switching_users == 0:
            _switching_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_switching_before, SWITCH_INTERVAL_S))
        _switching_users += 1
    try:
        yield
    finally:
        with _switching_lock:
            _switching_users -= 1
            if _switching_users == 0:
                sys.setswitchinterval(_switching_before)


def run_all(jobs: Sequence[Callable[[], T]], threads: int | None = None) -> list[T]:
    """Run ``jobs`` (callables without arguments), at most ``threads`` at a time.

    Returns their results in the order given. When jobs raise, the exception of the first
    failing job in that order is raised (after every job has finished), as a serial run would.
    With one thread, or one job, everything runs in the calling thread.
    """
    n = thread_count() if threads is None else max(1, threads)
    if n == 1 or len(jobs) <= 1:
        return [job() for job in jobs]
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException | None] = [None] * len(jobs)
    lock = threading.Lock()
    pending = iter(range(len(jobs)))

    def worker() -> None:
        while True:
            with lock:
                i = next(pending, None)
            if i is None:
                return
            try:
                results[i] = jobs[i]()
            except BaseException as exc:
                errors[i] = exc

    with fast_switching(), blas_one_thread():
        count = min(n, len(jobs)) - 1
        helpers = [threading.Thread(target=worker, daemon=True) for _ in range(count)]
        for t in helpers:
            t.start()
        worker()  # the calling thread takes jobs too
        for t in helpers:
            t.join()
    for exc in errors:
        if exc is not None:
            raise exc
    return results


class Background(Generic[T]):
    """A job started on its own (daemon) thread; :meth:`result` waits for it.

    The job's exception, if any, is raised by :meth:`result` in the thread that asks.
    """

    def __init__(self, job: Callable[[], T], name: str = "twitchscope") -> None:
        self._job = job
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with fast_switching():
                self._value = self._job()
        except BaseException as exc:
            self._error = exc
        finally:
            del self._job

    def done(self) -> bool:
        """Whether the job has finished (returned or raised)."""
        return not self._thread.is_alive()

    def result(self) -> T:
        """Wait for the job; return its value or raise its exception."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
