"""The :class:`Hypnogram`: one sleep stage per scoring epoch, anchored in recording time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.errors import TwitchscopeError
from twitchscope.stages import SLEEP_STAGES, STAGES

#: Most epochs a hypnogram may hold (over 200 days of 30 s epochs): a longer one comes from a
#: corrupt time or epoch length, and allocating it would exhaust memory.
MAX_EPOCHS: Final = 600_000


@dataclass(frozen=True)
class Hypnogram:
    """Sleep stages per epoch.

    Parameters
    ----------
    stages : sequence of str
        One stage per epoch, each one of ``W, N1, N2, N3, R, UNS``.
    epoch_length : float
        Epoch length in seconds (30 s in AASM scoring).
    offset : float
        Start of the first epoch in seconds from the recording start.
    source : str
        Where the stages came from (a file name, or ``"simulated"``), for messages.
    """

    stages: tuple[str, ...]
    epoch_length: float = 30.0
    offset: float = 0.0
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        stages = tuple(str(s) for s in self.stages)
        object.__setattr__(self, "stages", stages)
        bad = sorted({s for s in stages if s not in STAGES})
        if bad:
            raise TwitchscopeError(
                f"{self.source or 'hypnogram'}: unknown sleep stage(s) {bad}; "
                f"expected only {list(STAGES)}"
            )
        if not np.isfinite(self.epoch_length) or self.epoch_length <= 0:
            raise TwitchscopeError(
                f"{self.source or 'hypnogram'}: epoch length must be > 0 s, got {self.epoch_length}"
            )
        if not np.isfinite(self.offset):
            raise TwitchscopeError(f"{self.source or 'hypnogram'}: offset is not finite")

    @classmethod
    def from_intervals(
        cls,
        onsets: Iterable[float],
        durations: Iterable[float],
        stages: Iterable[str],
        epoch_length: float = 30.0,
        source: str = "",
    ) -> Hypnogram:
        """Build a hypnogram from stage intervals (onset and duration in seconds).

        Intervals must not overlap; gaps between them become ``UNS`` epochs. Each interval is
        split into whole epochs (a duration that is not a multiple of ``epoch_length`` is
        rounded to the nearest epoch).
        """
        on = np.asarray(list(onsets), dtype=float)
        du = np.asarray(list(durations), dtype=float)
        st = [str(s) for s in stages]
        name = source or "hypnogram"
        if not (len(on) == len(du) == len(st)):
            raise TwitchscopeError(f"{name}: onsets, durations and stages differ in length")
        if len(on) == 0:
            raise TwitchscopeError(f"{name}: no sleep stages found")
        if np.any(~np.isfinite(on)) or np.any(~np.isfinite(du)) or np.any(du <= 0):
            raise TwitchscopeError(
                f"{name}: a stage interval has a non-finite or non-positive time"
            )
        order = np.argsort(on, kind="stable")
        on, du = on[order], du[order]
        st = [st[i] for i in order]
        ends = on + du
        overlap = np.nonzero(on[1:] < ends[:-1] - 1e-6)[0]
        if overlap.size:
            i = int(overlap[0])
            raise TwitchscopeError(
                f"{name}: stage intervals overlap at {on[i + 1]:.1f} s "
                f"(the interval from {on[i]:.1f} s lasts until {ends[i]:.1f} s)"
            )
        start = float(on[0])
        span = float(ends.max() - start)
        if not span / epoch_length <= MAX_EPOCHS:
            raise TwitchscopeError(
                f"{name}: stage intervals span {span:g} s (from {start:g} s to "
                f"{float(ends.max()):g} s), more than {MAX_EPOCHS} epochs of {epoch_length:g} s; "
                "a stage onset or duration is wrong"
            )
        n_total = round((ends[-1] - start) / epoch_length)
        out = np.full(n_total, "UNS", dtype=object)
        first = np.rint((on - start) / epoch_length).astype(int)
        count = np.maximum(np.rint(du / epoch_length).astype(int), 1)
        for f, c, s in zip(first, count, st, strict=True):
            out[f : f + c] = s
        return cls(tuple(out[:n_total]), epoch_length=epoch_length, offset=start, source=source)

    @property
    def n_epochs(self) -> int:
        """Number of epochs."""
        return len(self.stages)

    @property
    def end(self) -> float:
        """End of the last epoch in seconds from the recording start."""
        return self.offset + self.n_epochs * self.epoch_length

    def as_array(self) -> npt.NDArray[np.str_]:
        """The stages as a numpy array of strings."""
        return np.asarray(self.stages, dtype="<U3")

    def stage_at(self, times: npt.ArrayLike) -> npt.NDArray[np.str_]:
        """Stage at each time (s from recording start); ``UNS`` outside the hypnogram."""
        t = np.asarray(times, dtype=float)
        idx = np.floor((t - self.offset) / self.epoch_length).astype(np.int64)
        inside = (idx >= 0) & (idx < self.n_epochs) & np.isfinite(t)
        out = np.full(t.shape, "UNS", dtype="<U3")
        out[inside] = self.as_array()[idx[inside]]
        return out

    def duration_by_stage(self) -> dict[str, float]:
        """Seconds spent in each stage of :data:`~twitchscope.stages.STAGES`."""
        arr = self.as_array()
        return {s: float(np.count_nonzero(arr == s) * self.epoch_length) for s in STAGES}

    def is_sleep(self) -> npt.NDArray[np.bool_]:
        """Boolean per epoch: True where the stage is N1, N2, N3 or R."""
        return np.isin(self.as_array(), list(SLEEP_STAGES))

    @property
    def total_sleep_time(self) -> float:
        """Total sleep time in seconds (N1+N2+N3+R epochs)."""
        return float(np.count_nonzero(self.is_sleep()) * self.epoch_length)

    @property
    def time_in_bed(self) -> float:
        """Time covered by scored epochs in seconds (UNS epochs excluded)."""
        return float(np.count_nonzero(self.as_array() != "UNS") * self.epoch_length)

    def sleep_period(self) -> tuple[float, float]:
        """Start and end (s) of the sleep period: first to last sleep epoch.

        Raises
        ------
        TwitchscopeError
            When the hypnogram holds no sleep epoch.
        """
        sleep = np.nonzero(self.is_sleep())[0]
        if sleep.size == 0:
            raise TwitchscopeError(f"{self.source or 'hypnogram'}: no sleep epoch scored")
        return (
            self.offset + float(sleep[0]) * self.epoch_length,
            self.offset + float(sleep[-1] + 1) * self.epoch_length,
        )

    def to_intervals(self) -> pd.DataFrame:
        """Runs of equal stage as a DataFrame with columns ``onset``, ``duration``, ``stage``."""
        arr = self.as_array()
        if arr.size == 0:
            return pd.DataFrame({"onset": [], "duration": [], "stage": []})
        change = np.flatnonzero(arr[1:] != arr[:-1]) + 1
        starts = np.concatenate([[0], change])
        ends = np.concatenate([change, [arr.size]])
        return pd.DataFrame(
            {
                "onset": self.offset + starts * self.epoch_length,
                "duration": (ends - starts) * self.epoch_length,
                "stage": arr[starts],
            }
        )

    def check_covers(
        self, duration: float, name: str = "recording", tolerance: float = 0.0
    ) -> None:
        """Raise when the hypnogram does not fit a recording of ``duration`` seconds.

        A hypnogram that starts before the recording or ends more than one epoch plus
        ``tolerance`` seconds after it does not belong to it.
        """
        src = self.source or "hypnogram"
        if self.offset < -1e-6:
            raise TwitchscopeError(f"{src}: starts {-self.offset:.1f} s before the {name}")
        if self.end > duration + self.epoch_length + tolerance:
            raise TwitchscopeError(
                f"{src}: covers {self.end:.0f} s but the {name} lasts only {duration:.0f} s; "
                "is it the hypnogram of another recording?"
            )

    @classmethod
    def from_epochs(
        cls,
        stages: Sequence[str],
        epoch_length: float = 30.0,
        offset: float = 0.0,
        source: str = "",
    ) -> Hypnogram:
        """Build from one stage per epoch (strings of ``W, N1, N2, N3, R, UNS``)."""
        return cls(tuple(stages), epoch_length=epoch_length, offset=offset, source=source)
