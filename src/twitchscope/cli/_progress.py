"""A rich progress display fed by :class:`~twitchscope.progress.ProgressEvent` values."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from twitchscope.cli._common import err_console

if TYPE_CHECKING:
    from rich.progress import TaskID

    from twitchscope.progress import ProgressCallback, ProgressEvent


@contextmanager
def progress_display(quiet: bool = False) -> Iterator[ProgressCallback]:
    """A callback that shows each step on stderr: a spinner while it runs, then its time.

    Event messages are shown as plain text (never console markup).
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn

    tasks: dict[str, TaskID] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        console=err_console,
        disable=quiet,
        transient=False,
    ) as bar:

        def show(event: ProgressEvent) -> None:
            if not event.finished:
                tasks[event.step] = bar.add_task(event.message, total=1)
                return
            task = tasks.pop(event.step, None)
            text = f"{event.message} ({event.seconds:.1f} s)"
            if task is None:
                task = bar.add_task(text, total=1)
            bar.update(task, completed=1, description=text)

        yield show
