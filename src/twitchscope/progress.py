"""Progress of a long call as plain data: :class:`ProgressEvent` and the callback type.

:func:`twitchscope.score` and :func:`twitchscope.score_to_dir` call ``progress(event)`` when each
step starts and when it ends. An event is a frozen dataclass of plain values, so a terminal
progress bar, a web page polling a job and a cohort log can all show it (``event.to_dict()`` is
JSON-ready).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, Final

#: Steps of :func:`twitchscope.score_to_dir`, in order (``score`` runs the first three; a run
#: with reference movements has ``reference`` in place of ``detect``).
STEPS: Final[tuple[str, ...]] = ("read", "detect", "score", "write", "report")


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a run starting or ending.

    Attributes
    ----------
    step : str
        Machine name of the step: ``"read"``, ``"detect"`` (or ``"reference"``), ``"score"``,
        ``"write"``, ``"report"``.
    message : str
        What happens (at the start) or happened (at the end), for people, e.g.
        ``"detecting leg movements"`` then ``"detected 412 leg movements"``. Plain text, no markup.
    done : int
        Steps finished so far (at a step's end this step included).
    total : int
        Steps in this run.
    seconds : float
        Wall-clock seconds the step took; 0.0 when it starts.
    finished : bool
        False when the step starts, True when it ends.
    """

    step: str
    message: str
    done: int
    total: int
    seconds: float = 0.0
    finished: bool = False

    @property
    def fraction(self) -> float:
        """Share of the run's steps finished, 0-1."""
        return self.done / self.total if self.total else 1.0

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON-ready values."""
        return asdict(self)


#: A function that receives progress events (its return value is ignored).
ProgressCallback = Callable[[ProgressEvent], object]


class StepTimer:
    """Times the steps of one run and reports them to an optional callback.

    >>> steps = StepTimer(progress, total=3)              # doctest: +SKIP
    >>> with steps.step("read", "reading the recording") as end:
    ...     inputs = prepare(path)
    ...     end("read the recording")                     # the message at the step's end
    """

    def __init__(self, progress: ProgressCallback | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        #: Seconds per finished step, by step name.
        self.seconds: dict[str, float] = {}

    @contextmanager
    def step(self, name: str, message: str) -> Iterator[Callable[[str], None]]:
        """Run one step: an event at its start and, unless it raises, one at its end."""
        closing = [message]

        def end(text: str) -> None:
            closing[0] = text

        if self.progress is not None:
            self.progress(ProgressEvent(name, message, self.done, self.total))
        t0 = time.perf_counter()
        yield end
        seconds = time.perf_counter() - t0
        self.done += 1
        self.seconds[name] = seconds
        if self.progress is not None:
            self.progress(
                ProgressEvent(name, closing[0], self.done, self.total, seconds, finished=True)
            )
