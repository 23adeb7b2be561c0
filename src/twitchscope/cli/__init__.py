"""The ``twitchscope`` command line.

Each sub-command lives in its own module under :mod:`twitchscope.cli` and adds itself to the
shared Typer app through ``register(app)``. :func:`main` turns every
:class:`~twitchscope.errors.TwitchscopeError` into a one-line message on stderr and exit code 2,
so a user never sees a traceback for bad input.
"""

from __future__ import annotations

import importlib
import sys

import typer

from twitchscope.cli._common import err_console
from twitchscope.errors import TwitchscopeError

app = typer.Typer(
    name="twitchscope",
    help="Why do my legs twitch? Read sleep recordings, score leg movements (WASM 2016 / AASM) "
    "and draw a sourced clinical picture.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Why do my legs twitch? Score leg movements in sleep and draw a clinical picture."""


# One module per command group; each defines register(app).
_COMMAND_MODULES = (
    "info",
    "simulate",
    "score",
    "validate",
    "assess",
    "diary",
    "ask",
    "batch",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(f"twitchscope.cli.{_name}").register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input or usage, 3 internal error)."""
    try:
        # Standalone mode lets Typer print usage errors and --help the usual way; it ends with
        # SystemExit, whose code we pass on.
        app(args=argv, standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except TwitchscopeError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        return 2
    except KeyboardInterrupt:
        err_console.print("aborted")
        return 130
    except (OSError, MemoryError) as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2
    except Exception as exc:
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            "This is a bug in twitchscope; please report it with the command you ran.",
            highlight=False,
        )
        return 3
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
