"""``twitchscope validate`` as one function: :func:`run_validation` reads both sides, picks the
stages, events and recording length for the index comparison, and compares.
"""

from __future__ import annotations

import dataclasses
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twitchscope.errors import TwitchscopeError
from twitchscope.validate.compare import ValidationResult, compare_movements
from twitchscope.validate.load import (
    index_agreement,
    load_movements,
    read_output_summary,
    recording_duration_for,
)

if TYPE_CHECKING:
    import pandas as pd

    from twitchscope.hypnogram import Hypnogram
    from twitchscope.scoring.rules import RuleSet

PathType = str | PathLike[str]


def _annotations(path: PathType, *, quiet: bool) -> tuple[Hypnogram | None, pd.DataFrame | None]:
    """Stages and events of an annotation file; ``(None, None)`` on error when ``quiet``."""
    from twitchscope.io.annotations import read_annotations

    try:
        ann = read_annotations(Path(path))
    except TwitchscopeError:
        if quiet:
            return None, None
        raise
    return ann.hypnogram, ann.events


def summary_file(summary: dict[str, Any], key: str) -> Path | None:
    """The annotation file a score output's ``summary.json`` names under ``key``, if it exists.

    ``hypnogram_source`` and ``events_source`` hold a path, or ``"PATH (annotations)"`` for the
    recording's own annotations; anything that is not an existing file gives None.
    """
    text = summary.get(key)
    if not isinstance(text, str) or not text:
        return None
    path = Path(text.removesuffix(" (annotations)"))
    return path if path.is_file() else None


def choose_stages_and_events(
    predicted: PathType,
    reference: PathType,
    *,
    hypnogram: Hypnogram | PathType | None = None,
    events: pd.DataFrame | PathType | None = None,
    summary: dict[str, Any] | None = None,
) -> tuple[Hypnogram | None, pd.DataFrame | None]:
    """The stages and events both sides are scored with for the index comparison.

    Stages: ``hypnogram`` when given (a :class:`~twitchscope.hypnogram.Hypnogram` or a file),
    else the reference file's own (an EDF+ or XML reference usually has them), else the file the
    predicted side's ``summary.json`` names as its hypnogram source. Events: ``events`` when
    given, else those of the same file as the stages, else the predicted side's events source.
    Reference leg movements among the events are dropped (they are not events to associate with).

    Returns
    -------
    hypnogram : Hypnogram or None
        None when no stages were found (indices are then per hour of recording).
    events : DataFrame or None
        Event table (``onset``, ``duration``, ``kind``, ...) or None.
    """
    from twitchscope.hypnogram import Hypnogram

    summary = read_output_summary(predicted) if summary is None else summary
    hyp: Hypnogram | None = None
    ev: pd.DataFrame | None = None
    if isinstance(hypnogram, Hypnogram):
        hyp = hypnogram
    elif hypnogram is not None:
        from twitchscope.io.annotations import read_annotations

        ann = read_annotations(Path(hypnogram))
        hyp, ev = ann.require_hypnogram(), ann.events
    else:
        ref = Path(reference)
        if ref.suffix.lower() != ".csv" and not ref.is_dir():
            hyp, ev = _annotations(ref, quiet=True)
        if hyp is None:
            # A score output records where its stages came from: use the same ones.
            source = summary_file(summary, "hypnogram_source")
            if source is not None:
                hyp, file_ev = _annotations(source, quiet=True)
                ev = file_ev if ev is None else ev
    if events is not None:
        import pandas as pd

        ev = events if isinstance(events, pd.DataFrame) else _annotations(events, quiet=False)[1]
    elif ev is None:
        ev_source = summary_file(summary, "events_source")
        if ev_source is not None:
            ev = _annotations(ev_source, quiet=True)[1]
    if ev is not None and "kind" in ev.columns:
        ev = ev[ev["kind"] != "limb_movement"].reset_index(drop=True)
    return hyp, ev


def run_validation(
    predicted: PathType,
    reference: PathType,
    *,
    iou: float = 0.2,
    onset_tolerance: float = 0.5,
    hypnogram: Hypnogram | PathType | None = None,
    events: pd.DataFrame | PathType | None = None,
    rules: str | RuleSet = "wasm2016",
    recording_duration: float | None = None,
) -> ValidationResult:
    """Agreement of predicted with reference leg movements, events and indices.

    Parameters
    ----------
    predicted : path-like
        A ``twitchscope score`` output directory, its ``leg_movements.csv``, or any reference
        format (CSV ``leg,onset,duration``; EDF+ annotations; NSRR or Profusion XML).
    reference : path-like
        The reference leg movements, in any of those formats.
    iou : float
        Minimum intersection over union for two movements to match (0-1].
    onset_tolerance : float
        Second criterion: onsets at most this many seconds apart.
    hypnogram : Hypnogram or path-like, optional
        Stages for the index comparison (see :func:`choose_stages_and_events` for the default).
    events : DataFrame or path-like, optional
        Respiratory events and arousals for the index comparison.
    rules : str or RuleSet
        Rules both sides are re-scored with for the index comparison.
    recording_duration : float, optional
        Recording length in seconds; by default the predicted side's ``summary.json``, the
        hypnogram's end or (a lower bound, with a warning) the end of the last movement.

    Returns
    -------
    ValidationResult
        Per-leg precision, recall, F1, onset/offset errors (s), the index agreement (empty,
        with a warning, when the indices cannot be compared) and warnings.

    Raises
    ------
    TwitchscopeError
        When either side cannot be read, or a given hypnogram or events file is bad.
    """
    pred = load_movements(predicted)
    ref = load_movements(reference)
    result = compare_movements(pred, ref, iou=iou, onset_tolerance=onset_tolerance)
    warnings = list(result.warnings)
    summary = read_output_summary(predicted)
    hyp, ev = choose_stages_and_events(
        predicted, reference, hypnogram=hypnogram, events=events, summary=summary
    )
    if recording_duration is not None:
        if not recording_duration > 0:
            from twitchscope.errors import ValidationError

            raise ValidationError("recording_duration", f"must be > 0 s, got {recording_duration}")
        duration, origin = float(recording_duration), "given"
    else:
        duration, origin = recording_duration_for(pred, ref, summary, hyp)
    if origin == "last movement":
        warnings.append(
            "recording length unknown: taken as the end of the last movement for the index "
            "comparison (give --recording-duration)"
        )
    if hyp is None:
        warnings.append("no hypnogram: indices compared per hour of recording, not of sleep")
    try:
        agreement = index_agreement(
            pred, ref, recording_duration=duration, rules=rules, hypnogram=hyp, events=ev
        )
    except TwitchscopeError as exc:
        agreement = {}
        warnings.append(f"indices not compared: {exc}")
    return dataclasses.replace(
        result,
        index_agreement=agreement,
        warnings=warnings,
        predicted=str(predicted),
        reference=str(reference),
    )
