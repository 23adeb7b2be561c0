"""``twitchscope.score`` and ``twitchscope.score_to_dir``: from a recording to scored leg movements.

The work is split in steps, each a public function: :func:`~twitchscope.prepare.prepare` (read
the leg channels and the annotations), :func:`detect_movements` (or :func:`reference_movements`),
:func:`score_prepared`; then :func:`twitchscope.outputs.write_outputs` (tables, summary, exports)
and :func:`twitchscope.report.score_report.render_score_report` (report.html). :func:`score` runs
the first three, :func:`score_to_dir` all of them: it is the whole ``twitchscope score`` command,
which the CLI, the web app and the cohort runner call alike. Both report each step to an optional
``progress`` callback as plain :class:`~twitchscope.progress.ProgressEvent` values.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from twitchscope.errors import InputFileError, ValidationError
from twitchscope.progress import ProgressCallback, ProgressEvent, StepTimer

# Only light modules at the top: score_to_dir starts decoding the recording on a thread
# (numpy only) and loads pandas, the annotation readers and the scorer meanwhile.
if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from twitchscope._threads import Background
    from twitchscope.detect.emg import BeatTimes
    from twitchscope.detect.result import LegDetection
    from twitchscope.hypnogram import Hypnogram
    from twitchscope.io.recording import Recording
    from twitchscope.prepare import PreparedInputs, SignalsDecoded, prepare
    from twitchscope.results import ScoreResult
    from twitchscope.scoring.rules import RuleSet
    from twitchscope.signal import Signal


def __getattr__(name: str) -> Any:
    # prepare and PreparedInputs stay importable from here (imported on first use)
    if name in ("prepare", "PreparedInputs"):
        import twitchscope.prepare

        return getattr(twitchscope.prepare, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Movements",
    "PreparedInputs",
    "ProgressCallback",
    "ProgressEvent",
    "detect_movements",
    "prepare",
    "reference_movements",
    "score",
    "score_prepared",
    "score_to_dir",
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
    #: Each leg's part of twitch detection, done beside its leg-movement detection
    #: (:class:`twitchscope.detect.twitches.LegBursts`; empty unless asked for).
    twitch_legs: tuple[Any, ...] = field(default=(), repr=False)


def detect_movements(
    inputs: PreparedInputs, rules: RuleSet, *, twitches: bool = False
) -> Movements:
    """Detect leg movements on both legs' EMG (as :func:`twitchscope.detect.detect_legs`).

    The legs run on two threads (see :mod:`twitchscope._threads`); the result is the same as
    one after the other. With ``twitches`` each leg's part of twitch detection (its fine
    envelope and bursts, :func:`twitchscope.detect.twitches.leg_bursts`) is done on the same
    thread from the same filter pass, for :func:`detect_other_twitches` to take.
    """
    from twitchscope.detect.ecg import r_peak_times

    left, right = inputs.left, inputs.right
    if left is None or right is None:
        raise InputFileError(inputs.source, "the leg signals were not loaded")
    r_times = inputs.r_times
    if r_times is None and inputs.ecg is not None:
        r_times = r_peak_times(inputs.ecg)  # once for both legs
    # the twitch step blanks with inputs.r_times: its legs are done here only with those
    twitches = twitches and r_times is inputs.r_times
    return _movements(_detect_both(left, right, r_times, rules, twitches=twitches), inputs)


#: One leg's leg-movement detection and, when asked for, its part of twitch detection.
LegPass = tuple["LegDetection", Any]


def _detect_both(
    left: Signal, right: Signal, r_times: BeatTimes, rules: RuleSet, *, twitches: bool
) -> list[LegPass]:
    """Both legs' detections, the legs on two threads (numpy releases the GIL in its loops).

    The same results as one leg after the other: the warnings in the same order, the left
    leg's error first. With ``twitches`` each leg's twitch part follows its detection on the
    same thread, from the same filter pass (:class:`~twitchscope.detect.filters.EnvelopeShare`).
    ``r_times`` given as a function is called once a leg's EMG is filtered (see
    :func:`twitchscope.detect.detect_leg_movements`).
    """
    from twitchscope._threads import run_all

    return run_all(
        [
            lambda: _detect_leg(left, "left", r_times, rules, twitches),
            lambda: _detect_leg(right, "right", r_times, rules, twitches),
        ]
    )


def _detect_leg(
    signal: Signal,
    leg: Literal["left", "right"],
    r_times: BeatTimes,
    rules: RuleSet,
    twitches: bool,
) -> LegPass:
    """One leg's leg-movement detection and, with ``twitches``, its part of twitch detection.

    An error of the twitch part is not raised here: the twitch step then does that leg again
    and raises it there, after the leg movements were scored, as a run without this pass would.
    """
    from twitchscope.detect import detect_leg_movements

    if not twitches:
        return detect_leg_movements(signal, leg, rules=rules, r_times=r_times), None
    from twitchscope.detect.filters import EnvelopeShare
    from twitchscope.detect.twitches.rules import AASM2020

    share = EnvelopeShare(AASM2020.envelope_block_s, rules.bandpass_hz)
    det = detect_leg_movements(signal, leg, rules=rules, r_times=r_times, share=share)
    if callable(r_times):
        r_times = r_times()  # already waited for by the detection
    # imported after the filtering, which needs numpy only: meanwhile the calling thread of a
    # file's pipeline imports pandas, which the twitch part (and the movement table) need
    from twitchscope.detect.twitches import leg_bursts

    try:
        part = leg_bursts(
            signal, leg, rules=AASM2020, bandpass_hz=rules.bandpass_hz, r_times=r_times,
            share=share,
        )  # fmt: skip
    except Exception:
        part = None
    return det, part


def _movements(passes: list[LegPass], inputs: PreparedInputs) -> Movements:
    """The two legs' detections as one table of movements to score."""
    import pandas as pd

    (dl, tl), (dr, tr) = passes
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
        twitch_legs=tuple(t for t in (tl, tr) if t is not None),
    )


