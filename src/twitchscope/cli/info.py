"""CLI: info (being written)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the command(s) of this module to ``app``."""

    @app.command("version")
    def version() -> None:
        """Print the twitchscope version."""
        from twitchscope import __version__

        print(__version__)
