"""The console-script entry point: set-up for short commands, left alone for long ones."""

from __future__ import annotations

from twitchscope.cli import LONG_RUNNING_COMMANDS, _command_name


def test_long_running_commands_keep_the_collector_defaults() -> None:
    # a server or a cohort's driver runs for hours: it keeps the default collection thresholds
    assert _command_name(["serve", "--port", "8000"]) in LONG_RUNNING_COMMANDS
    assert _command_name(["batch", "cohort/", "--out", "r/"]) in LONG_RUNNING_COMMANDS
    assert _command_name(["score", "night.edf", "--out", "r/"]) not in LONG_RUNNING_COMMANDS
    assert _command_name(["--help"]) is None
