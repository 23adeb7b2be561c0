"""Reading the inputs of one night for scoring: leg signals in µV, stages and events.

:func:`prepare` takes a file path, an open :class:`~twitchscope.io.recording.Recording` or an
``mne`` Raw and returns :class:`PreparedInputs`; detection and scoring (:mod:`twitchscope.api`)
start from there. Only the leg channels (and ECG, when present) are decoded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from twitchscope.errors import ChannelError, InputFileError, MissingDependencyError
from twitchscope.io.channels import (
    LabelledChannel,
    find_role,
    label_channels,
    pick_leg_channels,
    resolve_channel,
)
from twitchscope.signal import Signal

# pandas, the hypnogram and the annotation readers are imported where they are used: reading
# the signals (read_signals) needs numpy only, so a run starts decoding its recording on a
# thread while those modules load (twitchscope.api).
if TYPE_CHECKING:
    import pandas as pd

    from twitchscope.detect.ecg import SlopeEnergyStream
    from twitchscope.hypnogram import Hypnogram
    from twitchscope.io.annotations import Annotations
    from twitchscope.io.recording import ChannelInfo, Recording


def _empty_events() -> pd.DataFrame:
    from twitchscope.events import empty_events

    return empty_events()


@dataclass
class PreparedInputs:
    """Everything read from the inputs before detection: signals in µV, stages, events.

    ``left``/``right`` are None only when reference movements are scored (no EMG needed).
    ``r_times`` holds the R-peak times (s) of the ECG, found right after it is decoded; the ECG
    samples are not kept (detection needs only the beat times, and an 8 h ECG at 512 Hz is
    57 MB). ``ecg`` is for callers that fill the inputs themselves.
    """

    source: str
    recording_duration: float
    recording_start: datetime | None
    left: Signal | None = None
    right: Signal | None = None
    ecg: Signal | None = None
    r_times: npt.NDArray[np.float64] | None = None
    channels: dict[str, str | None] = field(default_factory=dict)
    hypnogram: Hypnogram | None = None
    hypnogram_source: str = ""
    events: pd.DataFrame = field(default_factory=_empty_events)
    events_source: str = ""
    warnings: list[str] = field(default_factory=list)
    embedded: Annotations | None = None


def _is_path(x: object) -> bool:
    return isinstance(x, str | PathLike)


def _is_mne_raw(x: object) -> bool:
    return any(c.__module__.startswith("mne.") and c.__name__ == "BaseRaw" for c in type(x).__mro__)


def _read_annotation_file(
    path: str | PathLike[str], duration: float, codes: Mapping[int, str] | None = None
) -> Annotations:
    from twitchscope.io.annotations import read_annotations

    return read_annotations(Path(path), recording_duration=duration, codes=codes)


def stage_code_mapping(stage_codes: Mapping[int, str] | str) -> dict[int, str]:
    """Integer stage codes to stage strings, from a mapping or text like ``"0=W,1=N1,5=R"``.

    Integer codes differ between tools (REM is 5 in Profusion, 4 in others), so twitchscope
    reads integer-coded hypnograms only with an explicit mapping.

    Parameters
    ----------
    stage_codes : mapping of int to str, or str
        ``{0: "W", 1: "N1", 2: "N2", 3: "N3", 5: "R"}`` or ``"0=W,1=N1,2=N2,3=N3,5=R"``; the
        stages may be written as any stage word (``"REM"``, ``"wake"``, ``"S2"``).

    Returns
    -------
    dict
        Code -> one of ``W, N1, N2, N3, R, UNS``.

    Raises
    ------
    ValidationError
        For an item that is not ``integer=stage`` or a stage word that is not a stage.
    """
    from twitchscope.io.annotations.codes import check_codes, parse_codes

    if isinstance(stage_codes, str):
        return parse_codes(stage_codes)
    return check_codes(stage_codes, "stage_codes")


def check_stage_codes(
    stage_codes: Mapping[int, str] | str | None, hypnogram: object
) -> dict[int, str] | None:
    """The integer stage codes to use (None when not given), checked against ``hypnogram``.

    Raises
    ------
    ValidationError
        Codes given without a hypnogram file, or codes that do not parse.
    """
    from twitchscope.errors import ValidationError
    from twitchscope.hypnogram import Hypnogram

    if stage_codes is None:
        return None
    if hypnogram is None or isinstance(hypnogram, Hypnogram):
        raise ValidationError(
            "stage_codes", "needs a hypnogram file (the file the integer codes are in)"
        )
    return stage_code_mapping(stage_codes)


def _note_replaced_events(inputs: PreparedInputs, given: str) -> None:
    """Say so when given events replace respiratory events/arousals embedded in the recording."""
    if inputs.embedded is None:
        return
    embedded = inputs.embedded.events
    embedded = embedded[embedded["kind"] != "limb_movement"]
    if len(embedded):
        kinds = ", ".join(f"{k} {n}" for k, n in embedded["kind"].value_counts().items())
        inputs.warnings.append(
            f"the events of {given} replace the {len(embedded)} event(s) in the recording's own "
            f"annotations ({kinds}), which are not used; give the events in one file to use both"
        )


def _resolve_stages_and_events(
    inputs: PreparedInputs,
    hypnogram: Hypnogram | str | PathLike[str] | None,
    events: pd.DataFrame | str | PathLike[str] | None,
    codes: dict[int, str] | None = None,
) -> None:
    """Fill ``inputs.hypnogram`` and ``inputs.events`` from the arguments or embedded notes."""
    import pandas as pd

    from twitchscope.events import check_events
    from twitchscope.hypnogram import Hypnogram

    dur = inputs.recording_duration
    hyp_file: Annotations | None = None
    if isinstance(hypnogram, Hypnogram):
        inputs.hypnogram = hypnogram
        inputs.hypnogram_source = hypnogram.source or "given"
    elif hypnogram is not None:
        hyp_file = _read_annotation_file(hypnogram, dur, codes)
        inputs.hypnogram = hyp_file.require_hypnogram()
        inputs.hypnogram_source = str(hypnogram)
        inputs.warnings.extend(hyp_file.warnings)
    elif inputs.embedded is not None and inputs.embedded.hypnogram is not None:
        inputs.hypnogram = inputs.embedded.hypnogram
        inputs.hypnogram_source = f"{inputs.source} (annotations)"

    if isinstance(events, pd.DataFrame):
        inputs.events = check_events(events, "events")
        inputs.events_source = "given"
    elif events is not None:
        same = hypnogram is not None and not isinstance(hypnogram, Hypnogram)
        ev_file = (
            hyp_file
            if same and hyp_file is not None and Path(str(hypnogram)) == Path(events)
            else _read_annotation_file(events, dur)
        )
        if ev_file is not hyp_file:
            inputs.warnings.extend(ev_file.warnings)
        inputs.events = ev_file.events
        inputs.events_source = str(events)
        _note_replaced_events(inputs, str(events))
    elif hyp_file is not None and len(hyp_file.events):
        inputs.events = hyp_file.events
        inputs.events_source = str(hypnogram)
        _note_replaced_events(inputs, str(hypnogram))
    elif inputs.embedded is not None:
        inputs.events = inputs.embedded.events
        inputs.events_source = f"{inputs.source} (annotations)" if len(inputs.events) else ""
    # Reference leg movements in an events file are not events to associate with.
    ev = inputs.events
    inputs.events = ev[ev["kind"] != "limb_movement"].reset_index(drop=True)

    hyp = inputs.hypnogram
    if hyp is not None:
        # (a hypnogram shorter than the recording is reported once, by the scoring)
        hyp.check_covers(dur, name=f"recording {inputs.source}")
    else:
        inputs.warnings.append(
            "no hypnogram: indices are per hour of recording, not per hour of sleep, and "
            "movements in wake cannot be told from movements in sleep"
        )


@dataclass
class SignalsRead:
    """What :func:`read_signals` decoded: the legs (µV) and the ECG's R-peak times (s)."""

    left: Signal
    right: Signal
    r_times: npt.NDArray[np.float64] | None


