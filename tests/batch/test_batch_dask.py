"""The same cohort on real Dask workers: a LocalCluster, and Dask's own scheduler and worker."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from twitchscope.batch import run_batch

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

INDICES = ["plms_index", "plmw_index", "lm_index", "plms_count", "periodicity_index"]


def test_local_cluster_gives_the_pool_results_and_survives_a_killed_worker(
    cohort: Path, tmp_path: Path, killer
) -> None:
    pool = run_batch(cohort, tmp_path / "pool", workers=2)
    with killer(tmp_path / "dask", "night0", 1) as k:
        run = run_batch(cohort, tmp_path / "dask", workers=2, dask=True)
    assert len(k.killed) == 1
    assert run.backend == "dask" and (run.done, run.failed) == (3, 1)
    a = pool.nights.set_index("id").sort_index()  # type: ignore[union-attr]
    b = run.nights.set_index("id").sort_index()  # type: ignore[union-attr]
    pd.testing.assert_frame_equal(a[INDICES], b[INDICES])
    assert b.loc["night0", "attempts"] == 2
    assert b.loc["broken", "status"] == "failed"
    assert list(b["status"]) == list(a["status"])
    # Resuming with the other back end finds everything finished.
    assert run_batch(cohort, tmp_path / "dask", workers=1).ran == 0


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """``dask scheduler`` and one ``dask worker`` (one thread), started as a user would."""
    dask_cli = Path(sys.executable).with_name("dask")
    info = tmp_path / "scheduler.json"
    common = ["--no-dashboard"]
    where = ["--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(info)]
    scheduler = subprocess.Popen(
        [dask_cli, "scheduler", *where, *common],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        worker = subprocess.Popen(
            [dask_cli, "worker", address, "--nthreads", "1", "--nworkers", "1", *common],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        yield address
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


def test_dask_scheduler_and_worker_commands(
    cohort: Path, tmp_path: Path, dask_cluster: str, killer
) -> None:
    out = tmp_path / "out"
    with killer(out, "night2", 2) as k:
        run = run_batch(cohort, out, scheduler=dask_cluster)
    assert len(k.killed) == 2
    assert run.workers == 1
    nights = run.nights.set_index("id")  # type: ignore[union-attr]
    assert nights.loc["night2", "status"] == "failed"
    assert nights.loc["night2", "error_kind"] == "crash"
    assert list(nights.loc[["night0", "night1"], "status"]) == ["done", "done"]
    assert nights.loc["broken", "error_kind"] == "input"


def test_unreachable_scheduler_is_a_clear_error() -> None:
    from twitchscope.batch.backends import DaskBackend
    from twitchscope.errors import InputFileError

    backend = DaskBackend(scheduler="tcp://127.0.0.1:9", connect_timeout_s=1)
    with pytest.raises(InputFileError, match=r"tcp://127.0.0.1:9: cannot reach the Dask sched"):
        backend.__enter__()
