"""Compumedics Profusion XML: stage codes, event names, legs from Input, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotation_files import write_profusion

from twitchscope.errors import InputFileError
from twitchscope.io.annotations import read_annotations, read_reference_movements


@pytest.mark.parametrize(
    ("code", "stage"),
    [(0, "W"), (1, "N1"), (2, "N2"), (3, "N3"), (4, "N3"), (5, "R"), (9, "UNS"), (7, "UNS")],
)
def test_stage_codes(tmp_path: Path, code: int, stage: str) -> None:
    ann = read_annotations(write_profusion(tmp_path / "p.xml", [0, code, code]))
    assert ann.format == "profusion-xml"
    assert ann.require_hypnogram().stages == ("W", stage, stage)
    assert ann.require_hypnogram().offset == 0.0
    unusual_code = code not in (0, 1, 2, 3, 4, 5)
    assert any("stage code(s)" in w for w in ann.warnings) == unusual_code


@pytest.mark.parametrize(
    ("name", "channel", "kind", "leg"),
    [
        ("Obstructive Apnea", "Nasal Pressure", "obstructive_apnea", ""),
        ("Central Apnea", "Nasal Pressure", "central_apnea", ""),
        ("Mixed Apnea", "Nasal Pressure", "mixed_apnea", ""),
        ("Hypopnea", "Nasal Pressure", "hypopnea", ""),
        ("Arousal (ASDA)", "C3", "arousal", ""),
        ("SpO2 desaturation", "SaO2", "desaturation", ""),
        ("Limb Movement (Left)", "Leg L", "limb_movement", "left"),
        ("Limb Movement (Right)", "Leg R", "limb_movement", "right"),
        ("Limb Movement", "Leg L", "limb_movement", "left"),
        ("Limb Movement", "RAT", "limb_movement", "right"),
        ("Periodic Limb Movement", "L Leg", "limb_movement", "left"),
    ],
)
def test_event_names(tmp_path: Path, name: str, channel: str, kind: str, leg: str) -> None:
    path = write_profusion(tmp_path / "p.xml", ["W", "N2"], [(31.5, 2.25, name, channel)])
    ann = read_annotations(path, recording_duration=60.0)
    assert ann.events.values.tolist() == [[31.5, 2.25, kind, leg, name]]
    assert ann.warnings == []


def test_full_file(tmp_path: Path) -> None:
    stages = ["W", "N1", "N2", "N2", "N3", "R", "W"]
    events = [
        (62.0, 12.1, "Obstructive Apnea", "Nasal Pressure"),
        (73.0, 1.5, "Limb Movement (Left)", "Leg L"),
        (73.5, 1.0, "Limb Movement (Right)", "Leg R"),
        (74.0, 6.0, "Arousal (ASDA)", "C4-M1"),
        (80.0, 0.0, "Mystery Event", "X"),
    ]
    path = write_profusion(tmp_path / "study.xml", stages, events)
    ann = read_annotations(path, recording_duration=210.0)
    assert ann.require_hypnogram().stages == tuple(stages)
    assert ann.events["kind"].tolist() == [
        "obstructive_apnea",
        "limb_movement",
        "limb_movement",
        "arousal",
        "other",
    ]
    assert "'Mystery Event' x1" in ann.warnings[0]
    moves = read_reference_movements(path)
    assert moves.values.tolist() == [["left", 73.0, 1.5], ["right", 73.5, 1.0]]


def test_movement_without_a_side_is_kept_but_not_a_reference(tmp_path: Path) -> None:
    path = write_profusion(tmp_path / "p.xml", ["W"], [(3.0, 1.0, "Limb Movement", "EMG")])
    ann = read_annotations(path)
    assert ann.events["kind"].tolist() == ["limb_movement"]
    assert ann.leg_movements().empty
    assert list(ann.leg_movements().columns) == ["leg", "onset", "duration"]
    assert any("do not say which leg" in w for w in ann.warnings)


def test_events_only(tmp_path: Path) -> None:
    path = write_profusion(tmp_path / "p.xml", [], [(3.0, 10.0, "Hypopnea")])
    ann = read_annotations(path)
    assert ann.hypnogram is None
    assert ann.events["kind"].tolist() == ["hypopnea"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<SleepStages><SleepStage>two</SleepStage></SleepStages>", "not an integer code"),
        ("<ScoredEvents><ScoredEvent><Start>1</Start></ScoredEvent></ScoredEvents>", "no <Name>"),
        (
            "<ScoredEvents><ScoredEvent><Name>Hypopnea</Name><Start>x</Start>"
            "</ScoredEvent></ScoredEvents>",
            "<Start> is not a number",
        ),
        (
            "<ScoredEvents><ScoredEvent><Name>Hypopnea</Name><Start>1</Start>"
            "<Duration>-2</Duration></ScoredEvent></ScoredEvents>",
            "invalid duration",
        ),
        ("<EpochLength>thirty</EpochLength><SleepStages/>", "<EpochLength> is not a number"),
        ("<Other/>", "neither <ScoredEvents> nor <SleepStages>"),
    ],
)
def test_bad_content(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(f"<CMPStudyConfig>{body}</CMPStudyConfig>", encoding="utf-8")
    with pytest.raises(InputFileError, match=rf"bad\.xml: .*{problem}"):
        read_annotations(path)


def test_hypnogram_longer_than_recording(tmp_path: Path) -> None:
    path = write_profusion(tmp_path / "p.xml", ["W"] * 40)
    with pytest.raises(InputFileError, match=r"p\.xml: covers 1200 s but the recording lasts"):
        read_annotations(path, recording_duration=600.0)


def test_wrong_root_for_explicit_format(tmp_path: Path) -> None:
    path = write_profusion(tmp_path / "p.xml", ["W"])
    with pytest.raises(InputFileError, match=r"root element is <CMPStudyConfig>"):
        read_annotations(path, format="nsrr-xml")
