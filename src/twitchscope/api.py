"""``twitchscope.score``: one call from a recording to scored leg movements.

The work is split in steps the CLI shows as progress: :func:`~twitchscope.prepare.prepare` (read
the leg channels and the annotations), :func:`detect_movements` (or :func:`reference_movements`),
:func:`score_prepared`. :func:`score` runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twitchscope.errors import InputFileError
from twitchscope.hypnogram import Hypnogram
from twitchscope.prepare import PreparedInputs, prepare
from twitchscope.results import ScoreResult
from twitchscope.scoring.rules import RuleSet, get_rules

__all__ = [
    "Movements",
    "PreparedInputs",
    "detect_movements",
    "prepare",
    "reference_movements",
    "score",
    "score_prepared",
]


@dataclass
class Movements:
    """Single-leg movements to score, with where they came from."""

    table: pd.DataFrame
    source: str
    detections: tuple[Any, ...] = ()
    excluded: pd.DataFrame | None = None
    excluded_s: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def detect_movements(inputs: PreparedInputs, rules: RuleSet) -> Movements:
    """Detect leg movements on both legs' EMG (see :func:`twitchscope.detect.detect_legs`)."""
    from twitchscope.detect import detect_legs

    if inputs.left is None or inputs.right is None:
        raise InputFileError(inputs.source, "the leg signals were not loaded")
    dl, dr = detect_legs(
        inputs.left, inputs.right, rules=rules, ecg=inputs.ecg, r_times=inputs.r_times
    )
    table = pd.concat([dl.movements, dr.movements], ignore_index=True)
    table = table.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)
    excluded = pd.concat(
        [dl.excluded.assign(leg=dl.leg), dr.excluded.assign(leg=dr.leg)], ignore_index=True
    )
    warnings = [w for w in (*dl.warnings, *dr.warnings) if w not in inputs.warnings]
    return Movements(
        table=table,
        source="detected",
        detections=(dl, dr),
        excluded=excluded,
        excluded_s={dl.leg: float(dl.excluded_s), dr.leg: float(dr.excluded_s)},
        warnings=list(dict.fromkeys(warnings)),
    )


def reference_movements(
    movements: pd.DataFrame | str | PathLike[str], inputs: PreparedInputs
) -> Movements:
    """Leg movements a person (or another tool) already marked: a table or an annotation file."""
    from twitchscope.validate.compare import normalise_movements

    if isinstance(movements, pd.DataFrame):
        table = normalise_movements(movements, "movements")
        extra = [c for c in ("amplitude_uv",) if c in movements.columns]
        source = "given table"
        if extra:
            table = table.merge(
                movements[["leg", "onset", *extra]], on=["leg", "onset"], how="left"
            )
    else:
        from twitchscope.io.annotations import read_reference_movements

        table = normalise_movements(
            read_reference_movements(Path(movements), recording_duration=inputs.recording_duration),
            str(movements),
        )
        source = str(movements)
    if "amplitude_uv" not in table.columns:
        table["amplitude_uv"] = np.nan
    table = table.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)
    warnings = []
    if table.empty:
        warnings.append(f"the reference {source} holds no leg movement")
    return Movements(table=table, source=source, warnings=warnings)


def detect_other_twitches(
    inputs: PreparedInputs, movements: Movements, rules: RuleSet
) -> Any:
    """The other twitch kinds of the night (:func:`twitchscope.detect.twitches.detect_twitches`).

    With the leg EMG loaded every kind is assessed; with reference movements only (no signals)
    long movements are, and the EMG-defined kinds are reported as not assessed.
    """
    from twitchscope.detect.twitches import detect_twitches, twitches_from_movements

    if inputs.left is not None and inputs.right is not None:
        return detect_twitches(
            inputs.left,
            inputs.right,
            movements=movements.table,
            hypnogram=inputs.hypnogram,
            bandpass_hz=rules.bandpass_hz,
            r_times=inputs.r_times,
        )
    return twitches_from_movements(
        movements.table, hypnogram=inputs.hypnogram, duration=inputs.recording_duration
    )


