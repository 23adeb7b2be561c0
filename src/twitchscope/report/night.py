"""What a report needs of one scored night, as plain data: :class:`NightView`.

A :class:`NightView` comes from a :class:`~twitchscope.results.ScoreResult` in memory
(:meth:`NightView.from_result`) or from the output directory ``twitchscope score`` wrote
(:func:`load_night`: ``summary.json``, ``leg_movements.csv``, ``scored_movements.csv`` and, when
the night had sleep stages, ``hypnogram.csv``). Both give the same view, so the night report,
the doctor report and the web app draw the same figures from either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.errors import InputFileError

if TYPE_CHECKING:
    from twitchscope.results import ScoreResult

FloatArray = npt.NDArray[np.float64]
_EMPTY = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class NightView:
    """One scored night, reduced to what reports show.

    Attributes
    ----------
    summary : dict
        The content of ``summary.json`` (every index, ``rules``, ``channels``, ``warnings``,
        ``source`` ...), plain JSON values.
    recording_duration_s : float
        Recording length in seconds.
    recording_start : datetime or None
        Clock time of the recording start, when known.
    stage_onset, stage_duration : arrays of float
        Runs of equal sleep stage (s from the recording start); empty without a hypnogram.
    stage : array of str
        The stage of each run (``W``, ``N1``, ``N2``, ``N3``, ``R``, ``UNS``).
    left_onsets, right_onsets : arrays of float
        Onsets (s) of the single-leg movements of each leg.
    periodic_onsets : array of float
        Onsets (s) of the periodic movements (PLMs, sleep and wake).
    series_start, series_end : arrays of float
        Start and end (s) of each PLM series.
    origin : str
        Where the view was made from (a directory, or ``"scored in memory"``).
    hypnogram_missing : bool
        True when the night had sleep stages but they could not be read back (an output
        directory written before ``hypnogram.csv`` existed): figures say so.
    twitches : DataFrame or None
        Other twitch kinds (``twitches.csv``: ``kind``, ``leg``, ``onset``, ``duration``,
        ``stage``, ...), None when they were not looked for.
    unsure_onsets : array of float
        With automatic sleep staging: onsets (s) of the epochs whose stage confidence is below
        the low-confidence threshold.
    epoch_length : float
        Epoch length of the hypnogram (s).
    """

    summary: dict[str, Any]
    recording_duration_s: float
    recording_start: datetime | None = None
    stage_onset: FloatArray = field(default_factory=lambda: _EMPTY)
    stage_duration: FloatArray = field(default_factory=lambda: _EMPTY)
    stage: npt.NDArray[np.str_] = field(default_factory=lambda: np.zeros(0, dtype="<U3"))
    left_onsets: FloatArray = field(default_factory=lambda: _EMPTY)
    right_onsets: FloatArray = field(default_factory=lambda: _EMPTY)
    periodic_onsets: FloatArray = field(default_factory=lambda: _EMPTY)
    series_start: FloatArray = field(default_factory=lambda: _EMPTY)
    series_end: FloatArray = field(default_factory=lambda: _EMPTY)
    origin: str = "scored in memory"
    hypnogram_missing: bool = False
    twitches: pd.DataFrame | None = None
    unsure_onsets: FloatArray = field(default_factory=lambda: _EMPTY)
    epoch_length: float = 30.0

    @property
    def automatic_stages(self) -> bool:
        """Whether the sleep stages were scored automatically (not by a person)."""
        return bool(self.summary.get("hypnogram_automatic"))

    @property
    def has_hypnogram(self) -> bool:
        """Whether the indices are per hour of sleep (a hypnogram was used)."""
        basis = self.summary.get("index_basis")
        if basis is not None:
            return basis != "recording_time"
        return bool(self.summary.get("has_hypnogram", self.stage.size > 0))

    @property
    def rule_options(self) -> dict[str, Any]:
        """Every rule option (name -> value) of the scoring."""
        rules = self.summary.get("rules")
        opts = rules.get("options") if isinstance(rules, Mapping) else None
        return dict(opts) if isinstance(opts, Mapping) else {}

    @property
    def rules_name(self) -> str:
        """The rule preset's name (``wasm2016``, ``aasm``, ...)."""
        rules = self.summary.get("rules")
        name = rules.get("preset") if isinstance(rules, Mapping) else None
        return str(name) if name else "unknown"

    def interval_window(self) -> tuple[float, float]:
        """The PLM inter-movement interval window of the rules (s)."""
        opts = self.rule_options
        lo, hi = _number(opts.get("interval_min_s")), _number(opts.get("interval_max_s"))
        return (10.0 if lo is None else lo), (90.0 if hi is None else hi)

    @classmethod
    def from_result(cls, result: ScoreResult) -> NightView:
        """The view of a night scored in memory."""
        from twitchscope.summary import build_summary

        summary = build_summary(result)
        hyp = result.hypnogram
        if hyp is not None and hyp.n_epochs:
            iv = hyp.to_intervals()
            s_on = iv["onset"].to_numpy(dtype=np.float64)
            s_du = iv["duration"].to_numpy(dtype=np.float64)
            s_st = iv["stage"].to_numpy(dtype=str)
        else:
            s_on, s_du, s_st = _EMPTY, _EMPTY, np.zeros(0, dtype="<U3")
        left, right = _leg_onsets(result.movements)
        periodic, a, b = _periodic(result.scored)
        tw = getattr(result, "twitches", None)
        events = getattr(tw, "events", None)
        staging = getattr(result, "staging", None)
        unsure: FloatArray = _EMPTY
        if staging is not None and hyp is not None:
            conf = np.asarray(getattr(staging, "confidence", []), dtype=np.float64)
            starts = hyp.offset + np.arange(conf.size, dtype=np.float64) * hyp.epoch_length
            unsure = np.asarray(starts[conf < _low_confidence(summary)], dtype=np.float64)
        return cls(
            summary=summary,
            recording_duration_s=float(result.recording_duration),
            recording_start=result.recording_start,
            stage_onset=s_on,
            stage_duration=s_du,
            stage=s_st,
            left_onsets=left,
            right_onsets=right,
            periodic_onsets=periodic,
            series_start=a,
            series_end=b,
            twitches=events if isinstance(events, pd.DataFrame) else None,
            unsure_onsets=unsure,
            epoch_length=float(hyp.epoch_length) if hyp is not None else 30.0,
        )


