"""The :class:`Signal`: one channel's samples in µV with its sampling rate."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from twitchscope.errors import TwitchscopeError


@dataclass(frozen=True, eq=False)
class Signal:
    """One channel of a recording, in physical units (µV for electrophysiology).

    Parameters
    ----------
    label : str
        The channel's label in the file (e.g. ``"Leg L"``).
    data : ndarray of float32
        Samples in µV (or the unit in ``unit`` for non-electrical channels). NaN marks samples
        that were not recorded (gaps of a discontinuous EDF+D file).
    fs : float
        Sampling rate in Hz.
    role : str
        The role found for the channel (``leg_left``, ``leg_right``, ``chin``, ``eeg``, ``eog``,
        ``ecg``, ``resp``, ...), or ``""`` when none.
    unit : str
        Unit of ``data`` after conversion (``"uV"`` for electrophysiology).
    source_unit : str
        The unit stated in the file's header, before conversion.
    start : float
        Time of the first sample in seconds from the recording start.
    source : str
        The file the channel was read from, for messages.
    """

    label: str
    data: npt.NDArray[np.floating]
    fs: float
    role: str = ""
    unit: str = "uV"
    source_unit: str = "uV"
    start: float = 0.0
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not np.isfinite(self.fs) or self.fs <= 0:
            raise TwitchscopeError(
                f"{self.source or 'signal'}: channel {self.label!r}: sampling rate must be > 0 Hz, "
                f"got {self.fs}"
            )
        if self.data.ndim != 1:
            raise TwitchscopeError(
                f"{self.source or 'signal'}: channel {self.label!r}: samples must be 1-D"
            )

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.data.shape[0])

    @property
    def duration(self) -> float:
        """Duration in seconds."""
        return self.n_samples / self.fs

    def times(self) -> npt.NDArray[np.float64]:
        """Time of every sample in seconds from the recording start."""
        return self.start + np.arange(self.n_samples, dtype=np.float64) / self.fs
