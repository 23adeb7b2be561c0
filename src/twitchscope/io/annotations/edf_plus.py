"""EDF+ / BDF+ annotations (time-stamped annotation lists) as stages and events.

The recording reader decodes the TALs (``open_recording(path).raw_annotations()``: a DataFrame
with ``onset``, ``duration``, ``description``); this module gives their texts meaning:
``Sleep stage W/N1/N2/N3/R/?``, R&K ``Sleep stage 1..4`` (3 and 4 become N3), ``REM``,
``Wake``, ``Movement time`` (UNS), apnoeas, hypopnoeas, arousals, limb movements per leg,
desaturations. A stage annotation without a duration covers one epoch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twitchscope.errors import InputFileError, TwitchscopeError
from twitchscope.io.annotations.collect import Collector
from twitchscope.io.annotations.model import Annotations


def annotations_from_descriptions(
    onset: Iterable[float],
    duration: Iterable[float | None],
    description: Iterable[str],
    *,
    source: str,
    epoch_length: float = 30.0,
    recording_duration: float | None = None,
    format: str = "edf+",
) -> Annotations:
    """Interpret annotation texts (EDF+ TAL texts) as sleep stages and scored events.

    Parameters
    ----------
    onset : iterable of float
        Onsets in seconds from the recording start.
    duration : iterable of float or None
        Durations in seconds; None, NaN or 0 for an annotation without a duration (a stage
        then covers one epoch, an event lasts 0 s).
    description : iterable of str
        The annotation texts; empty texts (EDF+ time-keeping) are skipped.
    source : str
        The file, for messages.
    epoch_length : float
        Scoring epoch length in seconds.
    recording_duration : float, optional
        Length of the recording in seconds, to check that the annotations fit it.
    format : str
        The ``format`` recorded in the result.

    Returns
    -------
    Annotations
        Hypnogram (None when no text is a stage), events and warnings (unknown texts are kept
        as kind ``other`` and counted).

    Raises
    ------
    InputFileError
        Non-numeric, negative or non-finite times, overlapping stages, or annotations that do
        not fit the recording.
    """
    on = _floats(onset, source, "onset")
    du = _floats(duration, source, "duration")
    texts = ["" if t is None else str(t) for t in description]
    if not (len(on) == len(du) == len(texts)):
        raise InputFileError(source, "annotation onsets, durations and texts differ in length")
    collector = Collector(source, format, epoch_length)
    for o, d, text in zip(on.tolist(), du.tolist(), texts, strict=True):
        collector.add_label(o, d, text)
    return collector.finish(recording_duration)


def _floats(values: Iterable[Any], source: str, what: str) -> np.ndarray:
    """Floats from an iterable that may hold None (becomes NaN)."""
    series = pd.Series(list(values), dtype=object)
    numbers = pd.to_numeric(series, errors="coerce")
    bad = numbers.isna() & series.notna() & ~series.map(_is_nan)
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise InputFileError(source, f"annotation {what} {series.iat[i]!r} is not a number")
    return numbers.to_numpy(dtype=float)


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def read_edf_annotations(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
) -> Annotations:
    """Read the annotations of an EDF+ or BDF+ file (a recording or a hypnogram-only file).

    Parameters
    ----------
    path : path-like
        The EDF+/BDF+ file.
    recording_duration : float, optional
        Length in seconds of the recording the annotations belong to, to check that they fit.
    epoch_length : float
        Scoring epoch length in seconds.

    Raises
    ------
    InputFileError
        When the file cannot be read as EDF, or its annotations are invalid.
    """
    source = str(path)
    frame = _raw_annotations(path)
    return annotations_from_descriptions(
        frame["onset"],
        frame["duration"],
        frame["description"],
        source=source,
        epoch_length=epoch_length,
        recording_duration=recording_duration,
    )


def _raw_annotations(path: str | Path) -> pd.DataFrame:
    """``onset, duration, description`` of every annotation, via the recording reader."""
    from twitchscope.io.recording import open_recording

    try:
        with open_recording(path) as recording:
            return pd.DataFrame(recording.raw_annotations())
    except TwitchscopeError:
        raise
    except (OSError, ValueError) as exc:
        raise InputFileError(path, f"cannot be read as EDF+ ({exc})") from exc
