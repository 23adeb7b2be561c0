"""Turn labelled intervals into :class:`Annotations`: the part every reader shares.

A reader feeds a :class:`Collector` with stage intervals, events and unknown labels as it goes
through its file, then calls :meth:`Collector.finish`, which checks the times, builds the
hypnogram, checks that both fit the recording and writes the warnings.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from twitchscope.errors import InputFileError, TwitchscopeError
from twitchscope.events import make_events
from twitchscope.hypnogram import Hypnogram
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.vocabulary import (
    IGNORED_LABELS,
    UNDIVIDED_NREM_LABELS,
    event_of,
    normalize_label,
    stage_of,
)

_MAX_LABELS_SHOWN = 10
#: Latest onset and longest duration (s) an annotation may have: about 116 days, beyond any
#: recording; larger values come from a corrupt file (and would make absurd allocations).
MAX_TIME_S: Final = 1e7
#: Events longer than these (s) are legal but unusual enough to say so: every movement they cover
#: is associated with them.
LONG_EVENT_S: Final[dict[str, float]] = {
    "arousal": 60.0,
    "obstructive_apnea": 300.0,
    "central_apnea": 300.0,
    "mixed_apnea": 300.0,
    "apnea": 300.0,
    "hypopnea": 300.0,
    "rera": 300.0,
}


@dataclass
class Collector:
    """Accumulates what a reader finds in one file.

    Parameters
    ----------
    source : str
        The file, for messages.
    format : str
        The annotation format (see :data:`~twitchscope.io.annotations.model.FORMATS`).
    epoch_length : float
        Scoring epoch length in seconds; a stage without a duration covers one epoch.
    """

    source: str
    format: str
    epoch_length: float = 30.0
    stage_onset: list[float] = field(default_factory=list)
    stage_duration: list[float] = field(default_factory=list)
    stage: list[str] = field(default_factory=list)
    stage_label: list[str] = field(default_factory=list)
    onset: list[float] = field(default_factory=list)
    duration: list[float] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    leg: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)
    unknown_stages: Counter[str] = field(default_factory=Counter)
    undivided_nrem: int = 0
    legless_movements: int = 0
    notes: list[str] = field(default_factory=list)

    def add_stage(self, onset: float, duration: float, stage: str, label: str) -> None:
        """Add a stage interval (``duration`` NaN or 0: one epoch)."""
        self.stage_onset.append(onset)
        self.stage_duration.append(duration)
        self.stage.append(stage)
        self.stage_label.append(label)

    def add_event(self, onset: float, duration: float, kind: str, leg: str, label: str) -> None:
        """Add a scored event (``duration`` NaN: 0 s)."""
        if kind == "limb_movement" and not leg:
            self.legless_movements += 1
        self.onset.append(onset)
        self.duration.append(duration)
        self.kind.append(kind)
        self.leg.append(leg)
        self.label.append(label)

    def add_unknown(self, onset: float, duration: float, label: str) -> None:
        """Keep an annotation whose label the vocabulary does not know, as kind ``other``."""
        self.unknown[label] += 1
        self.add_event(onset, duration, "other", "", label)

    def add_unknown_stage(self, onset: float, duration: float, label: str) -> None:
        """Keep a stage whose label the vocabulary does not know, as ``UNS``."""
        self.unknown_stages[label] += 1
        self.add_stage(onset, duration, "UNS", label)

    def add_label(self, onset: float, duration: float, label: str, leg_hint: str = "") -> None:
        """Classify a free-text label (EDF+, BIDS, Profusion name) and add it.

        ``leg_hint`` is the leg a limb movement is on when the label itself does not say
        (e.g. from the channel it was scored on).
        """
        text = label.strip()
        norm = normalize_label(text)
        if not text or norm in IGNORED_LABELS:
            return
        stage = stage_of(text)
        if stage is not None:
            self.add_stage(onset, duration, stage, text)
            return
        if norm in UNDIVIDED_NREM_LABELS:
            self.undivided_nrem += 1
            self.add_stage(onset, duration, "UNS", text)
            return
        event = event_of(text)
        if event is not None:
            self.add_event(onset, duration, event.kind, event.leg or leg_hint, text)
            return
        self.add_unknown(onset, duration, text)

    def note(self, message: str) -> None:
        """Add a warning of the reader's own."""
        self.notes.append(message)

    def finish(self, recording_duration: float | None = None) -> Annotations:
        """Check everything and build the :class:`Annotations`.

        Parameters
        ----------
        recording_duration : float, optional
            Length of the recording in seconds; when given, events starting more than one
            epoch after its end, and a hypnogram longer than it, are errors.

        Raises
        ------
        InputFileError
            For a non-finite or negative time, a negative duration, overlapping stages, or
            annotations that do not fit the recording.
        """
        self._check_times(self.stage_onset, self.stage_duration, self.stage_label)
        self._check_times(self.onset, self.duration, self.label)
        hypnogram = self._hypnogram(recording_duration)
        dur = [0.0 if math.isnan(d) else d for d in self.duration]
        try:
            events = make_events(self.onset, dur, self.kind, self.leg, self.label, self.source)
        except TwitchscopeError as exc:
            raise InputFileError(self.source, str(exc)) from exc
        if recording_duration is not None and len(events):
            limit = recording_duration + self.epoch_length
            late = events["onset"].to_numpy() > limit
            if late.any():
                i = int(np.argmax(late))
                raise InputFileError(
                    self.source,
                    f"event {events['label'].iat[i]!r} at {events['onset'].iat[i]:.1f} s lies "
                    f"past the end of the recording ({recording_duration:.1f} s); is this the "
                    "annotation file of another recording?",
                )
            ends = (events["onset"] + events["duration"]).to_numpy()
            long = ends > limit
            if long.any():
                i = int(np.argmax(long))
                raise InputFileError(
                    self.source,
                    f"event {events['label'].iat[i]!r} at {events['onset'].iat[i]:.1f} s has a "
                    f"duration of {events['duration'].iat[i]:g} s, which runs past the end of "
                    f"the recording ({recording_duration:.1f} s)",
                )
        self._note_long_events(events)
        return Annotations(hypnogram, events, self.source, self.format, self._warnings())

    def _note_long_events(self, events: pd.DataFrame) -> None:
        """Warn about unusually long arousals and respiratory events (legal, but rare)."""
        for kind, limit in LONG_EVENT_S.items():
            of_kind = events[(events["kind"] == kind) & (events["duration"] > limit)]
            if len(of_kind):
                k = int(np.argmax(of_kind["duration"].to_numpy()))
                self.note(
                    f"{self.source}: {len(of_kind)} {kind.replace('_', ' ')} event(s) last "
                    f"longer than {limit:g} s (the longest {of_kind['duration'].iat[k]:g} s at "
                    f"{of_kind['onset'].iat[k]:.1f} s); every leg movement they cover is "
                    "associated with them: check the scoring"
                )

    def _check_times(self, onsets: list[float], durations: list[float], labels: list[str]) -> None:
        on = np.asarray(onsets, dtype=float)
        du = np.asarray(durations, dtype=float)
        bad_on = ~np.isfinite(on) | (on < 0)
        if bad_on.any():
            i = int(np.argmax(bad_on))
            raise InputFileError(
                self.source, f"annotation {labels[i]!r} has an invalid onset ({on[i]} s)"
            )
        huge_on = on > MAX_TIME_S
        if huge_on.any():
            i = int(np.argmax(huge_on))
            raise InputFileError(
                self.source,
                f"annotation {labels[i]!r} has an onset of {on[i]:g} s, beyond any recording "
                f"(more than {MAX_TIME_S:g} s, about {MAX_TIME_S / 86400:.0f} days)",
            )
        bad_du = np.isinf(du) | (du < 0)
        if bad_du.any():
            i = int(np.argmax(bad_du))
            raise InputFileError(
                self.source,
                f"annotation {labels[i]!r} at {on[i]:.1f} s has an invalid duration ({du[i]} s)",
            )
        huge_du = du > MAX_TIME_S
        if huge_du.any():
            i = int(np.argmax(huge_du))
            raise InputFileError(
                self.source,
                f"annotation {labels[i]!r} at {on[i]:.1f} s has a duration of {du[i]:g} s, "
                f"beyond any recording (more than {MAX_TIME_S:g} s)",
            )

    def _hypnogram(self, recording_duration: float | None) -> Hypnogram | None:
        if not self.stage:
            return None
        epoch = self.epoch_length
        on = np.asarray(self.stage_onset, dtype=float)
        du = np.asarray(self.stage_duration, dtype=float)
        du = np.where(np.isnan(du) | (du <= 0), epoch, du)
        # Stages are whole epochs: snap to the epoch grid of the first stage, so that jitter
        # in the file's times (29.999 s) is not taken for an overlap; real overlaps remain.
        start = float(on.min())
        on = start + np.rint((on - start) / epoch) * epoch
        du = np.maximum(np.rint(du / epoch), 1.0) * epoch
        try:
            hyp = Hypnogram.from_intervals(on, du, self.stage, epoch, source=self.source)
        except TwitchscopeError as exc:
            raise InputFileError(self.source, _strip_source(str(exc), self.source)) from exc
        if recording_duration is None:
            return hyp
        hyp = self._trim_unscored_tail(hyp, recording_duration)
        try:
            hyp.check_covers(recording_duration)
        except TwitchscopeError as exc:
            raise InputFileError(self.source, _strip_source(str(exc), self.source)) from exc
        return hyp

    def _trim_unscored_tail(self, hyp: Hypnogram, recording_duration: float) -> Hypnogram:
        """Drop trailing ``UNS`` epochs that start after the recording ends (e.g. Sleep-EDF)."""
        stages = list(hyp.stages)
        keep = len(stages)
        while keep > 0 and stages[keep - 1] == "UNS":
            if hyp.offset + (keep - 1) * hyp.epoch_length < recording_duration:
                break
            keep -= 1
        if keep == len(stages):
            return hyp
        if keep == 0:
            raise InputFileError(
                self.source, f"holds no sleep stage within the recording ({recording_duration} s)"
            )
        self.note(
            f"{self.source}: {len(stages) - keep} unscored epoch(s) after the end of the "
            "recording were dropped"
        )
        return Hypnogram(tuple(stages[:keep]), hyp.epoch_length, hyp.offset, hyp.source)

    def _warnings(self) -> list[str]:
        out = list(self.notes)
        if self.unknown:
            total = sum(self.unknown.values())
            shown = ", ".join(
                f"{lab!r} x{n}" for lab, n in self.unknown.most_common(_MAX_LABELS_SHOWN)
            )
            more = len(self.unknown) - _MAX_LABELS_SHOWN
            tail = f" and {more} more label(s)" if more > 0 else ""
            out.append(
                f"{self.source}: {total} annotation(s) with unrecognised labels kept as kind "
                f"'other': {shown}{tail}"
            )
        if self.unknown_stages:
            total = sum(self.unknown_stages.values())
            shown = ", ".join(
                f"{lab!r} x{n}" for lab, n in self.unknown_stages.most_common(_MAX_LABELS_SHOWN)
            )
            out.append(
                f"{self.source}: {total} stage annotation(s) with unrecognised labels counted "
                f"as UNS: {shown}"
            )
        if self.undivided_nrem:
            out.append(
                f"{self.source}: {self.undivided_nrem} stage annotation(s) of undivided NREM "
                "sleep ('Sleep stage N') counted as UNS; twitchscope needs N1, N2 or N3"
            )
        if self.legless_movements:
            out.append(
                f"{self.source}: {self.legless_movements} limb movement(s) do not say which leg; "
                "they are kept as events but not used as per-leg reference movements"
            )
        return out


def _strip_source(message: str, source: str) -> str:
    """Remove a leading ``"<source>: "`` so that InputFileError does not repeat the file name."""
    prefix = f"{source}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