@dataclass
class SignalsDecoded:
    """What :func:`decode_signals` decoded: the checked legs (µV) and what the R peaks are
    found from (see :meth:`beat_times`)."""

    left: Signal
    right: Signal
    #: Finds the ECG's R-peak times (s); None without ECG, or once run (see beat_times).
    beats: Callable[[], npt.NDArray[np.float64]] | None = field(default=None, repr=False)

    def beat_times(self) -> npt.NDArray[np.float64] | None:
        """The ECG's R-peak times (s), None without ECG; found once, then the ECG is dropped."""
        find, self.beats = self.beats, None
        return None if find is None else find()


def decode_signals(
    rec: Recording, left: str | None = None, right: str | None = None
) -> SignalsDecoded:
    """Decode the two legs and the ECG (when there is one) in one pass, and check the legs.

    The ECG of a continuous recording is never held whole: its slope energy is computed
    block by block as it is decoded (:class:`twitchscope.detect.ecg.SlopeEnergyStream`), and
    :meth:`SignalsDecoded.beat_times` finds the R peaks from it. Needs numpy only. The leg
    checks (:func:`twitchscope.io.quality.check_leg_signal`) run on two threads; their
    warnings are added to ``rec.warnings`` in leg order, and the left leg's error comes first.

    Raises
    ------
    ChannelError
        For an unusable ECG header, a missing, ambiguous, flat, clipped or too slow leg.
    """
    from twitchscope._threads import run_all
    from twitchscope.detect.ecg import r_peak_times
    from twitchscope.io.quality import check_leg_signal

    try:
        ecg_ch: ChannelInfo | None = rec.find("ecg")
    except ChannelError:
        ecg_ch = None
    if ecg_ch is not None:
        rec.check_loadable(ecg_ch.label)
    pick_leg_channels(rec.channels, rec.path, left, right)  # the one picking code path
    names = [left or "leg_left", right or "leg_right"]
    stream = _slope_energy_stream(rec, ecg_ch) if ecg_ch is not None else None
    whole_ecg = [ecg_ch.label] if ecg_ch is not None and stream is None else []
    loaded = rec.load_many(
        [*names, *whole_ecg],
        reducers={ecg_ch.label: stream} if ecg_ch is not None and stream is not None else None,
    )
    legs = [loaded[n] for n in names]
    beats: Callable[[], npt.NDArray[np.float64]] | None = None
    if ecg_ch is not None and stream is not None:
        block_s = stream.block / ecg_ch.fs
        beats = functools.partial(_beats_from_stream, stream, block_s, rec.signal_start)
    elif ecg_ch is not None:
        beats = functools.partial(r_peak_times, loaded[ecg_ch.label])
    src = str(rec.path)
    found = run_all([functools.partial(check_leg_signal, leg, src) for leg in legs])
    for warns in found:
        for warn in warns:
            if warn not in rec.warnings:
                rec.warnings.append(warn)
    return SignalsDecoded(left=legs[0], right=legs[1], beats=beats)


