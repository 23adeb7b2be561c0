"""The seed corpus of the fuzz suite: real files of every input format twitchscope reads.

A short simulated night (``twitchscope.simulate``) is written as EDF+ and BDF+, and its truth
(stages, respiratory events, arousals, leg movements) as NSRR XML, Compumedics Profusion XML,
BIDS ``events.tsv``, a CSV hypnogram, an event table and a reference-movement table, plus an
answers JSON. The property tests (``test_*.py`` here) and ``make fuzz`` (``fuzz_cli.py``) mutate
these files; nothing is downloaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

PROFUSION_CODE = {"W": 0, "N1": 1, "N2": 2, "N3": 3, "R": 5, "UNS": 9}
NSRR_CONCEPT = {
    "W": "Wake|0",
    "N1": "Stage 1 sleep|1",
    "N2": "Stage 2 sleep|2",
    "N3": "Stage 3 sleep|3",
    "R": "REM sleep|5",
    "UNS": "Unscored|9",
}
EVENT_NAME = {
    "obstructive_apnea": ("Obstructive apnea|Obstructive Apnea", "Obstructive Apnea"),
    "central_apnea": ("Central apnea|Central Apnea", "Central Apnea"),
    "mixed_apnea": ("Mixed apnea|Mixed Apnea", "Mixed Apnea"),
    "hypopnea": ("Hypopnea|Hypopnea", "Hypopnea"),
    "arousal": ("Arousal|Arousal ()", "Arousal (ASDA)"),
}

#: A valid answers file (every key known to the question schema).
ANSWERS: dict[str, object] = {
    "breathing_difficulty": False,
    "seizure": False,
    "age": 52,
    "sex": "female",
    "locations": ["calf", "thigh"],
    "sides": "both",
    "duration_days": 540,
    "urge_to_move": True,
    "worse_at_rest": True,
    "relieved_by_movement": True,
}


@dataclass(frozen=True)
class Corpus:
    """Paths of the seed files (all in one directory)."""

    edf: Path
    bdf: Path
    nsrr: Path
    profusion: Path
    bids: Path
    csv_hypnogram: Path
    events_csv: Path
    movements_csv: Path
    answers: Path
    duration: float

    def annotation_files(self) -> dict[str, Path]:
        """Every annotation file by format name."""
        return {
            "nsrr-xml": self.nsrr,
            "profusion-xml": self.profusion,
            "bids-tsv": self.bids,
            "csv-hypnogram": self.csv_hypnogram,
            "csv-events": self.events_csv,
            "csv-movements": self.movements_csv,
        }


def stage_runs(stages: tuple[str, ...], epoch: float) -> list[tuple[float, float, str]]:
    """Runs of equal stage as (onset, duration, stage)."""
    out: list[tuple[float, float, str]] = []
    start = 0
    for i in range(1, len(stages) + 1):
        if i == len(stages) or stages[i] != stages[start]:
            out.append((start * epoch, (i - start) * epoch, stages[start]))
            start = i
    return out


def nsrr_xml(stages: tuple[str, ...], events: pd.DataFrame, epoch: float = 30.0) -> str:
    """An NSRR XML document (``<PSGAnnotation>``) with stage runs and events."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<PSGAnnotation>\n',
        f"<SoftwareVersion>Compumedics</SoftwareVersion>\n<EpochLength>{epoch:g}</EpochLength>\n",
        "<ScoredEvents>\n",
    ]

    def event(kind: str, concept: str, onset: float, duration: float) -> str:
        return (
            f"<ScoredEvent><EventType>{kind}</EventType><EventConcept>{escape(concept)}"
            f"</EventConcept><Start>{onset:g}</Start><Duration>{duration:g}</Duration>"
            "</ScoredEvent>\n"
        )

    for onset, duration, stage in stage_runs(stages, epoch):
        parts.append(event("Stages|Stages", NSRR_CONCEPT[stage], onset, duration))
    for row in events.itertuples(index=False):
        if row.kind in EVENT_NAME:
            parts.append(
                event("Respiratory|Respiratory", EVENT_NAME[row.kind][0], row.onset, row.duration)
            )
    parts.append("</ScoredEvents>\n</PSGAnnotation>\n")
    return "".join(parts)


