"""twitchscope: why do my legs twitch?

Reads sleep recordings, detects leg movements, scores them to WASM 2016 / AASM, and combines
them with a person's history, diary and blood tests into a sourced clinical picture.

The names below are imported on first use (PEP 562), so ``import twitchscope`` and the command
line start fast; ``twitchscope.score`` pulls in numpy, pandas and the scorer only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchscope._lazy import lazy_exports
from twitchscope._version import __version__
from twitchscope.errors import (
    ChannelError,
    InputFileError,
    MissingDependencyError,
    TwitchscopeError,
    ValidationError,
)

if TYPE_CHECKING:
    from twitchscope.api import score, score_to_dir
    from twitchscope.hypnogram import Hypnogram
    from twitchscope.progress import ProgressEvent
    from twitchscope.results import ScoreResult
    from twitchscope.signal import Signal
    from twitchscope.validate.run import run_validation

#: Public name -> the module that defines it (imported when the name is first used).
_LAZY: dict[str, str] = {
    "score": "twitchscope.api",
    "score_to_dir": "twitchscope.api",
    "Hypnogram": "twitchscope.hypnogram",
    "ProgressEvent": "twitchscope.progress",
    "ScoreResult": "twitchscope.results",
    "Signal": "twitchscope.signal",
    "run_validation": "twitchscope.validate.run",
}

__all__ = [
    "ChannelError",
    "Hypnogram",
    "InputFileError",
    "MissingDependencyError",
    "ProgressEvent",
    "ScoreResult",
    "Signal",
    "TwitchscopeError",
    "ValidationError",
    "__version__",
    "run_validation",
    "score",
    "score_to_dir",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