def _low_confidence(summary: Mapping[str, Any]) -> float:
    staging = summary.get("staging")
    value = staging.get("low_confidence_threshold") if isinstance(staging, Mapping) else None
    f = _number(value)
    return 0.5 if f is None else f


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    f = float(v)
    return f if np.isfinite(f) else None


def _leg_onsets(mv: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    if mv.empty or "leg" not in mv.columns or "onset" not in mv.columns:
        return _EMPTY, _EMPTY
    leg = mv["leg"].astype(str).to_numpy()
    on = pd.to_numeric(mv["onset"], errors="coerce").to_numpy(dtype=np.float64)
    ok = np.isfinite(on)
    return on[ok & (leg == "left")], on[ok & (leg == "right")]


def _truthy(col: pd.Series) -> npt.NDArray[np.bool_]:
    """A boolean column that may have been read from CSV as text."""
    if col.dtype == bool:
        return col.to_numpy(dtype=bool)
    text = col.astype(str).str.strip().str.lower()
    return text.isin(("true", "1", "yes")).to_numpy()


def _periodic(sc: pd.DataFrame) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Onsets of periodic movements and the (start, end) of each PLM series."""
    if sc.empty or "onset" not in sc.columns:
        return _EMPTY, _EMPTY, _EMPTY
    onset = pd.to_numeric(sc["onset"], errors="coerce").to_numpy(dtype=np.float64)
    periodic = _truthy(sc["periodic"]) if "periodic" in sc.columns else np.zeros(len(sc), bool)
    per = onset[periodic & np.isfinite(onset)]
    if "series" not in sc.columns:
        return per, _EMPTY, _EMPTY
    series = pd.to_numeric(sc["series"], errors="coerce").to_numpy(dtype=np.float64)
    dur = (
        pd.to_numeric(sc["duration"], errors="coerce").to_numpy(dtype=np.float64)
        if "duration" in sc.columns
        else np.zeros(len(sc))
    )
    ok = np.isfinite(series) & np.isfinite(onset)
    if not ok.any():
        return per, _EMPTY, _EMPTY
    sid, on, end = series[ok], onset[ok], onset[ok] + np.nan_to_num(dur[ok])
    order = np.argsort(sid, kind="stable")
    sid, on, end = sid[order], on[order], end[order]
    starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    return per, np.minimum.reduceat(on, starts), np.maximum.reduceat(end, starts)


# ---------------------------------------------------------------------------------------------
# Reading an output directory of ``twitchscope score``


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(path, "no such file (is this a `twitchscope score` output?)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(doc, dict):
        raise InputFileError(path, "not a twitchscope score summary (expected a JSON object)")
    for key in ("plms_index", "rules", "warnings"):
        if key not in doc:
            raise InputFileError(path, f"not a twitchscope score summary: no {key!r} key")
    return doc


def _read_table(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, usecols=lambda c: c in columns, keep_default_na=True)
    except FileNotFoundError:
        raise InputFileError(path, "no such file (is this a `twitchscope score` output?)") from None
    except pd.errors.EmptyDataError:
        raise InputFileError(path, "the file is empty (expected a header line)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputFileError(path, f"cannot be read as CSV ({exc})") from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputFileError(path, "missing column(s) " + ", ".join(missing))
    for c in ("onset", "duration"):
        if c in df.columns:
            values = pd.to_numeric(df[c], errors="coerce")
            bad = values.isna() & df[c].notna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                raise InputFileError(path, f"line {row}: {c} is not a number")
            df[c] = values
    return df


def _recording_start(value: Any, path: Path) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise InputFileError(path, f"recording_start {value!r} is not an ISO date-time") from None


def load_night(path: str | Path) -> NightView:
    """Read a ``twitchscope score`` output directory (or its ``summary.json``) as a NightView.

    Parameters
    ----------
    path : path-like
        The output directory, or the ``summary.json`` inside it. The movement tables next to it
        are read when present (without them the figures say they are not available); the
        hypnogram comes from ``hypnogram.csv``.

    Raises
    ------
    InputFileError
        A missing or unreadable file, bad JSON or CSV, or a file that is not a score output
        (the file and the problem are named).
    """
    p = Path(path)
    if p.is_dir():
        folder, summary_path = p, p / "summary.json"
    elif p.exists():
        folder, summary_path = p.parent, p
    else:
        raise InputFileError(p, "no such file or directory")
    summary = _read_summary(summary_path)
    duration = _number(summary.get("recording_duration_s"))
    if duration is None:
        rec_h = _number(summary.get("recording_time_h"))
        duration = rec_h * 3600.0 if rec_h is not None else None
    if duration is None or duration <= 0:
        raise InputFileError(summary_path, "no recording length (recording_duration_s)")
    start = _recording_start(summary.get("recording_start"), summary_path)

    left = right = periodic = a = b = _EMPTY
    lm_path = folder / "leg_movements.csv"
    if lm_path.exists():
        left, right = _leg_onsets(_read_table(lm_path, ("leg", "onset"), ("leg", "onset")))
    sc_path = folder / "scored_movements.csv"
    if sc_path.exists():
        sc = _read_table(
            sc_path, ("onset", "duration", "periodic", "series"), ("onset", "periodic")
        )
        periodic, a, b = _periodic(sc)

    twitches = None
    tw_path = folder / "twitches.csv"
    if tw_path.exists():
        twitches = _read_table(
            tw_path,
            ("kind", "leg", "onset", "duration", "stage", "frequency_hz"),
            ("kind", "onset", "duration"),
        )
    unsure: FloatArray = _EMPTY
    epoch_length = 30.0
    auto_path = folder / "hypnogram_auto.csv"
    if auto_path.exists():
        auto = _read_table(auto_path, ("onset", "duration", "confidence"), ("onset", "confidence"))
        conf = pd.to_numeric(auto["confidence"], errors="coerce").to_numpy(dtype=np.float64)
        unsure = np.asarray(
            auto["onset"].to_numpy(dtype=np.float64)[conf < _low_confidence(summary)],
            dtype=np.float64,
        )
        if "duration" in auto.columns and len(auto):
            epoch_length = float(auto["duration"].iloc[0])

    s_on = s_du = _EMPTY
    s_st = np.zeros(0, dtype="<U3")
    hyp_path = folder / "hypnogram.csv"
    staged = summary.get("index_basis", "total_sleep_time") != "recording_time"
    missing = False
    if hyp_path.exists():
        s_on, s_du, s_st = _read_hypnogram(hyp_path)
    elif staged:
        missing = True
    return NightView(
        summary=summary,
        recording_duration_s=duration,
        recording_start=start,
        stage_onset=s_on,
        stage_duration=s_du,
        stage=s_st,
        left_onsets=left,
        right_onsets=right,
        periodic_onsets=periodic,
        series_start=a,
        series_end=b,
        origin=str(folder),
        hypnogram_missing=missing,
        twitches=twitches,
        unsure_onsets=unsure,
        epoch_length=epoch_length,
    )


def _read_hypnogram(path: Path) -> tuple[FloatArray, FloatArray, npt.NDArray[np.str_]]:
    """Runs of equal stage from ``hypnogram.csv`` (``onset``, ``duration``, ``stage`` per epoch)."""
    from twitchscope.stages import STAGES

    df = _read_table(path, ("onset", "duration", "stage"), ("onset", "duration", "stage"))
    stage = df["stage"].astype(str).str.strip().to_numpy()
    bad = ~np.isin(stage, list(STAGES))
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 2
        raise InputFileError(path, f"line {row}: unknown sleep stage {stage[row - 2]!r}")
    onset = df["onset"].to_numpy(dtype=np.float64)
    dur = df["duration"].to_numpy(dtype=np.float64)
    if onset.size == 0:
        return _EMPTY, _EMPTY, np.zeros(0, dtype="<U3")
    # runs of equal stage that touch: one run each
    change = (
        np.flatnonzero(
            (stage[1:] != stage[:-1]) | (np.abs(onset[1:] - (onset[:-1] + dur[:-1])) > 1e-6)
        )
        + 1
    )
    starts = np.r_[0, change]
    ends = np.r_[change, onset.size]
    run_end = onset[ends - 1] + dur[ends - 1]
    return onset[starts], run_end - onset[starts], stage[starts].astype("<U3")
