"""The console-script entry point: set-up for short commands, left alone for long ones."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

from twitchscope.cli import LONG_RUNNING_COMMANDS, _command_name


def test_long_running_commands_keep_the_collector_defaults() -> None:
    # a server or a cohort's driver runs for hours: it keeps the default collection thresholds
    assert _command_name(["serve", "--port", "8000"]) in LONG_RUNNING_COMMANDS
    assert _command_name(["batch", "cohort/", "--out", "r/"]) in LONG_RUNNING_COMMANDS
    assert _command_name(["score", "night.edf", "--out", "r/"]) not in LONG_RUNNING_COMMANDS
    assert _command_name(["--help"]) is None


_REFAULTS = r"""
import resource, sys, threading
if sys.argv[1] == "set-up":
    from twitchscope.cli import set_up_process
    set_up_process(["score", "night.edf", "--out", "out"])
import numpy as np

def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

counted = []

def chunk_after_chunk():  # on a thread, as the legs are detected
    first = np.ones(20_000_000 // 8)
    del first
    before = faults()
    np.ones(20_000_000 // 8)
    counted.append(faults() - before)

t = threading.Thread(target=chunk_after_chunk)
t.start()
t.join()
print(counted[0])
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the allocator set-up is for glibc",
)
def test_a_short_command_reuses_freed_memory_instead_of_refaulting_it() -> None:
    """A 20 MB temporary made again after being freed (as each chunk of a leg's filtering
    does) takes no new pages in a short command; with glibc's defaults it is fresh memory."""

    def refaults(mode: str) -> int:
        proc = subprocess.run(
            [sys.executable, "-c", _REFAULTS, mode], capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        return int(proc.stdout.split()[-1])

    assert refaults("set-up") == 0
    assert refaults("default") > 100


_HUGE_PAGES = r"""
import json, os, sys
from twitchscope.cli import set_up_process
set_up_process(json.loads(sys.argv[1]))
import numpy as np
from numpy._core.multiarray import _get_madvise_hugepage
print(json.dumps([os.environ.get("NUMPY_MADVISE_HUGEPAGE"), _get_madvise_hugepage()]))
"""


@pytest.mark.parametrize(
    ("args", "user_value", "expected"),
    [
        (["score", "n.edf", "--out", "o"], None, ["0", False]),
        (["score", "n.edf", "--out", "o"], "1", ["1", True]),  # the user's choice stands
        (["serve"], None, [None, None]),  # a server keeps numpy's default
    ],
)
def test_short_commands_keep_numpy_arrays_on_ordinary_pages(
    args: list[str], user_value: str | None, expected: list[object]
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if user_value is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = user_value
    proc = subprocess.run(
        [sys.executable, "-c", _HUGE_PAGES, json.dumps(args)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.split("\n")[-2])
    assert found[0] == expected[0]
    if expected[1] is not None:
        assert found[1] is expected[1]
