"""twitchscope: why do my legs twitch?

Reads sleep recordings, detects leg movements, scores them to WASM 2016 / AASM, and combines
them with a person's history, diary and blood tests into a sourced clinical picture.
"""

from __future__ import annotations

__version__ = "0.1.0"

# The one-call API: ``twitchscope.score(path)`` detects and scores a night.
from twitchscope.api import score
from twitchscope.errors import (
    ChannelError,
    InputFileError,
    MissingDependencyError,
    TwitchscopeError,
    ValidationError,
)
from twitchscope.hypnogram import Hypnogram
from twitchscope.results import ScoreResult
from twitchscope.signal import Signal

__all__ = [
    "ChannelError",
    "Hypnogram",
    "InputFileError",
    "MissingDependencyError",
    "ScoreResult",
    "Signal",
    "TwitchscopeError",
    "ValidationError",
    "__version__",
    "score",
]