def reference_movements(
    movements: pd.DataFrame | str | PathLike[str], inputs: PreparedInputs
) -> Movements:
    """Leg movements a person (or another tool) already marked: a table or an annotation file."""
    import numpy as np
    import pandas as pd

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


def detect_other_twitches(inputs: PreparedInputs, movements: Movements, rules: RuleSet) -> Any:
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
            per_leg=movements.twitch_legs,
        )
    return twitches_from_movements(
        movements.table, hypnogram=inputs.hypnogram, duration=inputs.recording_duration
    )


def score_prepared(inputs: PreparedInputs, movements: Movements, rules: RuleSet) -> ScoreResult:
    """Score the movements with the rules, stages and events of ``inputs`` (the other twitch
    kinds are added by :func:`detect_other_twitches`; they never enter the PLM indices)."""
    import numpy as np

    from twitchscope.results import ScoreResult
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
    )


def _run_score(
    recording: Any,
    steps: StepTimer,
    *,
    hypnogram: Hypnogram | str | PathLike[str] | None,
    events: pd.DataFrame | str | PathLike[str] | None,
    rules: str | RuleSet,
    left: str | None,
    right: str | None,
    movements: pd.DataFrame | str | PathLike[str] | None,
    stage_codes: Mapping[int, str] | str | None,
    twitches: bool = True,
    stage: str | None = None,
    load_later: Callable[[], None] | None = None,
) -> ScoreResult:
    """The read, detect (or reference) and score steps, timed and reported by ``steps``; with
    ``stage="auto"`` an automatic staging step first, with ``twitches`` a twitch-kinds step.
    ``load_later`` (see :func:`_load_later_steps`) runs while the legs are being detected.

    A recording given as a file path is read and detected on threads from the start
    (:class:`_Pipeline`) while the annotation readers, the scorer and (with ``stage="auto"``)
    the stager load and run; the steps report when their results are ready.
    """
    from twitchscope.scoring.rules import get_rules

    rs = get_rules(rules)
    if stage is not None:
        if stage != "auto":
            raise ValidationError("stage", f"the only value is 'auto', got {stage!r}")
        if hypnogram is not None:
            raise ValidationError(
                "stage", "'auto' stages a recording without hypnogram; drop the hypnogram"
            )
        if not isinstance(recording, str | PathLike):
            raise ValidationError("stage", "'auto' needs the recording's file")
    pipeline = (
        _Pipeline(recording, left, right, rs, twitches)
        if movements is None and isinstance(recording, str | PathLike)
        else None
    )
    auto = None
    if stage is not None:
        from twitchscope.staging import stage_automatically

        with steps.step("stage", "staging the night automatically (YASA)") as end:
            auto = stage_automatically(recording)
            hypnogram = auto.hypnogram
            end(f"staged {auto.hypnogram.n_epochs} epochs automatically")
    with steps.step("read", "reading the recording") as end:
        if pipeline is not None:
            inputs = pipeline.inputs(hypnogram, events, stage_codes)
        else:
            from twitchscope.prepare import prepare

            inputs = prepare(
                recording,
                hypnogram=hypnogram,
                events=events,
                left=left,
                right=right,
                load_signals=movements is None,
                stage_codes=stage_codes,
            )
        end("read the recording")
    if movements is None:
        with steps.step("detect", "detecting leg movements") as end:
            if pipeline is not None:
                mv = _movements(pipeline.detections(while_waiting=load_later), inputs)
            else:
                mv = detect_movements(inputs, rs, twitches=twitches)
            end(f"detected {len(mv.table)} leg movements")
    else:
        with steps.step("reference", "reading reference leg movements") as end:
            mv = reference_movements(movements, inputs)
            end(f"read {len(mv.table)} reference leg movements")
    with steps.step("score", f"scoring ({rs.name})") as end:
        result = score_prepared(inputs, mv, rs)
        end(f"scored ({rs.name})")
    if twitches:
        with steps.step("twitches", "finding the other twitch kinds") as end:
            tw = detect_other_twitches(inputs, mv, rs)
            result = dataclasses.replace(result, twitches=tw)
            end(f"found {len(tw.events)} other twitch events")
    if auto is not None:
        from twitchscope.staging import mark_automatic

        result = mark_automatic(result, auto)
    return result


