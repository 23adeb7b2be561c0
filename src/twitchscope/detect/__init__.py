"""Leg-movement detection: per-leg tibialis anterior EMG to leg movements (WASM 2016 / AASM).

Public API::

    detect_leg_movements(signal, leg, *, rules=WASM2016, ecg=None) -> LegDetection
    detect_legs(left, right, *, rules=WASM2016, ecg=None) -> (LegDetection, LegDetection)

See :mod:`twitchscope.detect.emg` for the method and :class:`LegDetection` for the result.

The names are imported on first use (PEP 562), so the numpy-only parts (e.g.
:mod:`twitchscope.detect.ecg`, R peaks found while the recording is read) load without pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'twitchscope.detect' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
