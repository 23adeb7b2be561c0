"""The ``twitchscope`` command line.

Each sub-command lives in its own module under :mod:`twitchscope.cli` and adds itself to the
shared Typer app through ``register(app)``. :func:`main` turns every
:class:`~twitchscope.errors.TwitchscopeError` into a one-line message on stderr and exit code 2,
so a user never sees a traceback for bad input.

Start-up is part of the interface: ``twitchscope --help`` and light commands must not pay for
numpy, pandas or the scorer. Command modules therefore import only typer, rich and
:mod:`twitchscope.cli._common` at their top; everything else is imported inside the command.
``tests/test_startup.py`` checks it.
"""

from __future__ import annotations

import importlib
import sys

import typer

from twitchscope.cli._common import err_console, print_error
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
    "report",
    "batch",
    "serve",
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
        print_error(exc)  # the message quotes files, labels and values: printed as plain text
        return 2
    except KeyboardInterrupt:
        err_console.print("aborted", markup=False)
        return 130
    except (OSError, MemoryError) as exc:
        print_error(exc)
        return 2
    except Exception as exc:
        print_error(
            f"{type(exc).__name__}: {exc}\n"
            "This is a bug in twitchscope; please report it with the command you ran.",
            label="internal error",
        )
        return 3
    return 0


def run() -> None:
    """Console-script entry point."""
    from twitchscope._threads import single_threaded_blas

    # before numpy loads: the command runs its own threads (one per leg), and BLAS threads
    # spinning beside them on a busy machine cost more CPU than the whole detection
    single_threaded_blas()
    sys.exit(main())