class _Pipeline:
    """Reading and detection of a recording file on threads, started at once.

    One thread opens the file, decodes the legs (and the ECG's slope energy) and checks the
    legs (:func:`~twitchscope.prepare.decode_signals`, which shares the work with a second
    thread); as soon as that is done, one job finds the ECG's R peaks and another detects both
    legs (:func:`_detect_both`), whose filtering does not need the R peaks: a leg waits for
    them only once its EMG is filtered. All of it needs numpy only until the movement tables are
    built, so it runs while the calling thread loads pandas and the readers of the
    annotations. Errors are raised where the serial code would raise them, in the same order.
    """

    def __init__(self, path: str | PathLike[str], left: str | None, right: str | None,
                 rules: RuleSet, twitches: bool) -> None:  # fmt: skip
        from twitchscope._threads import Background

        self.reader: Background[tuple[Recording, SignalsDecoded]] = Background(
            lambda: self._read(path, left, right), name="twitchscope-read"
        )
        self.beats: Background[npt.NDArray[np.float64] | None] = Background(
            lambda: self.reader.result()[1].beat_times(), name="twitchscope-beats"
        )

        def detect() -> list[LegPass]:
            decoded = self.reader.result()[1]
            return _detect_both(
                decoded.left, decoded.right, self.beats.result, rules, twitches=twitches
            )

        self.detector: Background[list[LegPass]] = Background(detect, name="twitchscope-detect")

    @staticmethod
    def _read(
        path: str | PathLike[str], left: str | None, right: str | None
    ) -> tuple[Recording, SignalsDecoded]:
        from twitchscope.io.recording import open_recording
        from twitchscope.prepare import decode_signals

        rec = open_recording(path)
        try:
            return rec, decode_signals(rec, left, right)
        except BaseException:
            rec.close()
            raise

    def inputs(
        self,
        hypnogram: Hypnogram | str | PathLike[str] | None,
        events: pd.DataFrame | str | PathLike[str] | None,
        stage_codes: Mapping[int, str] | str | None,
    ) -> PreparedInputs:
        """The prepared inputs: stages and events read here, signals from the reading thread."""
        from twitchscope.prepare import SignalsRead, check_stage_codes, prepare_read

        check_stage_codes(stage_codes, hypnogram)  # as prepare(): before the recording's errors
        rec, decoded = self.reader.result()
        signals = SignalsRead(decoded.left, decoded.right, self.beats.result())
        return prepare_read(
            rec, signals, hypnogram=hypnogram, events=events, stage_codes=stage_codes
        )

    def detections(self, while_waiting: Callable[[], None] | None = None) -> list[LegPass]:
        """Both legs' detections, with their twitch parts when asked for (waits for them).

        ``while_waiting`` runs first in the calling thread when the detections are not ready
        yet; its errors are ignored (it may only prepare later steps, which raise their own).
        """
        if while_waiting is not None and not self.detector.done():
            with contextlib.suppress(Exception):
                while_waiting()
        return self.detector.result()


#: Modules the steps after detection import (scoring, the results, the output writers).
LATER_MODULES: Final = (
    "twitchscope.scoring.pipeline",
    "twitchscope.results",
    "twitchscope.outputs",
    "twitchscope.exports",
)


def _load_later_steps(report: bool) -> None:
    """Import what the steps after detection use, and with ``report`` compile report.html's
    template, while the legs are still being detected.

    The calling thread only waits for the detection threads meanwhile; done after them, these
    imports (Jinja2 among them) were ~0.04 s of a run that nothing else overlapped.
    """
    import importlib

    for name in LATER_MODULES:
        importlib.import_module(name)
    if report:
        from twitchscope.report.score_report import REPORT_TEMPLATE
        from twitchscope.report.templating import environment

        environment().get_template(REPORT_TEMPLATE)


