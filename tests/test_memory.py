"""twitchscope._memory: the command line keeps freed memory for reuse (glibc only)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from twitchscope._memory import keep_freed_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_allocator_takes_the_settings_and_numbers_stay_right() -> None:
    # in a fresh process: the settings must not leak into the test process's allocator
    code = (
        "from twitchscope._memory import keep_freed_memory\n"
        "ok = keep_freed_memory()\n"
        "import numpy as np\n"
        "for _ in range(3):\n"
        "    a = np.arange(20_000_000, dtype=np.float64)\n"
        "    assert float(a.sum()) == 19_999_999 * 20_000_000 / 2\n"
        "    del a\n"
        "print(ok)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    expected = platform.libc_ver()[0] == "glibc"
    assert out.stdout.strip() == str(expected)


def test_elsewhere_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert keep_freed_memory() is False


def test_long_running_commands_keep_the_allocator_defaults() -> None:
    from twitchscope.cli import LONG_RUNNING_COMMANDS, _command_name

    # a server or a cohort's driver runs for hours: memory freed after a night goes back
    assert _command_name(["serve", "--port", "8000"]) in LONG_RUNNING_COMMANDS
    assert _command_name(["batch", "cohort/", "--out", "r/"]) in LONG_RUNNING_COMMANDS
    assert _command_name(["score", "night.edf", "--out", "r/"]) not in LONG_RUNNING_COMMANDS
    assert _command_name(["--help"]) is None
