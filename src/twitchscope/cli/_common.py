"""Shared pieces of the CLI: consoles and small helpers."""

from __future__ import annotations

from rich.console import Console

console = Console()
# soft_wrap: an error message is one line a user can copy and a test can match, never re-wrapped.
err_console = Console(stderr=True, soft_wrap=True)
