"""NSRR XML annotations: stages, event concepts, legs, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotation_files import write_nsrr

from twitchscope.errors import InputFileError
from twitchscope.io.annotations import read_annotations, read_reference_movements

STAGE_CONCEPTS = [
    ("Wake|0", "W"),
    ("Stage 1 sleep|1", "N1"),
    ("Stage 2 sleep|2", "N2"),
    ("Stage 3 sleep|3", "N3"),
    ("Stage 4 sleep|4", "N3"),
    ("REM sleep|5", "R"),
    ("Unscored|9", "UNS"),
    ("Movement|6", "UNS"),
]

EVENT_CONCEPTS = [
    ("Obstructive apnea|Obstructive Apnea", "obstructive_apnea", ""),
    ("Central apnea|Central Apnea", "central_apnea", ""),
    ("Mixed apnea|Mixed Apnea", "mixed_apnea", ""),
    ("Hypopnea|Hypopnea", "hypopnea", ""),
    ("Arousal|Arousal ()", "arousal", ""),
    ("ASDA arousal|Arousal (ASDA)", "arousal", ""),
    ("Limb movement - left|Limb Movement (Left)", "limb_movement", "left"),
    ("Limb movement - right|Limb Movement (Right)", "limb_movement", "right"),
    ("Periodic leg movement - left|PLM (Left)", "limb_movement", "left"),
    ("SpO2 desaturation|SpO2 desaturation", "desaturation", ""),
    ("Unsure|Unsure", "other", ""),
]


def _stage_file(path: Path, concept: str) -> Path:
    path.write_text(
        "<PSGAnnotation><EpochLength>30</EpochLength><ScoredEvents><ScoredEvent>"
        f"<EventType>Stages|Stages</EventType><EventConcept>{concept}</EventConcept>"
        "<Start>30.0</Start><Duration>60.0</Duration></ScoredEvent></ScoredEvents>"
        "</PSGAnnotation>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(("concept", "stage"), STAGE_CONCEPTS)
def test_stage_concept(tmp_path: Path, concept: str, stage: str) -> None:
    ann = read_annotations(_stage_file(tmp_path / "s.xml", concept))
    assert ann.format == "nsrr-xml"
    hyp = ann.require_hypnogram()
    assert hyp.stages == (stage, stage)
    assert hyp.offset == 30.0
    assert ann.warnings == []


@pytest.mark.parametrize(("concept", "kind", "leg"), EVENT_CONCEPTS)
def test_event_concept(tmp_path: Path, concept: str, kind: str, leg: str) -> None:
    path = write_nsrr(tmp_path / "e.xml", ["W", "N2"], [(40.5, 2.5, concept)])
    ann = read_annotations(path, recording_duration=60.0)
    assert ann.events.values.tolist() == [[40.5, 2.5, kind, leg, concept]]
    assert ann.warnings == []


def test_full_file(tmp_path: Path) -> None:
    stages = ["W", "W", "N1", "N2", "N2", "N3", "N3", "R", "R", "W"]
    events = [
        (95.0, 15.0, "Obstructive apnea|Obstructive Apnea"),
        (109.0, 1.5, "Limb movement - left|Limb Movement (Left)"),
        (109.2, 1.0, "Limb movement - right|Limb Movement (Right)"),
        (110.0, 5.0, "Arousal|Arousal ()"),
        (250.0, 2.0, "Limb Movement|Limb Movement", "R Leg"),
    ]
    path = write_nsrr(tmp_path / "night-nsrr.xml", stages, events)
    ann = read_annotations(path, recording_duration=300.0)
    assert ann.require_hypnogram().stages == tuple(stages)
    assert ann.events["kind"].tolist() == [
        "obstructive_apnea",
        "limb_movement",
        "limb_movement",
        "arousal",
        "limb_movement",
    ]
    moves = read_reference_movements(path)
    assert moves.values.tolist() == [
        ["left", 109.0, 1.5],
        ["right", 109.2, 1.0],
        ["right", 250.0, 2.0],  # leg from <SignalLocation>
    ]


def test_epoch_length_from_the_file(tmp_path: Path) -> None:
    path = write_nsrr(tmp_path / "e20.xml", ["W", "N1", "N1"], epoch_length=20.0)
    hyp = read_annotations(path, epoch_length=30.0).require_hypnogram()
    assert hyp.epoch_length == 20.0
    assert hyp.stages == ("W", "N1", "N1")


def test_unknown_concepts_are_kept_and_counted(tmp_path: Path) -> None:
    path = write_nsrr(
        tmp_path / "u.xml",
        ["W"],
        [(1.0, 1.0, "Bruxism|Bruxism"), (2.0, 1.0, "Bruxism|Bruxism"), (3.0, 0.0, "Odd|X")],
    )
    ann = read_annotations(path)
    assert ann.events["kind"].tolist() == ["other"] * 3
    assert ann.events["label"].tolist() == ["Bruxism|Bruxism", "Bruxism|Bruxism", "Odd|X"]
    assert len(ann.warnings) == 1 and "3 annotation(s)" in ann.warnings[0]


def test_unknown_stage_concept_is_uns_with_warning(tmp_path: Path) -> None:
    ann = read_annotations(_stage_file(tmp_path / "s.xml", "Stage 7 sleep|7"))
    assert ann.require_hypnogram().stages == ("UNS", "UNS")
    assert "Stage 7 sleep|7" in ann.warnings[0]


def _xml(path: Path, body: str) -> Path:
    path.write_text(
        f"<PSGAnnotation><EpochLength>30</EpochLength><ScoredEvents>{body}</ScoredEvents>"
        "</PSGAnnotation>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "<ScoredEvent><EventConcept>Hypopnea|Hypopnea</EventConcept>"
            "<Start>abc</Start><Duration>1</Duration></ScoredEvent>",
            r"<Start> is not a number \('abc'\)",
        ),
        (
            "<ScoredEvent><EventConcept>Hypopnea|Hypopnea</EventConcept>"
            "<Start>10</Start><Duration>1O</Duration></ScoredEvent>",
            r"<Duration> is not a number",
        ),
        (
            "<ScoredEvent><EventConcept>Hypopnea|Hypopnea</EventConcept>"
            "<Duration>1</Duration></ScoredEvent>",
            r"has no <Start> element",
        ),
        ("<ScoredEvent><Start>1</Start></ScoredEvent>", r"ScoredEvent #1 has no <EventConcept>"),
        (
            "<ScoredEvent><EventConcept>Hypopnea|Hypopnea</EventConcept>"
            "<Start>10</Start><Duration>-3</Duration></ScoredEvent>",
            r"invalid duration",
        ),
        (
            "<ScoredEvent><EventType>Stages|Stages</EventType><EventConcept>Wake|0"
            "</EventConcept><Start>0</Start><Duration>60</Duration></ScoredEvent>"
            "<ScoredEvent><EventType>Stages|Stages</EventType><EventConcept>REM sleep|5"
            "</EventConcept><Start>30</Start><Duration>30</Duration></ScoredEvent>",
            r"stage intervals overlap at 30\.0 s",
        ),
    ],
)
def test_bad_events(tmp_path: Path, body: str, problem: str) -> None:
    path = _xml(tmp_path / "bad.xml", body)
    with pytest.raises(InputFileError, match=rf"bad\.xml: .*{problem}"):
        read_annotations(path)


def test_missing_scored_events(tmp_path: Path) -> None:
    path = tmp_path / "none.xml"
    path.write_text("<PSGAnnotation><EpochLength>30</EpochLength></PSGAnnotation>")
    with pytest.raises(InputFileError, match=r"none\.xml: NSRR XML has no <ScoredEvents>"):
        read_annotations(path)


def test_bad_epoch_length(tmp_path: Path) -> None:
    path = tmp_path / "ep.xml"
    path.write_text("<PSGAnnotation><EpochLength>0</EpochLength><ScoredEvents/></PSGAnnotation>")
    with pytest.raises(InputFileError, match=r"ep\.xml: <EpochLength> must be > 0"):
        read_annotations(path)


def test_mismatched_recording_duration(tmp_path: Path) -> None:
    path = write_nsrr(tmp_path / "long.xml", ["W"] * 100, [(2900.0, 10.0, "Hypopnea|Hypopnea")])
    with pytest.raises(InputFileError, match=r"long\.xml: covers 3000 s but the recording lasts"):
        read_annotations(path, recording_duration=1200.0)
    events_only = write_nsrr(tmp_path / "ev.xml", [], [(2900.0, 10.0, "Hypopnea|Hypopnea")])
    with pytest.raises(InputFileError, match=r"ev\.xml: event 'Hypopnea\|Hypopnea' at 2900\.0 s"):
        read_annotations(events_only, recording_duration=1200.0)


def test_wrong_format_argument(tmp_path: Path) -> None:
    path = write_nsrr(tmp_path / "n.xml", ["W"])
    with pytest.raises(InputFileError, match=r"n\.xml: root element is <PSGAnnotation>"):
        read_annotations(path, format="profusion-xml")
