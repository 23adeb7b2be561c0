"""Small simulated cohorts for the batch tests (real EDF+ files written by the simulator)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

#: Short nights keep the suite fast; each is a real EDF+ with stages and events embedded.
NIGHT_HOURS = 0.25
SCENARIOS = ("rls", "healthy", "osa")


@pytest.fixture(scope="session")
def night_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three simulated nights (written once per session), by name."""
    from twitchscope.simulate import simulate_night

    d = tmp_path_factory.mktemp("simulated")
    out = {}
    for i, scenario in enumerate(SCENARIOS):
        path = d / f"night{i}.edf"
        simulate_night(scenario, seed=100 + i, duration_h=NIGHT_HOURS).write(path)
        out[f"night{i}"] = path
    return out


def write_corrupt(path: Path) -> Path:
    """A file with an EDF version field and garbage after it."""
    path.write_bytes(b"0       " + b"not an EDF header " * 20)
    return path


@pytest.fixture
def cohort(tmp_path: Path, night_files: dict[str, Path]) -> Path:
    """A folder of three good nights (no truth files beside them) and one corrupt file."""
    d = tmp_path / "cohort"
    d.mkdir()
    for name, src in night_files.items():
        shutil.copy2(src, d / f"{name}.edf")
    write_corrupt(d / "broken.edf")
    return d


class Killer:
    """Kills the worker process scoring a given night, ``times`` times (SIGKILL), mid-night.

    The worker notes each start in ``OUT/.tmp/attempts/<folder>.json`` with its pid (that file is
    how a night is retried once and then recorded as failed) and writes the night's files into
    ``OUT/.tmp/<folder>~<random>/`` before renaming it; this kills the worker once such a
    folder appears (mid-scoring, with files half written), from a thread.
    """

    def __init__(self, out: Path, folder: str, times: int) -> None:
        self.attempts = out / ".tmp" / "attempts" / f"{folder}.json"
        self.tmp = out / ".tmp"
        self.folder = folder
        self.times = times
        self.killed: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        seen: set[str] = set()
        while not self._stop.is_set() and len(self.killed) < self.times:
            partial = {p.name for p in self.tmp.glob(f"{self.folder}~*")} - seen
            if not partial:
                time.sleep(0.002)
                continue
            try:
                pid = int(json.loads(self.attempts.read_text())["starts"][-1]["pid"])
            except (OSError, ValueError, KeyError):
                continue
            seen |= partial
            try:
                os.kill(pid, signal.SIGKILL)
                self.killed.append(pid)
            except ProcessLookupError:
                pass

    def __enter__(self) -> Killer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


@pytest.fixture
def killer() -> Callable[[Path, str, int], Killer]:
    return Killer


@pytest.fixture
def no_stray_processes() -> Iterator[None]:
    """The runner leaves no worker process behind."""
    import multiprocessing

    yield
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = [p for p in multiprocessing.active_children() if "twitchscope" in p.name]
        if not left:
            return
        time.sleep(0.1)
    raise AssertionError(f"worker processes left running: {left}")
