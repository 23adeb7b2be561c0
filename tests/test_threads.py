"""twitchscope._threads: jobs on threads give what the same jobs one after the other give."""

from __future__ import annotations

import threading
import time

import pytest

from twitchscope._threads import THREADS_ENV, Background, run_all, thread_count


def test_results_come_in_the_order_given() -> None:
    def job(i: int) -> tuple[int, str]:
        time.sleep(0.01 * (5 - i))  # later jobs finish first
        return i, threading.current_thread().name

    out = run_all([lambda i=i: job(i) for i in range(5)], threads=3)
    assert [i for i, _ in out] == [0, 1, 2, 3, 4]
    assert len({name for _, name in out}) > 1  # the work really was shared


def test_first_failing_job_in_order_is_raised_after_all_finished() -> None:
    finished: list[int] = []

    def job(i: int) -> int:
        time.sleep(0.02 if i == 0 else 0.0)
        finished.append(i)
        if i in (0, 2):
            raise ValueError(f"job {i}")
        return i

    with pytest.raises(ValueError, match="job 0"):
        run_all([lambda i=i: job(i) for i in range(4)], threads=2)
    assert sorted(finished) == [0, 1, 2, 3]


def test_one_thread_runs_in_the_caller() -> None:
    names = run_all([lambda: threading.current_thread().name] * 3, threads=1)
    assert names == [threading.current_thread().name] * 3


def test_thread_count_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(THREADS_ENV, "1")
    assert thread_count() == 1
    monkeypatch.setenv(THREADS_ENV, "3")
    assert thread_count() == 3
    monkeypatch.setenv(THREADS_ENV, "zero")  # not a count: the default
    assert thread_count() in (1, 2)


def test_background_returns_or_raises_in_the_asking_thread() -> None:
    assert Background(lambda: 41 + 1).result() == 42

    def fail() -> None:
        raise KeyError("missing")

    job = Background(fail)
    with pytest.raises(KeyError, match="missing"):
        job.result()
    assert job.done()


def test_switch_interval_is_put_back_by_the_last_user_only() -> None:
    """Two threads holding the fast switch interval over overlapping spans (a pipeline's reading
    and detection) leave it fast until both are done, then put back what it was."""
    import sys

    from twitchscope._threads import SWITCH_INTERVAL_S, fast_switching

    before = sys.getswitchinterval()
    first_in, first_out = threading.Event(), threading.Event()
    seen: list[float] = []

    def first() -> None:
        with fast_switching():
            first_in.set()
            first_out.wait(10)

    t = threading.Thread(target=first)
    t.start()
    first_in.wait(10)
    with fast_switching():
        first_out.set()
        t.join()  # the first user has left; this one is still inside
        seen.append(sys.getswitchinterval())
    assert seen == [pytest.approx(min(before, SWITCH_INTERVAL_S))]  # kept in microseconds
    assert sys.getswitchinterval() == before


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_setaffinity"), reason="Linux only")
def test_thread_count_follows_the_cores_the_process_may_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under ``taskset -c 0`` (or a one-core container) a run uses one thread, not two."""
    import subprocess
    import sys

    monkeypatch.delenv(THREADS_ENV, raising=False)
    code = (
        "import os; os.sched_setaffinity(0, {0}); "
        "from twitchscope._threads import thread_count; print(thread_count())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"
