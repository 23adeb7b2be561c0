"""Write small annotation files of every supported format, for the annotation reader tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

#: One scored event: onset (s), duration (s), label text, and an optional channel (Input).
Event = tuple[float, float, str] | tuple[float, float, str, str]

NSRR_STAGE_CONCEPT = {
    "W": "Wake|0",
    "N1": "Stage 1 sleep|1",
    "N2": "Stage 2 sleep|2",
    "N3": "Stage 3 sleep|3",
    "R": "REM sleep|5",
    "UNS": "Unscored|9",
}
PROFUSION_STAGE_CODE = {"W": 0, "N1": 1, "N2": 2, "N3": 3, "R": 5, "UNS": 9}
EDF_STAGE_TEXT = {
    "W": "Sleep stage W",
    "N1": "Sleep stage N1",
    "N2": "Sleep stage N2",
    "N3": "Sleep stage N3",
    "R": "Sleep stage R",
    "UNS": "Sleep stage ?",
}


def runs(stages: Sequence[str], epoch_length: float = 30.0) -> list[tuple[float, float, str]]:
    """Runs of equal stage as (onset, duration, stage)."""
    out: list[tuple[float, float, str]] = []
    start = 0
    for i in range(1, len(stages) + 1):
        if i == len(stages) or stages[i] != stages[start]:
            out.append((start * epoch_length, (i - start) * epoch_length, stages[start]))
            start = i
    return out


def write_edf(
    path: Path,
    annotations: Sequence[tuple[float, float | None, str]],
    duration: float = 600.0,
) -> Path:
    """An EDF+ file with one small signal of ``duration`` s and the given annotations."""
    from edfio import Edf, EdfAnnotation, EdfSignal

    fs = 1.0
    data = np.zeros(int(duration * fs))
    edf = Edf(
        [EdfSignal(data, sampling_frequency=fs, label="Leg L", physical_range=(-100, 100))],
        annotations=[EdfAnnotation(o, d, t) for o, d, t in annotations],
    )
    edf.write(path)
    return path


def write_edf_hypnogram(path: Path, stages: Sequence[str], epoch_length: float = 30.0) -> Path:
    """An EDF+ file whose annotations are the stage runs of ``stages``."""
    anns = [(o, d, EDF_STAGE_TEXT[s]) for o, d, s in runs(stages, epoch_length)]
    return write_edf(path, anns, duration=max(len(stages) * epoch_length, 1.0))


def _nsrr_event(
    event_type: str, concept: str, start: float, duration: float, extra: str = ""
) -> str:
    return (
        "<ScoredEvent>"
        f"<EventType>{escape(event_type)}</EventType>"
        f"<EventConcept>{escape(concept)}</EventConcept>"
        f"<Start>{start!r}</Start><Duration>{duration!r}</Duration>{extra}"
        "</ScoredEvent>\n"
    )


def write_nsrr(
    path: Path,
    stages: Sequence[str] = (),
    events: Sequence[Event] = (),
    epoch_length: float = 30.0,
) -> Path:
    """An NSRR XML file with stage runs and events (label = EventConcept)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<PSGAnnotation>\n',
        "<SoftwareVersion>Compumedics</SoftwareVersion>\n",
        f"<EpochLength>{epoch_length:g}</EpochLength>\n<ScoredEvents>\n",
        "<ScoredEvent><EventType/><EventConcept>Recording Start Time</EventConcept>"
        "<Start>0</Start><Duration>36000.0</Duration>"
        "<ClockTime>00.00.00 22.00.00</ClockTime></ScoredEvent>\n",
    ]
    for onset, duration, stage in runs(stages, epoch_length):
        parts.append(_nsrr_event("Stages|Stages", NSRR_STAGE_CONCEPT[stage], onset, duration))
    for ev in events:
        extra = f"<SignalLocation>{escape(ev[3])}</SignalLocation>" if len(ev) > 3 else ""
        parts.append(_nsrr_event("Event|Event", ev[2], ev[0], ev[1], extra))
    parts.append("</ScoredEvents>\n</PSGAnnotation>\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def write_profusion(
    path: Path,
    stages: Sequence[str] | Sequence[int] = (),
    events: Sequence[Event] = (),
    epoch_length: float = 30.0,
) -> Path:
    """A Compumedics Profusion XML file; stages as strings (mapped to codes) or raw codes."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<CMPStudyConfig>\n',
        f"<EpochLength>{epoch_length:g}</EpochLength>\n<ScoredEvents>\n",
    ]
    for ev in events:
        inp = f"<Input>{escape(ev[3])}</Input>" if len(ev) > 3 else "<Input>Nasal Pressure</Input>"
        parts.append(
            f"<ScoredEvent><Name>{escape(ev[2])}</Name><Start>{ev[0]!r}</Start>"
            f"<Duration>{ev[1]!r}</Duration>{inp}</ScoredEvent>\n"
        )
    parts.append("</ScoredEvents>\n<SleepStages>\n")
    for s in stages:
        code = PROFUSION_STAGE_CODE[s] if isinstance(s, str) else s
        parts.append(f"<SleepStage>{code}</SleepStage>\n")
    parts.append("</SleepStages>\n</CMPStudyConfig>\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def write_bids(
    path: Path, rows: Sequence[tuple[object, object, str]], column: str = "trial_type"
) -> Path:
    """A BIDS events.tsv with onset, duration and a label column."""
    frame = pd.DataFrame(rows, columns=["onset", "duration", column])
    frame.to_csv(path, sep="\t", index=False)
    return path


def write_csv_hypnogram(
    path: Path,
    stages: Sequence[object],
    *,
    header: str | None = "stage",
    sep: str = ",",
    epoch_length: float = 30.0,
) -> Path:
    """A CSV hypnogram: header ``stage``, ``epoch,stage``, ``onset,stage`` or none."""
    lines: list[str] = []
    if header is not None:
        lines.append(header.replace(",", sep))
    columns = (header or "stage").split(",")
    for i, s in enumerate(stages):
        values = {"stage": str(s), "epoch": str(i + 1), "onset": f"{i * epoch_length:g}"}
        lines.append(sep.join(values[c] for c in columns))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_movements(path: Path, rows: Sequence[tuple[str, float, float]], sep: str = ",") -> Path:
    """A reference leg-movement table ``leg,onset,duration``."""
    lines = [sep.join(("leg", "onset", "duration"))]
    lines += [sep.join((leg, f"{o!r}", f"{d!r}")) for leg, o, d in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