def profusion_xml(stages: tuple[str, ...], events: pd.DataFrame, epoch: float = 30.0) -> str:
    """A Compumedics Profusion XML document (``<CMPStudyConfig>``)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<CMPStudyConfig>\n',
        f"<EpochLength>{epoch:g}</EpochLength>\n<ScoredEvents>\n",
    ]
    for row in events.itertuples(index=False):
        if row.kind in EVENT_NAME:
            parts.append(
                f"<ScoredEvent><Name>{escape(EVENT_NAME[row.kind][1])}</Name>"
                f"<Start>{row.onset:g}</Start><Duration>{row.duration:g}</Duration>"
                "<Input>Nasal Pressure</Input></ScoredEvent>\n"
            )
    parts.append("</ScoredEvents>\n<SleepStages>\n")
    parts.extend(f"<SleepStage>{PROFUSION_CODE[s]}</SleepStage>\n" for s in stages)
    parts.append("</SleepStages>\n</CMPStudyConfig>\n")
    return "".join(parts)


def bids_tsv(stages: tuple[str, ...], events: pd.DataFrame, epoch: float = 30.0) -> str:
    """A BIDS ``events.tsv`` with stages and events in ``trial_type``."""
    rows = [(o, d, f"Sleep stage {s}") for o, d, s in stage_runs(stages, epoch)]
    rows += [
        (r.onset, r.duration, EVENT_NAME[r.kind][1])
        for r in events.itertuples(index=False)
        if r.kind in EVENT_NAME
    ]
    rows.sort()
    lines = ["onset\tduration\ttrial_type"] + [f"{o:g}\t{d:g}\t{t}" for o, d, t in rows]
    return "\n".join(lines) + "\n"


def csv_hypnogram(stages: tuple[str, ...]) -> str:
    """``epoch,stage`` lines, 1-based epochs."""
    return "epoch,stage\n" + "".join(f"{i + 1},{s}\n" for i, s in enumerate(stages))


def write_corpus(directory: Path, *, seed: int = 3, hours: float = 0.2) -> Corpus:
    """Simulate a short RLS night and write every seed file into ``directory``."""
    from twitchscope.simulate import simulate_night

    directory.mkdir(parents=True, exist_ok=True)
    night = simulate_night("rls", seed=seed, duration_h=hours, leg_fs=256)
    edf = directory / "night.edf"
    night.write(edf)
    bdf_dir = directory / "bdf"
    bdf_dir.mkdir(exist_ok=True)
    bdf = bdf_dir / "night.bdf"
    night.write(bdf, format="bdf")
    stages = tuple(night.hypnogram.stages)
    events = night.events
    paths = {
        "nsrr": directory / "night.nsrr.xml",
        "profusion": directory / "night.profusion.xml",
        "bids": directory / "night_events.tsv",
        "csv_hypnogram": directory / "night.hypnogram.csv",
    }
    paths["nsrr"].write_text(nsrr_xml(stages, events), encoding="utf-8")
    paths["profusion"].write_text(profusion_xml(stages, events), encoding="utf-8")
    paths["bids"].write_text(bids_tsv(stages, events), encoding="utf-8")
    paths["csv_hypnogram"].write_text(csv_hypnogram(stages), encoding="utf-8")
    events_csv = directory / "night.events.csv"
    events.to_csv(events_csv, index=False)
    movements_csv = directory / "night.movements.csv"
    night.movements[["leg", "onset", "duration"]].to_csv(movements_csv, index=False)
    answers = directory / "answers.json"
    answers.write_text(json.dumps(ANSWERS, indent=2), encoding="utf-8")
    return Corpus(
        edf=edf,
        bdf=bdf,
        events_csv=events_csv,
        movements_csv=movements_csv,
        answers=answers,
        duration=night.duration,
        **paths,
    )


# --- EDF header editing ------------------------------------------------------------------------

#: (offset, width) of the fields of the fixed 256-byte header.
FIXED_FIELDS: dict[str, tuple[int, int]] = {
    "version": (0, 8),
    "patient": (8, 80),
    "recording": (88, 80),
    "startdate": (168, 8),
    "starttime": (176, 8),
    "header_bytes": (184, 8),
    "reserved": (192, 44),
    "n_records": (236, 8),
    "record_duration": (244, 8),
    "n_signals": (252, 4),
}
#: Width of each per-signal field, in header order.
SIGNAL_FIELDS: dict[str, int] = {
    "label": 16,
    "transducer": 80,
    "physical_dimension": 8,
    "physical_min": 8,
    "physical_max": 8,
    "digital_min": 8,
    "digital_max": 8,
    "prefilter": 80,
    "samples_per_record": 8,
    "reserved": 32,
}


def n_signals(data: bytes) -> int:
    """Number of signals in an EDF/BDF header."""
    return int(data[252:256].decode("ascii").strip())


def labels(data: bytes) -> list[str]:
    """Signal labels of an EDF/BDF header."""
    ns = n_signals(data)
    return [data[256 + 16 * i : 256 + 16 * (i + 1)].decode("latin-1").strip() for i in range(ns)]


def signal_field(data: bytes, field: str, index: int) -> tuple[int, int]:
    """(offset, width) of a per-signal field of signal ``index`` (0-based)."""
    ns = n_signals(data)
    pos = 256
    for name, width in SIGNAL_FIELDS.items():
        if name == field:
            return pos + index * width, width
        pos += ns * width
    raise KeyError(field)


def set_field(data: bytearray, offset: int, width: int, value: bytes | str) -> None:
    """Write ``value`` (space padded, truncated to ``width``) at ``offset``."""
    raw = value.encode("latin-1") if isinstance(value, str) else value
    data[offset : offset + width] = raw[:width].ljust(width, b" ")


def patched(src: Path, dst: Path, edits: dict[tuple[str, str | None], bytes | str]) -> Path:
    """Copy ``src`` to ``dst`` with header fields replaced.

    ``edits`` maps ``(field, label)`` to the new value; ``label`` None edits the fixed header,
    else the signal with that label.
    """
    data = bytearray(src.read_bytes())
    names = labels(bytes(data))
    for (field, label), value in edits.items():
        if label is None:
            off, width = FIXED_FIELDS[field]
        else:
            off, width = signal_field(bytes(data), field, names.index(label))
        set_field(data, off, width, value)
    dst.write_bytes(bytes(data))
    return dst
