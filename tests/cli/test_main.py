"""The CLI wrapper: bad input is one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from twitchscope import __version__
from twitchscope.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == __version__


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "No such command" in err and "Traceback" not in err


def test_module_entry_point_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "twitchscope", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert "twitchscope" in proc.stdout
