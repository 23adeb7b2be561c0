"""Text tables: CSV/TSV hypnograms, BIDS events.tsv and reference leg-movement tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from annotation_files import write_bids, write_csv_hypnogram, write_movements

from twitchscope.errors import InputFileError, ValidationError
from twitchscope.events import make_events
from twitchscope.io.annotations import (
    parse_codes,
    read_annotations,
    read_hypnogram,
    read_reference_movements,
)

STAGES = ["W", "N1", "N2", "N2", "N3", "R", "UNS", "W"]
CODES = {0: "W", 1: "N1", 2: "N2", 3: "N3", 5: "R", 9: "UNS"}
CODE_OF = {v: k for k, v in CODES.items()}


@pytest.mark.parametrize("header", ["stage", "epoch,stage", "onset,stage", None])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_csv_hypnogram_layouts(tmp_path: Path, header: str | None, sep: str) -> None:
    path = write_csv_hypnogram(tmp_path / "hyp.csv", STAGES, header=header, sep=sep)
    ann = read_annotations(path)
    assert ann.format == "csv-hypnogram"
    assert ann.require_hypnogram().stages == tuple(STAGES)
    assert ann.require_hypnogram().offset == 0.0
    assert ann.events.empty


@pytest.mark.parametrize("header", ["epoch,stage", "onset,stage"])
def test_csv_hypnogram_two_columns_without_header(tmp_path: Path, header: str) -> None:
    path = tmp_path / "h.csv"
    write_csv_hypnogram(path, STAGES, header=header)
    lines = path.read_text().splitlines()[1:]  # drop the header: the reader infers the column
    path.write_text("\n".join(lines) + "\n")
    assert read_hypnogram(path).stages == tuple(STAGES)


def test_csv_stage_words(tmp_path: Path) -> None:
    words = ["Wake", "Sleep stage 1", "stage 2", "S3", "Sleep stage 4", "REM", "?", "MT"]
    path = write_csv_hypnogram(tmp_path / "w.txt", words, header=None)
    assert read_hypnogram(path).stages == ("W", "N1", "N2", "N3", "N3", "R", "UNS", "UNS")


def test_integer_codes_need_a_mapping(tmp_path: Path) -> None:
    path = write_csv_hypnogram(tmp_path / "codes.csv", [CODE_OF[s] for s in STAGES])
    expected = (
        r"codes\.csv: stages are integer codes \[0, 1, 2, 3, 5, 9\]; .*codes=\{0: 'W'.*--codes"
    )
    with pytest.raises(InputFileError, match=expected):
        read_hypnogram(path)
    hyp = read_hypnogram(path, codes=CODES)
    assert hyp.stages == tuple(STAGES)
    assert read_hypnogram(path, codes=parse_codes("0=W,1=N1,2=N2,3=N3,5=REM,9=?")) == hyp
    with pytest.raises(InputFileError, match=r"line 6: stage code 3 is not in the code mapping"):
        read_hypnogram(path, codes={0: "W", 1: "N1", 2: "N2"})


@pytest.mark.parametrize(
    ("text", "problem"), [("0=W,1=X", "not a stage"), ("a=W", "not 'integer=stage'"), ("", "empty")]
)
def test_parse_codes_rejects(text: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        parse_codes(text)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("stage\nW\nN7\nfoo\n", r"unknown stage\(s\) 'N7' \(line 3\), 'foo' \(line 4\)"),
        ("epoch,stage\n1,W\n1.5,N1\n", r"line 3: epoch number 1.5 is not whole"),
        ("epoch,stage\n1,W\n1,N1\n", r"stage intervals overlap"),
        ("onset,stage\n0,W\nabc,N1\n", r"line 3: onset 'abc' is not a number"),
        ("0,W\n7,N1\n", r"steps neither by 1"),
        ("a,b,c\n1,2,3\n", r"3 columns but no header"),
        ("W,N1,N2\nW,N1,N2\n", r"3 columns but no header"),
        ("stage\n", r"has a header but no stages"),
        ("epoch,stage\n1,W\n2\n", r"line 3: expected 2 column\(s\), got 1"),
    ],
)
def test_csv_hypnogram_bad(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputFileError, match=rf"bad\.csv: .*{problem}"):
        read_annotations(path)


def test_superscript_digit_is_not_an_integer_code(tmp_path: Path) -> None:
    # "²".isdigit() is true but int("²") fails: it must be reported as an unknown stage word
    # with its line, not crash in int().
    path = tmp_path / "sup.csv"
    path.write_text("stage\nW\n\u00b2\nN2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"sup\.csv: unknown stage\(s\) '\u00b2' \(line 3\)"):
        read_annotations(path)


def test_csv_hypnogram_longer_than_recording(tmp_path: Path) -> None:
    path = write_csv_hypnogram(tmp_path / "h.csv", ["W"] * 30)
    with pytest.raises(InputFileError, match=r"h\.csv: covers 900 s but the recording lasts"):
        read_hypnogram(path, recording_duration=300.0)
    assert read_hypnogram(path, recording_duration=880.0).n_epochs == 30


def test_csv_missing_stage_cells_are_uns_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("epoch,stage\n1,W\n2,\n3,N2\n")
    ann = read_annotations(path)
    assert ann.require_hypnogram().stages == ("W", "UNS", "N2")
    assert "1 epoch(s) without a stage" in ann.warnings[0]


BIDS_STAGES = [
    ("sleep_stage_w", "W"),
    ("sleep_stage_1", "N1"),
    ("sleep_stage_2", "N2"),
    ("sleep_stage_3", "N3"),
    ("sleep_stage_4", "N3"),
    ("sleep_stage_r", "R"),
    ("N2", "N2"),
    ("Sleep stage 2", "N2"),
    ("Sleep stage R", "R"),
]


@pytest.mark.parametrize(("label", "stage"), BIDS_STAGES)
@pytest.mark.parametrize("column", ["trial_type", "value", "description"])
def test_bids_stage_rows(tmp_path: Path, label: str, stage: str, column: str) -> None:
    path = write_bids(tmp_path / "sub-01_events.tsv", [(30.0, "n/a", label)], column=column)
    ann = read_annotations(path)
    assert ann.format == "bids-tsv"
    assert ann.require_hypnogram().stages == (stage,)
    assert ann.require_hypnogram().offset == 30.0


def test_bids_mixed_file(tmp_path: Path) -> None:
    rows = [
        (0.0, 60.0, "sleep_stage_w"),
        (60.0, 30.0, "sleep_stage_2"),
        (65.5, 11.0, "Obstructive Apnea"),
        (77.0, 1.5, "Limb Movement (Left)"),
        (78.0, "n/a", "Arousal"),
        (80.0, 2.0, "n/a"),
        (85.0, 1.0, "7"),
    ]
    ann = read_annotations(write_bids(tmp_path / "events.tsv", rows), recording_duration=90.0)
    assert ann.require_hypnogram().stages == ("W", "W", "N2")
    assert ann.events[["onset", "duration", "kind", "leg"]].values.tolist() == [
        [65.5, 11.0, "obstructive_apnea", ""],
        [77.0, 1.5, "limb_movement", "left"],
        [78.0, 0.0, "arousal", ""],
        [80.0, 2.0, "other", ""],
        [85.0, 1.0, "other", ""],
    ]
    joined = " ".join(ann.warnings)
    assert "without any label" in joined and "labelled with integers" in joined


def test_bids_integer_values_with_codes(tmp_path: Path) -> None:
    path = write_bids(tmp_path / "e.tsv", [(0.0, 30.0, "0"), (30.0, 30.0, "5")], column="value")
    assert read_hypnogram(path, codes=CODES).stages == ("W", "R")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("onset\tduration\ttrial_type\nn/a\t1\tArousal\n", r"line 2: onset is missing"),
        ("onset\tduration\ttrial_type\n1\t-1\tArousal\n", r"invalid duration"),
        ("onset\tduration\ttrial_type\n1\t1\n", r"line 2: 2 column\(s\), the header has 3"),
        ("onset\tduration\tstuff\n1\t1\tx\n", r"label columns"),
    ],
)
def test_bids_bad(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content)
    with pytest.raises(InputFileError, match=rf"bad\.tsv: .*{problem}"):
        read_annotations(path, format="bids-tsv")


@pytest.mark.parametrize("sep", [",", "\t", ";"])
def test_reference_movements_table(tmp_path: Path, sep: str) -> None:
    rows = [("R", 20.0, 2.0), ("left", 10.5, 1.25), ("l", 40.0, 0.5), ("right", 10.7, 3.0)]
    path = write_movements(tmp_path / "truth.csv", rows, sep=sep)
    ann = read_annotations(path)
    assert ann.format == "csv-movements"
    assert ann.hypnogram is None
    assert read_reference_movements(path).values.tolist() == [
        ["left", 10.5, 1.25],
        ["right", 10.7, 3.0],
        ["right", 20.0, 2.0],
        ["left", 40.0, 0.5],
    ]


def test_reference_movements_extra_columns_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("leg,onset,duration,amplitude_uv\nleft,1.0,2.0,35\n")
    assert read_reference_movements(path).values.tolist() == [["left", 1.0, 2.0]]
    path.write_text("leg,onset,duration\n")
    assert read_reference_movements(path).empty


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("leg,onset,duration\nboth,1,2\n", r"line 2: leg 'both' is not left/right"),
        ("leg,onset,duration\nleft,x,2\n", r"line 2: onset 'x' is not a number"),
        ("leg,onset,duration\nleft,1,-2\n", r"invalid duration"),
        ("leg,onset\nleft,1\n", r"lacks column\(s\) duration"),
    ],
)
def test_reference_movements_bad(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputFileError, match=rf"bad\.csv: .*{problem}"):
        read_reference_movements(path)


def test_reference_movements_past_recording(tmp_path: Path) -> None:
    path = write_movements(tmp_path / "m.csv", [("left", 5000.0, 1.0)])
    with pytest.raises(InputFileError, match=r"m\.csv: event 'LM left' at 5000\.0 s"):
        read_reference_movements(path, recording_duration=1000.0)


def test_binary_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"stage\nW\x00\x01\n")
    with pytest.raises(InputFileError, match=r"x\.csv: is a binary file"):
        read_annotations(path)


def test_event_table_round_trip(tmp_path: Path) -> None:
    """twitchscope's own event tables (e.g. the simulator's truth_events.csv) read back equal."""
    events = make_events(
        [10.0, 50.5, 20.25],
        [12.0, 0.0, 1.5],
        ["obstructive_apnea", "arousal", "limb_movement"],
        ["", "", "right"],
        ["Obstructive Apnea", "Arousal", "LM right"],
    )
    path = tmp_path / "truth_events.csv"
    events.to_csv(path, index=False)
    ann = read_annotations(path, recording_duration=100.0)
    assert ann.format == "csv-events"
    assert ann.hypnogram is None
    pd.testing.assert_frame_equal(ann.events, events)
    assert read_reference_movements(path).values.tolist() == [["right", 20.25, 1.5]]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("onset,duration,kind,label\n1,2,sneeze,x\n", r"line 2: kind 'sneeze' is not one of"),
        ("onset,duration,kind,leg,label\n1,2,arousal,up,x\n", r"line 2: leg 'up'"),
        ("onset,kind,label\n1,arousal,x\n", r"lacks column\(s\) duration"),
    ],
)
def test_event_table_bad(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputFileError, match=rf"bad\.csv: .*{problem}"):
        read_annotations(path)


def test_simulator_style_truth_tables(tmp_path: Path) -> None:
    """Hypnogram as onset,duration,stage and movements with extra columns (kind, series...)."""
    hyp = tmp_path / "night.truth_hypnogram.csv"
    hyp.write_text("onset,duration,stage\n0.0,30.0,W\n30.0,30.0,N1\n60.0,30.0,R\n")
    assert read_hypnogram(hyp, recording_duration=90.0).stages == ("W", "N1", "R")
    moves = tmp_path / "night.truth_movements.csv"
    moves.write_text(
        "leg,onset,duration,amplitude_uv,kind,fragmented,series,arousal\n"
        "left,59.7426,1.4366,34.1556,wake,False,-1,False\n"
        "right,60.3217,1.2566,34.9754,plm,True,3,True\n"
    )
    ann = read_annotations(moves)
    assert ann.format == "csv-movements"
    assert ann.leg_movements().values.tolist() == [
        ["left", 59.7426, 1.4366],
        ["right", 60.3217, 1.2566],
    ]
