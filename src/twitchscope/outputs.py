"""The output contract of ``twitchscope score``: the files it writes into its output directory.

``leg_movements.csv``
    One row per single-leg movement: ``leg``, ``onset`` (s), ``duration`` (s), ``amplitude_uv``,
    ``stage`` (then ``area_uv_s``, ``resting_uv`` when detected).
``scored_movements.csv``
    One row per movement after bilateral combination: ``onset``, ``duration``, ``legs``,
    ``candidate``, ``periodic``, ``series`` (int or empty), ``interval`` (s from the previous
    candidate's onset, empty for the first), ``respiratory``, ``arousal``, ``stage``, then any
    further scoring columns.
``summary.json``
    Every index, the rules (preset and every option), channels, warnings, source file,
    software version and excluded time per leg.
``hypnogram.csv``
    Only when the night had sleep stages: one row per epoch, ``onset`` (s), ``duration`` (s),
    ``stage``; readable back with ``--hypnogram`` and used to draw reports from the directory.
``summary.csv``
    The same indices as one row: identity columns (``source``, ``recording_start``,
    ``recording_duration_s``, ``rules``, ``mode``, ``index_basis``, ``channel_left``,
    ``channel_right``, ``n_warnings``), then every numeric index by its summary.json name, nested
    ones flattened to ``plms_index_by_stage.N2`` (see :func:`twitchscope.exports.summary_row`).
``scored_movements.edf``
    The scored movements as EDF+ annotations: an annotation-only EDF+C file with the recording's
    start date and time, to open beside the recording in a viewer such as EDFbrowser; texts like
    ``"PLMS both, arousal"`` (see :func:`twitchscope.exports.movement_annotations`).
``twitches.csv``
    One row per other twitch event (hypnic jerk, fragmentary myoclonus stretch, ALMA,
    hypnagogic foot tremor, long movement, tremor): ``kind``, ``leg``, ``onset``, ``duration``,
    ``stage``, ``bursts``, ``frequency_hz``, ``amplitude_uv``, ``rate_per_min``; summary.json
    ``twitches`` holds counts and indices per kind and the EFM verdict. None of them counts
    towards the PLM indices.
``hypnogram_auto.csv``
    With automatic staging (``score --stage auto``): the automatic hypnogram, one row per epoch
    with its confidence and stage probabilities; summary.json ``staging`` describes it and
    ``hypnogram_automatic`` is true.
``report.html``
    The report (see :mod:`twitchscope.report.score_report`).

:func:`write_outputs` writes them; :func:`twitchscope.score_to_dir` scores a night and calls it.
The writers of the other commands' results live here too: :func:`write_validation`
(``twitchscope validate --out``) and :func:`write_assessment` (``twitchscope assess``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Final

from twitchscope.errors import InputFileError

# summary.json's content is built in twitchscope.summary (the report draws from it too); its
# names stay importable from here.
from twitchscope.summary import SUMMARY_KEYS as SUMMARY_KEYS
from twitchscope.summary import build_summary as build_summary

# numpy, pandas and the report are imported inside the functions that need them: the writer of
# ``twitchscope assess`` lives here too, and that command must start fast.
if TYPE_CHECKING:
    import pandas as pd

    from twitchscope.clinical.assessment import Assessment
    from twitchscope.results import ScoreResult
    from twitchscope.validate import ValidationResult

LEG_MOVEMENT_COLUMNS: Final[tuple[str, ...]] = (
    "leg",
    "onset",
    "duration",
    "amplitude_uv",
    "stage",
    "area_uv_s",
    "resting_uv",
)
SCORED_COLUMNS: Final[tuple[str, ...]] = (
    "onset",
    "duration",
    "legs",
    "candidate",
    "periodic",
    "series",
    "interval",
    "respiratory",
    "arousal",
    "stage",
)
#: The files of the output contract, in the order they are written.
FILES: Final[tuple[str, ...]] = (
    "leg_movements.csv",
    "scored_movements.csv",
    "summary.json",
    "summary.csv",
    "scored_movements.edf",
    "twitches.csv",
    "report.html",
)
_FLOAT_FORMAT: Final[str] = "%.4f"


def leg_movements_table(result: ScoreResult) -> pd.DataFrame:
    """``leg_movements.csv`` as a DataFrame (contract columns first, then the rest)."""
    import numpy as np

    mv = result.movements.copy()
    for col in ("amplitude_uv",):
        if col not in mv.columns:
            mv[col] = np.nan
    if "stage" not in mv.columns:
        mv["stage"] = "UNS"
    first = [c for c in LEG_MOVEMENT_COLUMNS if c in mv.columns]
    return mv[first + [c for c in mv.columns if c not in first]]


def scored_table(result: ScoreResult) -> pd.DataFrame:
    """``scored_movements.csv`` as a DataFrame; ``series`` is a nullable integer."""
    import pandas as pd

    sc = result.scored.copy()
    for col in SCORED_COLUMNS:
        if col not in sc.columns:
            sc[col] = pd.NA
    series = pd.to_numeric(sc["series"], errors="coerce")
    sc["series"] = series.round().astype("Int64")
    first = list(SCORED_COLUMNS)
    return sc[first + [c for c in sc.columns if c not in first]]


def hypnogram_table(result: ScoreResult) -> pd.DataFrame | None:
    """``hypnogram.csv`` as a DataFrame (one row per epoch), or None without sleep stages."""
    import numpy as np
    import pandas as pd

    hyp = result.hypnogram
    if hyp is None:
        return None
    onset = hyp.offset + np.arange(hyp.n_epochs) * hyp.epoch_length
    duration = np.full(hyp.n_epochs, hyp.epoch_length)
    return pd.DataFrame({"onset": onset, "duration": duration, "stage": hyp.as_array()})


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_summary(result: ScoreResult, path: str | PathLike[str]) -> Path:
    """Write ``summary.json`` only (used by the speed benchmark and the cohort runner)."""
    p = Path(path)
    _write_text(p, json.dumps(build_summary(result), indent=2, allow_nan=False) + "\n")
    return p


def check_output_dir(out_dir: str | PathLike[str]) -> Path:
    """Check that ``out_dir`` can be an output directory (before any work is done).

    Returns
    -------
    Path

    Raises
    ------
    InputFileError
        When the path exists and is not a directory, or a parent of it is a file.
    """
    d = Path(out_dir)
    if d.exists() and not d.is_dir():
        raise InputFileError(d, "the output path exists and is not a directory")
    for parent in d.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputFileError(d, f"{parent} is a file, not a directory")
            break
    return d


def make_output_dir(out_dir: str | PathLike[str]) -> Path:
    """Create the output directory (and its parents) when missing; return it.

    Raises
    ------
    InputFileError
        When it exists as a file or cannot be created (the reason given).
    """
    d = check_output_dir(out_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(d, f"cannot create the output directory ({exc.strerror})") from None
    return d


def write_outputs(
    result: ScoreResult, out_dir: str | PathLike[str], *, report: bool = True
) -> Path:
    """Write the output contract files into ``out_dir`` (created when missing).

    Parameters
    ----------
    result : ScoreResult
    out_dir : path-like
        The output directory; an existing file of that name is an error.
    report : bool
        Also write ``report.html`` (the slowest file: figures are drawn).

    Returns
    -------
    Path
        The output directory.

    Raises
    ------
    InputFileError
        When the directory or a file in it cannot be written (the reason given).
    """
    from twitchscope.exports import write_edf_annotations, write_summary_csv

    d = make_output_dir(out_dir)
    try:
        leg_movements_table(result).to_csv(
            d / "leg_movements.csv", index=False, float_format=_FLOAT_FORMAT
        )
        scored_table(result).to_csv(
            d / "scored_movements.csv", index=False, float_format=_FLOAT_FORMAT
        )
        write_summary(result, d / "summary.json")
        write_summary_csv(result, d / "summary.csv")
        write_edf_annotations(result, d / "scored_movements.edf")
        hyp = hypnogram_table(result)
        if hyp is not None:
            hyp.to_csv(d / "hypnogram.csv", index=False, float_format=_FLOAT_FORMAT)
        if result.twitches is not None:
            result.twitches.events.to_csv(
                d / "twitches.csv", index=False, float_format=_FLOAT_FORMAT
            )
        if result.staging is not None:
            result.staging.table().to_csv(d / "hypnogram_auto.csv", index=False)
    except OSError as exc:
        where = exc.filename if exc.filename else d
        raise InputFileError(where, f"cannot write ({exc.strerror or exc})") from None
    if report:
        write_report(result, d / "report.html")
    return d


def write_report(result: ScoreResult, path: str | PathLike[str]) -> Path:
    """Draw ``report.html`` (:func:`twitchscope.report.score_report.render_score_report`)."""
    from twitchscope.report.score_report import render_score_report

    p = Path(path)
    try:
        _write_text(p, render_score_report(result))
    except OSError as exc:
        raise InputFileError(p, f"cannot write ({exc.strerror or exc})") from None
    return p


def validation_json(result: ValidationResult) -> str:
    """A :class:`~twitchscope.validate.ValidationResult` as JSON text (NaN written as null)."""
    from twitchscope.jsonsafe import json_safe

    return json.dumps(json_safe(result.to_dict()), indent=2, allow_nan=False)


def write_validation(result: ValidationResult, path: str | PathLike[str]) -> Path:
    """Write :func:`validation_json` to ``path`` (replaced atomically) and return the path.

    Raises
    ------
    InputFileError
        When the file cannot be written (the reason given).
    """
    p = Path(path)
    try:
        _write_text(p, validation_json(result) + "\n")
    except OSError as exc:
        raise InputFileError(p, f"cannot write ({exc.strerror or exc})") from None
    return p


#: Files ``twitchscope assess`` writes into its output directory.
ASSESSMENT_FILES: Final[tuple[str, ...]] = ("assessment.json", "assessment.html")


def write_assessment(
    result: Assessment,
    out_dir: str | PathLike[str],
    *,
    inputs: Iterable[str | PathLike[str] | None] = (),
) -> tuple[Path, Path]:
    """Write ``assessment.json`` and ``assessment.html`` into ``out_dir`` (created when missing).

    Parameters
    ----------
    result : Assessment
        From :func:`twitchscope.clinical.assess`.
    out_dir : path-like
        The output directory.
    inputs : iterable of path-like
        The files the assessment was made from (answers, labs, diary, summary.json): none of
        them is ever overwritten.

    Returns
    -------
    tuple of Path
        The JSON and HTML files.

    Raises
    ------
    InputFileError
        When an output would replace an input, or the directory or a file cannot be written.
    """
    from twitchscope.report.assessment_report import render_assessment_html

    d = Path(out_dir)
    targets = tuple(d / name for name in ASSESSMENT_FILES)
    given = {Path(p).resolve() for p in inputs if p is not None}
    for t in targets:
        if t.resolve() in given:
            raise InputFileError(t, "is an input file; choose another output directory")
    make_output_dir(d)
    try:
        _write_text(targets[0], result.to_json() + "\n")
        _write_text(targets[1], render_assessment_html(result))
    except OSError as exc:
        where = exc.filename if exc.filename else d
        raise InputFileError(where, f"cannot write ({exc.strerror or exc})") from None
    return targets[0], targets[1]
