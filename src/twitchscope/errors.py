"""Errors twitchscope raises for bad input.

Every error a user can cause is a :class:`TwitchscopeError`; the CLI turns it into a one-line
message and a non-zero exit code, never a traceback. Messages name the file (and the channel or
field) and say what is wrong.
"""

from __future__ import annotations

from os import PathLike


class TwitchscopeError(Exception):
    """Base class of every error caused by input the user gave."""


class InputFileError(TwitchscopeError):
    """A file cannot be used: missing, corrupt, truncated, of the wrong kind or hostile.

    Parameters
    ----------
    path : path-like or str
        The file the problem is in.
    problem : str
        What is wrong, in words a user understands.
    """

    def __init__(self, path: str | PathLike[str], problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ChannelError(InputFileError):
    """A channel is missing, ambiguous or unusable (flat, clipped, wrong unit, wrong rate)."""

    def __init__(self, path: str | PathLike[str], channel: str, problem: str) -> None:
        self.channel = channel
        super().__init__(path, f"channel {channel!r}: {problem}")


class ValidationError(TwitchscopeError):
    """A value given by the user (an answer, option or lab value) is not acceptable.

    Parameters
    ----------
    field : str
        The name of the field, e.g. ``"age"`` or ``"labs.ferritin.unit"``.
    problem : str
        What is wrong with it.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class MissingDependencyError(TwitchscopeError):
    """An optional dependency is needed for this feature; the message says how to install it."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional package {package!r}: pip install 'twitchscope[{extra}]'"
        )
