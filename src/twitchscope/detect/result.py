"""The result of leg-movement detection on one leg: :class:`LegDetection`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: Columns of :attr:`LegDetection.movements`, one row per detected leg movement (LM).
MOVEMENT_COLUMNS: Final[tuple[str, ...]] = (
    "leg",
    "onset",
    "duration",
    "amplitude_uv",
    "area_uv_s",
    "resting_uv",
)

#: Columns of :attr:`LegDetection.excluded`, one row per merged excluded interval.
EXCLUDED_COLUMNS: Final[tuple[str, ...]] = ("onset", "duration", "reason")

#: Reasons a stretch is excluded from detection.
EXCLUSION_REASONS: Final[tuple[str, ...]] = ("gap", "flat", "clipping", "artefact", "high_noise")


def empty_movements() -> pd.DataFrame:
    """A movement table with no rows and the columns of :data:`MOVEMENT_COLUMNS`."""
    import pandas as pd

    return pd.DataFrame(
        {
            "leg": pd.Series([], dtype=object),
            "onset": pd.Series([], dtype=float),
            "duration": pd.Series([], dtype=float),
            "amplitude_uv": pd.Series([], dtype=float),
            "area_uv_s": pd.Series([], dtype=float),
            "resting_uv": pd.Series([], dtype=float),
        }
    )


def empty_excluded() -> pd.DataFrame:
    """An exclusion table with no rows and the columns of :data:`EXCLUDED_COLUMNS`."""
    import pandas as pd

    return pd.DataFrame(
        {
            "onset": pd.Series([], dtype=float),
            "duration": pd.Series([], dtype=float),
            "reason": pd.Series([], dtype=object),
        }
    )


@dataclass(frozen=True)
class LegDetection:
    """Leg movements detected on one leg's tibialis anterior EMG.

    Parameters
    ----------
    leg : str
        ``"left"`` or ``"right"``.
    channel : str
        Label of the channel the movements were detected on.
    fs : float
        Sampling rate of the channel in Hz.
    duration : float
        Length of the channel in seconds.
    movements : DataFrame
        One row per leg movement, sorted by onset, columns :data:`MOVEMENT_COLUMNS`: ``leg``,
        ``onset`` (s from recording start), ``duration`` (s), ``amplitude_uv`` (peak of the
        envelope above the resting level, µV), ``area_uv_s`` (integral of the envelope above the
        resting level, µV·s), ``resting_uv`` (resting level at the onset, µV).
    excluded : DataFrame
        Stretches excluded from detection, columns ``onset`` (s), ``duration`` (s), ``reason``
        (one of :data:`EXCLUSION_REASONS`); adjacent stretches with the same reason are merged.
    excluded_s : float
        Seconds excluded from detection.
    resting_uv_median, resting_uv_p95 : float
        Median and 95th percentile of the resting EMG level over the scored (not excluded)
        time, in µV of the rectified-mean envelope (NaN when nothing could be scored).
    warnings : list of str
        Human-readable warnings, each naming the channel.
    mains_notch_hz : tuple of float
        Mains frequencies (Hz) found in the channel and notched out before detection; empty when
        no mains peak was found.
    """

    leg: str
    channel: str
    fs: float
    duration: float
    movements: pd.DataFrame = field(default_factory=empty_movements)
    excluded: pd.DataFrame = field(default_factory=empty_excluded)
    excluded_s: float = 0.0
    resting_uv_median: float = float("nan")
    resting_uv_p95: float = float("nan")
    warnings: list[str] = field(default_factory=list)
    mains_notch_hz: tuple[float, ...] = ()

    @property
    def n_movements(self) -> int:
        """Number of detected leg movements."""
        return len(self.movements)

    @property
    def scored_s(self) -> float:
        """Seconds of the channel on which detection ran (duration minus excluded time)."""
        return max(self.duration - self.excluded_s, 0.0)

    def summary(self) -> pd.DataFrame:
        """One-row table of this leg's detection.

        Returns
        -------
        DataFrame
            Columns ``leg``, ``channel``, ``fs`` (Hz), ``duration_s``, ``n_movements``,
            ``lm_per_hour`` (per hour of scored time, NaN when none was scored),
            ``median_duration_s``, ``median_amplitude_uv``, ``excluded_s``, ``excluded_pct``,
            ``resting_uv_median``, ``resting_uv_p95``, ``n_warnings``, ``mains_notch_hz`` (text).
        """
        import pandas as pd

        scored_h = self.scored_s / 3600.0
        mv = self.movements
        return pd.DataFrame(
            [
                {
                    "leg": self.leg,
                    "channel": self.channel,
                    "fs": float(self.fs),
                    "duration_s": float(self.duration),
                    "n_movements": len(mv),
                    "lm_per_hour": len(mv) / scored_h if scored_h > 0 else float("nan"),
                    "median_duration_s": float(np.median(mv["duration"]))
                    if len(mv)
                    else float("nan"),
                    "median_amplitude_uv": float(np.median(mv["amplitude_uv"]))
                    if len(mv)
                    else float("nan"),
                    "excluded_s": float(self.excluded_s),
                    "excluded_pct": 100.0 * self.excluded_s / self.duration
                    if self.duration > 0
                    else float("nan"),
                    "resting_uv_median": float(self.resting_uv_median),
                    "resting_uv_p95": float(self.resting_uv_p95),
                    "n_warnings": len(self.warnings),
                    "mains_notch_hz": ", ".join(f"{f:g}" for f in self.mains_notch_hz),
                }
            ]
        )
