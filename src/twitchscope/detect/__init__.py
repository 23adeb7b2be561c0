"""Leg-movement detection: per-leg tibialis anterior EMG to leg movements (WASM 2016 / AASM).

Public API::

    detect_leg_movements(signal, leg, *, rules=WASM2016, ecg=None) -> LegDetection
    detect_legs(left, right, *, rules=WASM2016, ecg=None) -> (LegDetection, LegDetection)

See :mod:`twitchscope.detect.emg` for the method and :class:`LegDetection` for the result.

The names are imported on first use (PEP 562), so the numpy-only parts (e.g.
:mod:`twitchscope.detect.ecg`, R peaks found while the recording is read) load without pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchscope._lazy import lazy_exports

if TYPE_CHECKING:
    from twitchscope.detect.emg import detect_leg_movements, detect_legs
    from twitchscope.detect.result import (
        EXCLUDED_COLUMNS,
        EXCLUSION_REASONS,
        MOVEMENT_COLUMNS,
        LegDetection,
    )

#: Public name -> the module that defines it.
_LAZY: dict[str, str] = {
    "EXCLUDED_COLUMNS": "twitchscope.detect.result",
    "EXCLUSION_REASONS": "twitchscope.detect.result",
    "MOVEMENT_COLUMNS": "twitchscope.detect.result",
    "LegDetection": "twitchscope.detect.result",
    "detect_leg_movements": "twitchscope.detect.emg",
    "detect_legs": "twitchscope.detect.emg",
}

__all__ = [
    "EXCLUDED_COLUMNS",
    "EXCLUSION_REASONS",
    "MOVEMENT_COLUMNS",
    "LegDetection",
    "detect_leg_movements",
    "detect_legs",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
