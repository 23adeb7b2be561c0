"""EDF+ annotation texts as stages and events, from descriptions and from real EDF+ files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from annotation_files import write_edf, write_edf_hypnogram

from twitchscope.errors import InputFileError, TwitchscopeError
from twitchscope.io.annotations import (
    annotations_from_descriptions,
    read_annotations,
    read_events,
    read_hypnogram,
    read_reference_movements,
)

STAGE_TEXTS = [
    ("Sleep stage W", "W"),
    ("Sleep stage N1", "N1"),
    ("Sleep stage N2", "N2"),
    ("Sleep stage N3", "N3"),
    ("Sleep stage R", "R"),
    ("Sleep stage ?", "UNS"),
    ("Sleep stage 1", "N1"),
    ("Sleep stage 2", "N2"),
    ("Sleep stage 3", "N3"),
    ("Sleep stage 4", "N3"),
    ("REM", "R"),
    ("Wake", "W"),
    ("Stage 2", "N2"),
    ("Movement time", "UNS"),
    ("Sleep stage N", "UNS"),
]

EVENT_TEXTS = [
    ("Obstructive Apnea", "obstructive_apnea", ""),
    ("Central Apnea", "central_apnea", ""),
    ("Mixed Apnea", "mixed_apnea", ""),
    ("Apnea", "apnea", ""),
    ("Hypopnea", "hypopnea", ""),
    ("RERA", "rera", ""),
    ("Arousal", "arousal", ""),
    ("Arousal (ASDA)", "arousal", ""),
    ("Limb Movement (Left)", "limb_movement", "left"),
    ("Leg movement - right", "limb_movement", "right"),
    ("LM left", "limb_movement", "left"),
    ("PLM right", "limb_movement", "right"),
    ("Desaturation", "desaturation", ""),
    ("SpO2 desaturation", "desaturation", ""),
]


def describe(texts: list[str], durations: list[float | None] | None = None) -> object:
    onsets = [30.0 * i for i in range(len(texts))]
    durs = durations if durations is not None else [None] * len(texts)
    return annotations_from_descriptions(onsets, durs, texts, source="night.edf")


@pytest.mark.parametrize(("text", "stage"), STAGE_TEXTS)
def test_stage_text(text: str, stage: str) -> None:
    ann = annotations_from_descriptions([60.0], [None], [text], source="night.edf")
    assert ann.hypnogram is not None
    assert ann.hypnogram.stages == (stage,)
    assert ann.hypnogram.offset == 60.0
    assert ann.events.empty


def test_undivided_nrem_is_uns_with_a_warning() -> None:
    ann = annotations_from_descriptions([0.0], [30.0], ["Sleep stage N"], source="night.edf")
    assert any("undivided NREM" in w for w in ann.warnings)


@pytest.mark.parametrize(("text", "kind", "leg"), EVENT_TEXTS)
def test_event_text(text: str, kind: str, leg: str) -> None:
    ann = annotations_from_descriptions([12.5], [3.25], [text], source="night.edf")
    assert ann.hypnogram is None
    assert ann.events[["onset", "duration", "kind", "leg", "label"]].values.tolist() == [
        [12.5, 3.25, kind, leg, text]
    ]
    assert ann.warnings == []


def test_stage_with_duration_covers_its_epochs_and_without_covers_one() -> None:
    ann = annotations_from_descriptions(
        [0.0, 90.0, 120.0, 150.0],
        [90.0, None, 0.0, 60.0],
        ["Sleep stage W", "Sleep stage N1", "Sleep stage 2", "Sleep stage R"],
        source="night.edf",
    )
    assert ann.require_hypnogram().stages == ("W", "W", "W", "N1", "N2", "R", "R")


def test_gap_between_stages_becomes_uns_and_lights_are_not_stages() -> None:
    ann = annotations_from_descriptions(
        [0.0, 0.0, 90.0, 200.0],
        [30.0, None, 30.0, None],
        ["Lights off", "Sleep stage W", "Sleep stage N2", "Lights on"],
        source="night.edf",
    )
    assert ann.require_hypnogram().stages == ("W", "UNS", "UNS", "N2")
    assert ann.events["label"].tolist() == ["Lights off", "Lights on"]
    assert set(ann.events["kind"]) == {"other"}
    assert ann.warnings == []  # known bookkeeping labels are not "unknown"


def test_unknown_labels_are_kept_and_counted() -> None:
    ann = annotations_from_descriptions(
        [0.0, 10.0, 20.0, 30.0],
        [0.0, 0.0, 0.0, 30.0],
        ["Bathroom break", "Bathroom break", "Snore?!", "Sleep stage W"],
        source="night.edf",
    )
    assert ann.events["label"].tolist() == ["Bathroom break", "Bathroom break", "Snore?!"]
    assert (ann.events["kind"] == "other").all()
    assert len(ann.warnings) == 1
    assert "3 annotation(s)" in ann.warnings[0] and "'Bathroom break' x2" in ann.warnings[0]


def test_time_keeping_empty_texts_are_skipped() -> None:
    ann = annotations_from_descriptions([0.0, 1.0], [None, None], ["", "Arousal"], source="x")
    assert ann.events["kind"].tolist() == ["arousal"]


@pytest.mark.parametrize(
    ("onset", "duration", "problem"),
    [
        (-5.0, 1.0, "invalid onset"),
        (5.0, -1.0, "invalid duration"),
        (math.inf, 1.0, "invalid onset"),
        ("abc", 1.0, "not a number"),
    ],
)
def test_bad_times_name_the_file(onset: object, duration: object, problem: str) -> None:
    with pytest.raises(InputFileError, match=rf"night\.edf: .*{problem}"):
        annotations_from_descriptions([onset], [duration], ["Hypopnea"], source="night.edf")


def test_overlapping_stages_are_an_error() -> None:
    with pytest.raises(InputFileError, match=r"night\.edf: stage intervals overlap"):
        annotations_from_descriptions(
            [0.0, 30.0], [60.0, 30.0], ["Sleep stage W", "Sleep stage N1"], source="night.edf"
        )


def test_events_past_the_recording_end_are_an_error() -> None:
    with pytest.raises(InputFileError, match=r"past the end of the recording"):
        annotations_from_descriptions(
            [0.0, 5000.0],
            [30.0, 10.0],
            ["Sleep stage W", "Hypopnea"],
            source="night.edf",
            recording_duration=3000.0,
        )


def test_real_edf_plus_file_round_trip(tmp_path: Path) -> None:
    path = write_edf(
        tmp_path / "night.edf",
        [
            (0.0, 60.0, "Sleep stage W"),
            (60.0, 30.0, "Sleep stage N1"),
            (90.0, 90.0, "Sleep stage N2"),
            (180.0, 30.0, "Sleep stage R"),
            (100.0, 12.0, "Obstructive Apnea"),
            (112.5, 1.5, "Limb Movement (Left)"),
            (113.0, 2.0, "Leg movement - right"),
            (114.0, 4.0, "Arousal"),
        ],
        duration=240.0,
    )
    ann = read_annotations(path, recording_duration=240.0)
    assert ann.format == "edf+"
    assert ann.source == str(path)
    assert ann.require_hypnogram().stages == ("W", "W", "N1", "N2", "N2", "N2", "R")
    assert ann.events["kind"].tolist() == [
        "obstructive_apnea",
        "limb_movement",
        "limb_movement",
        "arousal",
    ]
    assert read_hypnogram(path) == ann.hypnogram
    assert read_events(path)["duration"].tolist() == [12.0, 1.5, 2.0, 4.0]
    movements = read_reference_movements(path)
    assert movements.values.tolist() == [["left", 112.5, 1.5], ["right", 113.0, 2.0]]


def test_edf_hypnogram_longer_than_recording(tmp_path: Path) -> None:
    path = write_edf_hypnogram(tmp_path / "hyp.edf", ["W"] * 20)
    with pytest.raises(InputFileError, match=r"hyp\.edf: covers 600 s but the recording"):
        read_annotations(path, recording_duration=300.0)


def test_edf_without_stages(tmp_path: Path) -> None:
    path = write_edf(tmp_path / "events.edf", [(10.0, 5.0, "Hypopnea")])
    ann = read_annotations(path)
    assert ann.hypnogram is None
    with pytest.raises(InputFileError, match=r"events\.edf: holds no sleep stages"):
        read_hypnogram(path)


def test_not_an_edf_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.edf"
    path.write_bytes(b"0       this is not really an EDF header")
    with pytest.raises(TwitchscopeError, match=r"broken\.edf"):
        read_annotations(path)


def test_unscored_tail_past_the_recording_is_dropped_with_a_note() -> None:
    """Sleep-EDF hypnograms end with a long 'Sleep stage ?' running past the recording."""
    ann = annotations_from_descriptions(
        [0.0, 60.0],
        [60.0, 600.0],
        ["Sleep stage W", "Sleep stage ?"],
        source="night.edf",
        recording_duration=120.0,
    )
    assert ann.require_hypnogram().stages == ("W", "W", "UNS", "UNS")
    assert any("unscored epoch(s) after the end" in w for w in ann.warnings)


def test_jitter_in_stage_times_is_not_an_overlap() -> None:
    ann = annotations_from_descriptions(
        [0.0, 29.999, 60.002, 90.0],
        [30.0, 30.0, 29.998, 30.0],
        ["Sleep stage W", "Sleep stage N1", "Sleep stage N2", "Sleep stage R"],
        source="night.edf",
    )
    assert ann.require_hypnogram().stages == ("W", "N1", "N2", "R")
    assert ann.require_hypnogram().offset == 0.0