def score_prepared(
    inputs: PreparedInputs, movements: Movements, rules: RuleSet, *, twitches: bool = True
) -> ScoreResult:
    """Score the movements with the rules, stages and events of ``inputs`` (and, unless
    ``twitches`` is False, find the other twitch kinds, which do not enter the PLM indices)."""
    from twitchscope.scoring import score_leg_movements

    scoring = score_leg_movements(
        movements.table,
        recording_duration=inputs.recording_duration,
        rules=rules,
        hypnogram=inputs.hypnogram,
        events=inputs.events,
        recording_start=inputs.recording_start,
        excluded=movements.excluded,
    )
    mv = movements.table.copy()
    mv["stage"] = (
        inputs.hypnogram.stage_at(mv["onset"].to_numpy())
        if inputs.hypnogram is not None
        else np.full(len(mv), "UNS")
    )
    warnings = list(dict.fromkeys([*inputs.warnings, *movements.warnings, *list(scoring.warnings)]))
    return ScoreResult(
        movements=mv,
        scored=scoring.scored,
        indices=scoring.indices.to_dict(),
        rules=rules,
        channels=dict(inputs.channels),
        recording_duration=inputs.recording_duration,
        source=inputs.source,
        mode="detect" if movements.detections else "reference",
        movements_source=movements.source,
        detections=movements.detections,
        warnings=warnings,
        recording_start=inputs.recording_start,
        hypnogram=inputs.hypnogram,
        events=inputs.events,
        excluded_s=dict(movements.excluded_s),
        hypnogram_source=inputs.hypnogram_source,
        events_source=inputs.events_source,
        twitches=detect_other_twitches(inputs, movements, rules) if twitches else None,
    )


def score(
    recording: Any,
    *,
    hypnogram: Hypnogram | str | PathLike[str] | None = None,
    events: pd.DataFrame | str | PathLike[str] | None = None,
    rules: str | RuleSet = "wasm2016",
    left: str | None = None,
    right: str | None = None,
    movements: pd.DataFrame | str | PathLike[str] | None = None,
    twitches: bool = True,
) -> ScoreResult:
    """Detect (or take) leg movements of one night and score them to WASM 2016 or AASM.

    Parameters
    ----------
    recording : str, path-like, Recording or mne.io.BaseRaw
        An EDF/EDF+/BDF file (only the leg channels, and ECG when present, are decoded), an
        open :class:`~twitchscope.io.recording.Recording`, or an ``mne`` Raw (volts, converted to
        µV; needs the ``mne`` extra).
    hypnogram : Hypnogram or path-like, optional
        Sleep stages; by default the recording's own EDF+ annotations when they hold stages.
        Without stages, indices are per hour of recording and a warning says so.
    events : DataFrame or path-like, optional
        Respiratory events and arousals (event-table columns); by default from the
        hypnogram file or the recording's annotations.
    rules : str or RuleSet
        ``"wasm2016"`` (default), ``"aasm"`` or a :class:`~twitchscope.scoring.rules.RuleSet`.
    left, right : str, optional
        Leg channel labels, when the alias table does not find them.
    movements : DataFrame or path-like, optional
        Reference single-leg movements (``leg, onset, duration`` table, EDF+ annotations, NSRR
        or Profusion XML): scored instead of detected, as PLMScoRe and SOMAS do.
    twitches : bool
        Also find the other twitch kinds (hypnic jerks, EFM, ALMA, HFT, long movements,
        tremor; ``result.twitches``). They never enter the PLM indices.

    Returns
    -------
    ScoreResult

    Raises
    ------
    TwitchscopeError
        For bad input (missing or flat leg channel, hypnogram not fitting the recording, ...).
    """
    rs = get_rules(rules)
    inputs = prepare(
        recording,
        hypnogram=hypnogram,
        events=events,
        left=left,
        right=right,
        load_signals=movements is None,
    )
    mv = (
        detect_movements(inputs, rs)
        if movements is None
        else reference_movements(movements, inputs)
    )
    return score_prepared(inputs, mv, rs, twitches=twitches)