def _slope_energy_stream(rec: Recording, ecg: ChannelInfo) -> SlopeEnergyStream | None:
    """The ECG's slope energy to make while decoding, or None when the ECG must be decoded
    whole: an EDF+D's records are not contiguous, and a record must hold more samples than
    one energy block (a record shorter than ~25 ms)."""
    from twitchscope.detect.ecg import SlopeEnergyStream, ecg_block

    block = ecg_block(ecg.fs)
    if not rec.is_continuous or ecg.samples_per_record <= block:
        return None
    return SlopeEnergyStream(ecg.n_samples, block)


def _beats_from_stream(
    stream: SlopeEnergyStream, block_s: float, start: float
) -> npt.NDArray[np.float64]:
    from twitchscope.detect.ecg import r_peaks_from_energy

    return r_peaks_from_energy(stream.energy(), block_s, start)


def read_signals(rec: Recording, left: str | None = None, right: str | None = None) -> SignalsRead:
    """Decode the two legs and the ECG (when there is one), check the legs, find the R peaks.

    :func:`decode_signals`, then :meth:`SignalsDecoded.beat_times`: the ECG is reduced to its
    R-peak times (detection needs only the beat times). Needs numpy only.

    Raises
    ------
    ChannelError
        For an unusable ECG header, a missing, ambiguous, flat, clipped or too slow leg.
    """
    decoded = decode_signals(rec, left, right)
    return SignalsRead(left=decoded.left, right=decoded.right, r_times=decoded.beat_times())


