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
import os
import sys
from typing import Final

import typer

from twitchscope.cli._common import err_console, print_error
from twitchscope.errors import TwitchscopeError
from twitchscope.io.file_kinds import PARQUET_SUFFIXES

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


#: Young-generation threshold of the garbage collector in a command-line process (Python's
#: default is 700): loading pandas and the scorer allocates hundreds of thousands of objects,
#: and at 700 the collector ran ~190 times during a ``score`` run (~0.1 s of CPU).
GC_THRESHOLD0: Final = 50_000


def run() -> None:
    """Console-script entry point: :func:`set_up_process` for the command, run it, exit.

    The exit skips the interpreter's teardown (see :func:`_exit`).
    """
    set_up_process(sys.argv[1:])
    _exit(main())


def set_up_process(args: list[str]) -> None:
    """Set the process up for the command in ``args`` (before anything numeric is imported).

    - BLAS on one thread: the commands run their own threads (one per leg), and BLAS threads
      spinning beside them on a busy machine cost more CPU than the whole detection.
    - For a short command (not one of the :data:`LONG_RUNNING_COMMANDS`): fewer garbage
      collections, glibc's allocator set to keep freed memory for reuse
      (:func:`_keep_freed_memory`), and numpy's large arrays on ordinary pages
      (:data:`NO_HUGE_PAGES_ENV`).
    - pyarrow kept out of the :data:`NO_PYARROW_COMMANDS` when no Parquet file is named: pandas
      loads it on import when it is installed (0.1-0.2 s of CPU and ~35 MB), but these
      commands read EDF, CSV and XML only, and pandas keeps its own string storage without it.
    """
    import gc

    from twitchscope._threads import single_threaded_blas

    single_threaded_blas()
    command = _command_name(args)
    if command not in LONG_RUNNING_COMMANDS:
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(GC_THRESHOLD0, gen1, gen2)
        _keep_freed_memory()
        os.environ.setdefault(*NO_HUGE_PAGES_ENV)
    if command in NO_PYARROW_COMMANDS and not _names_parquet(args):
        # an import of a module set to None raises ImportError, which pandas expects
        sys.modules.setdefault("pyarrow", None)  # type: ignore[arg-type]


#: numpy asks Linux for transparent huge pages for every array of 4 MB or more
#: (``madvise``); where the kernel's THP ``defrag`` setting is ``madvise`` (Debian's default)
#: that asks it to compact memory on the spot when no free 2 MB page is at hand, a stall of up
#: to tens of milliseconds per fault. A short command's arrays live for a fraction of a second
#: and gain little from huge pages: measured on the 8 h benchmark night (``score``, median of
#: 10 interleaved runs, 2 cores), decoding took 0.19-1.13 s with them and 0.19-0.25 s without,
#: the whole command 1.58 s with them and 1.28 s without (peak memory 325 and 337 MB).
NO_HUGE_PAGES_ENV: Final = ("NUMPY_MADVISE_HUGEPAGE", "0")
#: glibc ``mallopt`` parameters (malloc.h) and the values a short command sets.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8
#: Allocations up to this size come from the heap (glibc's upper limit on 64-bit systems).
MMAP_THRESHOLD_BYTES: Final = 32 * 1024 * 1024
#: Free memory at the top of the heap kept for reuse, up to this size.
TRIM_THRESHOLD_BYTES: Final = 256 * 1024 * 1024


def _keep_freed_memory() -> None:
    """Let glibc's allocator reuse freed memory instead of handing it back and refaulting it.

    Detection filters each leg in chunks whose temporaries (0.5-30 MB) are freed and made
    again for every chunk. With glibc's defaults each thread has its own arena, and freed
    blocks of that size are unmapped or trimmed, so the next chunk's arrays are fresh pages the
    kernel must zero: on an 8 h night at 500 Hz, half the process's CPU samples were in page
    zeroing. Here the heap serves allocations up to 32 MB, keeps up to 256 MB free at its top,
    and all threads share one arena (so the two legs reuse each other's freed memory). Measured
    on that night (``score``, median of 8 interleaved runs, 2 cores): system time 0.63 -> 0.40
    s, wall 1.54 -> 1.31 s, peak memory unchanged (389/388 MB); without the shared arena the
    peak rose to 439 MB. A no-op where the C library is not glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 - glibc only (musl's mallopt does nothing)
    except (OSError, AttributeError):
        return
    mallopt(_M_ARENA_MAX, 1)
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)


#: Commands that run for hours (a server, a cohort's driver): they keep the interpreter's
#: default collection thresholds, so cyclic garbage left by a night does not pile up.
LONG_RUNNING_COMMANDS: Final = frozenset({"serve", "batch"})
#: Commands that need pyarrow only for a Parquet file named on the command line (an ankle
#: accelerometer's recording).
NO_PYARROW_COMMANDS: Final = frozenset({"score", "validate", "info", "report"})


def _names_parquet(args: list[str]) -> bool:
    """Whether any argument names a Parquet file (``--left=x.parquet`` included)."""
    return any(a.lower().endswith(PARQUET_SUFFIXES) for a in args)


def _command_name(args: list[str]) -> str | None:
    """The subcommand named on the command line (the first argument not an option)."""
    return next((a for a in args if not a.startswith("-")), None)


def _exit(code: int) -> None:
    """Exit with ``code``, skipping the interpreter's teardown when nothing else is running.

    A normal exit collects every object and tears down every module (pandas, pyarrow, typer):
    0.05-0.2 s after the work is done. The exit handlers still run and the output is flushed,
    as at a normal exit; when another non-daemon thread is alive (the normal exit would wait
    for it) the normal exit is taken.
    """
    import atexit
    import contextlib
    import os
    import threading

    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (``| head``): nothing more can be said
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