def score(
    recording: Any,
    *,
    hypnogram: Hypnogram | str | PathLike[str] | None = None,
    events: pd.DataFrame | str | PathLike[str] | None = None,
    rules: str | RuleSet = "wasm2016",
    left: str | None = None,
    right: str | None = None,
    movements: pd.DataFrame | str | PathLike[str] | None = None,
    stage_codes: Mapping[int, str] | str | None = None,
    progress: ProgressCallback | None = None,
    twitches: bool = True,
    stage: str | None = None,
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
        ``"wasm2016"`` (default), ``"aasm"`` or a :class:`~twitchscope.scoring.rules.RuleSet`
        (options given as text: :func:`twitchscope.scoring.rule_options.rules_from_text`).
    left, right : str, optional
        Leg channel labels (or roles), when the alias table does not find them.
    movements : DataFrame or path-like, optional
        Reference single-leg movements (``leg, onset, duration`` table, EDF+ annotations, NSRR
        or Profusion XML): scored instead of detected, as PLMScoRe and SOMAS do.
    stage_codes : mapping of int to str, or str, optional
        Integer stage codes used in the ``hypnogram`` file, e.g. ``"0=W,1=N1,2=N2,3=N3,5=R"``
        (see :func:`twitchscope.prepare.stage_code_mapping`); codes differ between tools, so
        none is assumed.
    progress : callable, optional
        Called with a :class:`~twitchscope.progress.ProgressEvent` when each step (``stage``,
        ``read``, ``detect`` or ``reference``, ``score``, ``twitches``) starts and ends.
    twitches : bool
        Also find the other twitch kinds (hypnic jerks, fragmentary myoclonus, ALMA, hypnagogic
        foot tremor, long movements, tremor: ``result.twitches``). They never enter the PLM
        indices.
    stage : {"auto"}, optional
        Stage a recording without hypnogram automatically from its EEG (YASA, the ``staging``
        extra): the result is marked automatic (``result.staging``, a first warning).

    Returns
    -------
    ScoreResult

    Raises
    ------
    TwitchscopeError
        For bad input (missing or flat leg channel, hypnogram not fitting the recording, ...).
    """
    return _run_score(
        recording,
        StepTimer(progress, total=3 + int(twitches) + int(stage is not None)),
        hypnogram=hypnogram,
        events=events,
        rules=rules,
        left=left,
        right=right,
        movements=movements,
        stage_codes=stage_codes,
        twitches=twitches,
        stage=stage,
    )


def score_to_dir(
    recording: Any,
    out: str | PathLike[str],
    *,
    hypnogram: Hypnogram | str | PathLike[str] | None = None,
    events: pd.DataFrame | str | PathLike[str] | None = None,
    rules: str | RuleSet = "wasm2016",
    left: str | None = None,
    right: str | None = None,
    movements: pd.DataFrame | str | PathLike[str] | None = None,
    stage_codes: Mapping[int, str] | str | None = None,
    report: bool = True,
    progress: ProgressCallback | None = None,
    twitches: bool = True,
    stage: str | None = None,
) -> ScoreResult:
    """Score one night and write the output contract of ``twitchscope score`` into ``out``.

    This is the whole ``score`` command: read, detect (or take reference movements), score,
    write the tables, ``summary.json`` and the exports (see :mod:`twitchscope.outputs`), and
    draw ``report.html``.

    Parameters
    ----------
    recording : str, path-like, Recording or mne.io.BaseRaw
        As for :func:`score`.
    out : path-like
        Output directory, created when missing; an existing file of that name is an error
        (checked before any work).
    hypnogram, events, rules, left, right, movements, stage_codes, twitches, stage
        As for :func:`score` (``twitches.csv`` and, with ``stage="auto"``,
        ``hypnogram_auto.csv`` are written too). Ankle accelerometer files are scored by
        :func:`twitchscope.accelerometer.score_accelerometer_to_dir`.
    report : bool
        Also draw ``report.html`` (default True).
    progress : callable, optional
        Called with a :class:`~twitchscope.progress.ProgressEvent` when each step (``read``,
        ``detect`` or ``reference``, ``score``, ``write``, ``report``) starts and ends.

    Returns
    -------
    ScoreResult
        The scored night (also written to ``out``).

    Raises
    ------
    TwitchscopeError
        For bad input, or an output directory that cannot be created or written.
    """
    from twitchscope.outputs import check_output_dir, write_outputs, write_report

    d = check_output_dir(out)
    steps = StepTimer(progress, total=(5 if report else 4) + int(twitches) + int(stage is not None))
    result = _run_score(
        recording,
        steps,
        hypnogram=hypnogram,
        events=events,
        rules=rules,
        left=left,
        right=right,
        movements=movements,
        stage_codes=stage_codes,
        twitches=twitches,
        stage=stage,
        load_later=functools.partial(_load_later_steps, report),
    )
    with steps.step("write", "writing tables, summary and exports") as end:
        write_outputs(result, d, report=False)
        end("wrote tables, summary.json and exports")
    if report:
        with steps.step("report", "drawing report.html") as end:
            write_report(result, d / "report.html")
            end("drew report.html")
    return result