def _prepare_file(
    path: str | PathLike[str], left: str | None, right: str | None, load_signals: bool
) -> PreparedInputs:
    from twitchscope.io.recording import open_recording

    rec = open_recording(path)
    try:
        inputs = _prepare_recording_object(rec, left, right, load_signals)
    finally:
        rec.close()
    inputs.source = str(path)
    return inputs


def prepare_read(
    rec: Recording,
    signals: SignalsRead,
    *,
    hypnogram: Hypnogram | str | PathLike[str] | None = None,
    events: pd.DataFrame | str | PathLike[str] | None = None,
    stage_codes: Mapping[int, str] | str | None = None,
) -> PreparedInputs:
    """:func:`prepare` for a recording whose signals :func:`read_signals` already decoded.

    Reads the annotations (stages, events) and closes ``rec``. Used by
    :func:`twitchscope.api.score_to_dir`, which reads the signals on a thread from the start.
    """
    try:
        codes = check_stage_codes(stage_codes, hypnogram)
        inputs = _prepare_recording_object(rec, None, None, True, signals)
    finally:
        rec.close()
    inputs.source = str(rec.path)
    _resolve_stages_and_events(inputs, hypnogram, events, codes)
    return inputs


def _leg_labels(
    channels: Sequence[LabelledChannel],
    source: str | PathLike[str],
    left: str | None,
    right: str | None,
) -> dict[str, str | None]:
    """Labels of the leg channels when they are not loaded (None when not found)."""
    out: dict[str, str | None] = {}
    for leg, name in (("left", left), ("right", right)):
        try:
            out[leg] = resolve_channel(channels, name or f"leg_{leg}", source).label
        except ChannelError:
            out[leg] = None
    return out


def _prepare_recording_object(
    rec: Recording,
    left: str | None,
    right: str | None,
    load_signals: bool,
    signals: SignalsRead | None = None,
) -> PreparedInputs:
    from twitchscope.io.annotations import annotations_from_descriptions

    src = str(rec.path)
    inputs = PreparedInputs(
        source=src, recording_duration=float(rec.duration), recording_start=rec.start
    )
    if load_signals:
        got = read_signals(rec, left, right) if signals is None else signals
        inputs.r_times = got.r_times
        inputs.left, inputs.right = got.left, got.right
        inputs.channels = {"left": got.left.label, "right": got.right.label}
    else:
        inputs.channels = _leg_labels(rec.channels, rec.path, left, right)
    raw = rec.raw_annotations()
    if len(raw):
        inputs.embedded = annotations_from_descriptions(
            raw["onset"],
            raw["duration"],
            raw["description"],
            source=src,
            recording_duration=inputs.recording_duration,
        )
        inputs.warnings.extend(inputs.embedded.warnings)
    inputs.warnings[:0] = [w for w in rec.warnings if w not in inputs.warnings]
    return inputs


