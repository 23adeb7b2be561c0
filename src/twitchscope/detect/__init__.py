"""Leg-movement detection: per-leg tibialis anterior EMG to leg movements (WASM 2016 / AASM).

Public API::

    detect_leg_movements(signal, leg, *, rules=WASM2016, ecg=None) -> LegDetection
    detect_legs(left, right, *, rules=WASM2016, ecg=None) -> (LegDetection, LegDetection)

See :mod:`twitchscope.detect.emg` for the method and :class:`LegDetection` for the result.
"""

from twitchscope.detect.emg import detect_leg_movements, detect_legs
from twitchscope.detect.result import (
    EXCLUDED_COLUMNS,
    EXCLUSION_REASONS,
    MOVEMENT_COLUMNS,
    LegDetection,
)

__all__ = [
    "EXCLUDED_COLUMNS",
    "EXCLUSION_REASONS",
    "MOVEMENT_COLUMNS",
    "LegDetection",
    "detect_leg_movements",
    "detect_legs",
]