def _prepare_mne(
    raw: Any, left: str | None, right: str | None, load_signals: bool
) -> PreparedInputs:
    from twitchscope.io.annotations import annotations_from_descriptions

    names: list[str] = list(raw.ch_names)
    src = (
        str(raw.filenames[0]) if getattr(raw, "filenames", None) and raw.filenames[0] else "mne Raw"
    )
    fs = float(raw.info["sfreq"])
    duration = raw.n_times / fs
    meas = raw.info.get("meas_date")
    start = meas.replace(tzinfo=None) if isinstance(meas, datetime) else None
    inputs = PreparedInputs(source=src, recording_duration=duration, recording_start=start)
    channels = label_channels(names)
    if not load_signals:
        inputs.channels = _leg_labels(channels, src, left, right)
    else:
        from twitchscope.io.quality import check_leg_signal

        sigs: dict[str, Signal] = {}
        legs = pick_leg_channels(channels, src, left, right)
        for leg, ch in zip(("left", "right"), legs, strict=True):
            data = raw.get_data(picks=[ch.index])[0] * 1e6  # mne keeps volts
            sig = Signal(
                label=ch.label,
                data=data.astype(np.float32),
                fs=fs,
                role=f"leg_{leg}",
                unit="uV",
                source_unit="V",
                source=src,
            )
            inputs.warnings.extend(check_leg_signal(sig, src))
            sigs[leg] = sig
        inputs.left, inputs.right = sigs["left"], sigs["right"]
        inputs.channels = {"left": sigs["left"].label, "right": sigs["right"].label}
        try:
            ecg = find_role(channels, "ecg", src)
        except ChannelError:
            ecg = None
        if ecg is not None:
            from twitchscope.detect.ecg import r_peak_times

            data = raw.get_data(picks=[ecg.index])[0] * 1e6
            inputs.r_times = r_peak_times(
                Signal(label=ecg.label, data=data.astype(np.float32), fs=fs, role="ecg", source=src)
            )
    ann = raw.annotations
    if len(ann):
        shift = float(raw.first_time) if ann.orig_time is not None else 0.0
        inputs.embedded = annotations_from_descriptions(
            np.asarray(ann.onset, dtype=float) - shift,
            ann.duration,
            ann.description,
            source=src,
            recording_duration=duration,
        )
        inputs.warnings.extend(inputs.embedded.warnings)
    return inputs


def prepare(
    recording: Any,
    *,
    hypnogram: Hypnogram | str | PathLike[str] | None = None,
    events: pd.DataFrame | str | PathLike[str] | None = None,
    left: str | None = None,
    right: str | None = None,
    load_signals: bool = True,
    stage_codes: Mapping[int, str] | str | None = None,
) -> PreparedInputs:
    """Read the leg channels (and ECG when present), the hypnogram and the scored events.

    Parameters
    ----------
    recording : path-like, Recording or mne.io.BaseRaw
    hypnogram, events : optional
        Given objects or annotation files; when missing, the recording's own EDF+ (or mne)
        annotations are used when they hold stages/events. Events in the hypnogram file come
        along unless ``events`` is given.
    left, right : str, optional
        Leg channel labels (or roles) overriding the alias table.
    load_signals : bool
        False when reference movements are scored (no EMG is decoded).
    stage_codes : mapping or str, optional
        Integer stage codes of the hypnogram file (see :func:`stage_code_mapping`); needs
        ``hypnogram`` to be a file.

    Raises
    ------
    TwitchscopeError
        Missing or unusable leg channel, hypnogram not fitting the recording, bad files.
    """
    from twitchscope.io.recording import Recording

    codes = check_stage_codes(stage_codes, hypnogram)
    if _is_path(recording):
        inputs = _prepare_file(recording, left, right, load_signals)
    elif isinstance(recording, Recording):
        inputs = _prepare_recording_object(recording, left, right, load_signals)
    elif _is_mne_raw(recording):
        inputs = _prepare_mne(recording, left, right, load_signals)
    else:
        try:
            import mne  # noqa: F401
        except ImportError:
            raise MissingDependencyError("mne", "mne", "scoring an mne Raw object") from None
        raise InputFileError(
            str(type(recording).__name__),
            "not a recording: give a file path, a twitchscope Recording or an mne Raw",
        )
    _resolve_stages_and_events(inputs, hypnogram, events, codes)
    return inputs
