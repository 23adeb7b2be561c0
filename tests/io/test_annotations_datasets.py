"""Readers for the public scored datasets' own formats: CAP Sleep Database, DREAMS, NSRR cohorts.

Every file here is written by hand in the format's layout (no real data is copied).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from twitchscope.errors import InputFileError
from twitchscope.io.annotations import read_annotations, read_reference_movements
from twitchscope.io.annotations.sniff import sniff_format

CAP_PREAMBLE = (
    "Patient Name:\tX\nPatient ID:\tn99\nRecording Date:\t01/02/2003\n"
    "Events Included:\nSLEEP-S0\nSLEEP-S1\nMCAP-A1\n\n"
)
CAP_HEADER = "Sleep Stage\tPosition\tTime [hh:mm:ss]\tEvent\tDuration[s]\tLocation\n"


def cap_file(tmp_path: Path, rows: list[str], header: str = CAP_HEADER) -> Path:
    p = tmp_path / "n99.txt"
    p.write_text(CAP_PREAMBLE + header + "".join(r + "\n" for r in rows), encoding="latin-1")
    return p


def test_cap_hypnogram_events_and_midnight(tmp_path: Path) -> None:
    rows = [
        "W\tSupine\t23:59:00\tSLEEP-S0\t30\tROC-LOC",
        "S1\tSupine\t23:59:30\tSLEEP-S1\t30\tROC-LOC",
        "S2\tSupine\t00:00:00\tSLEEP-S2\t30\tROC-LOC",
        "S2\tSupine\t00:00:10\tMCAP-A1\t4\tF4-C4",
        "S4\tSupine\t00:00:30\tSLEEP-S4\t30\tROC-LOC",
        "R\tLeft\t00:01:00\tSLEEP-REM\t30\tROC-LOC",
        "MT\tLeft\t00:01:30\tSLEEP-MT\t30\tROC-LOC",
        "R\tLeft\t00:01:35\tLM\t1.5\tTIB-SX",
        "R\tLeft\t00:01:40\tLimb movement\t2\tTib dx",
    ]
    path = cap_file(tmp_path, rows)
    assert sniff_format(path) == "cap-txt"
    ann = read_annotations(path, recording_start=dt.time(23, 58, 30))
    hyp = ann.require_hypnogram()
    assert hyp.offset == pytest.approx(30.0)  # first stage 30 s after the recording start
    assert list(hyp.stages) == ["W", "N1", "N2", "N3", "R", "UNS"]
    ev = ann.events
    cap = ev[ev["label"] == "MCAP-A1"]
    assert cap["onset"].iat[0] == pytest.approx(100.0) and cap["kind"].iat[0] == "other"
    lm = ann.leg_movements()
    assert lm["leg"].tolist() == ["left", "right"]
    assert lm["onset"].tolist() == pytest.approx([185.0, 190.0])
    assert lm["duration"].tolist() == pytest.approx([1.5, 2.0])


def test_cap_variants_without_position_and_dotted_times(tmp_path: Path) -> None:
    header = "Sleep Stage\tTime [hh:mm:ss]\tEvent\tDuration [s]\tLocation\n"
    rows = ["W\t22.00.00\tSLEEP-S0\t30\tC4-A1", "S3\t22.00.30\tSLEEP-S3\t30\tC4-A1"]
    ann = read_annotations(cap_file(tmp_path, rows, header))
    assert list(ann.require_hypnogram().stages) == ["W", "N3"]
    assert any("no recording start" in w for w in ann.warnings)  # times from the first row


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("W\tSupine\t25:00:00\tSLEEP-S0\t30\tROC-LOC", "not a clock time"),
        ("W\tSupine\tnoon\tSLEEP-S0\t30\tROC-LOC", "is not hh:mm:ss"),
        ("W\tSupine\t22:00:00\tSLEEP-S0\tlong\tROC-LOC", "is not a number"),
        ("W\t22:00:00", "expected 6 tab-separated columns"),
    ],
)
def test_cap_bad_rows_name_file_and_line(tmp_path: Path, row: str, problem: str) -> None:
    path = cap_file(tmp_path, [row])
    with pytest.raises(InputFileError, match=problem) as err:
        read_annotations(path, format="cap-txt")
    assert "n99.txt" in str(err.value) and "line 10" in str(err.value)


def test_cap_row_before_recording_start_is_refused(tmp_path: Path) -> None:
    path = cap_file(tmp_path, ["W\tSupine\t22:00:00\tSLEEP-S0\t30\tROC-LOC"])
    with pytest.raises(InputFileError, match="before the recording start"):
        read_annotations(path, recording_start=dt.time(22, 30, 0))


def test_cap_without_header_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text("Patient Name:\tX\nno table here\n")
    with pytest.raises(InputFileError, match="header line"):
        read_annotations(p, format="cap-txt")


def test_dreams_aasm_hypnogram_at_5_s(tmp_path: Path) -> None:
    p = tmp_path / "HypnogramAASM_subject1.txt"
    p.write_text("[HypnogramAASM]\n5\n5\n3\n2\n2\n1\n4\n0\n-2\n")
    assert sniff_format(p) == "dreams-txt"
    ann = read_annotations(p)
    hyp = ann.require_hypnogram()
    assert hyp.epoch_length == 5.0
    assert list(hyp.stages) == ["W", "W", "N1", "N2", "N2", "N3", "R", "UNS", "UNS"]
    assert any("unscored" in w for w in ann.warnings)


def test_dreams_rk_hypnogram_stage_4_is_n3(tmp_path: Path) -> None:
    p = tmp_path / "HypnogramR&K_patient1.txt"
    p.write_text("[HypnogramR&K]\r\n5\r\n0\r\n1\r\n-1\r\n")
    assert list(read_annotations(p).require_hypnogram().stages) == ["W", "N3", "N3", "UNS"]


def test_dreams_event_lists(tmp_path: Path) -> None:
    lm = tmp_path / "Visual_scoring_LM_left.txt"
    lm.write_text("[vis1_LM_left]\n12.5 1.25\n40.0\t2\n")
    mv = read_reference_movements(lm)
    assert mv["leg"].tolist() == ["left", "left"]
    assert mv["onset"].tolist() == pytest.approx([12.5, 40.0])
    spindles = tmp_path / "Visual_scoring1_excerpt1.txt"
    spindles.write_text("[vis1_Spindles_excerpt1]\n37.2 0.9\n")
    ann = read_annotations(spindles)
    assert ann.events["kind"].tolist() == ["other"] and ann.hypnogram is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[HypnogramAASM]\n5\nN2\n", "line 3: stage 'N2' is not an integer code"),
        ("[vis_LM]\n1.0\n", "expected 'onset duration'"),
        ("[HypnogramAASM]\n", "no stages"),
    ],
)
def test_dreams_bad_files(tmp_path: Path, text: str, problem: str) -> None:
    p = tmp_path / "d.txt"
    p.write_text(text)
    with pytest.raises(InputFileError, match=problem):
        read_annotations(p, format="dreams-txt")


def test_nsrr_cohort_leg_channels(tmp_path: Path) -> None:
    """MrOS/MESA-style limb-movement concepts; the leg from a numbered channel name."""
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<PSGAnnotation><SoftwareVersion>Compumedics</SoftwareVersion><EpochLength>30</EpochLength>
<ScoredEvents>
<ScoredEvent><EventType/><EventConcept>Recording Start Time</EventConcept><Start>0</Start>
<Duration>60</Duration><ClockTime>00.00.00 22.00.00</ClockTime></ScoredEvent>
<ScoredEvent><EventType>Stages|Stages</EventType><EventConcept>Stage 4 sleep|4</EventConcept>
<Start>0</Start><Duration>60</Duration></ScoredEvent>
<ScoredEvent><EventType>Limb Movement|Limb Movement</EventType>
<EventConcept>Periodic leg movement - left|PLM (Left)</EventConcept><Start>10</Start>
<Duration>1.5</Duration><SignalLocation>LLEG1-LLEG2</SignalLocation></ScoredEvent>
<ScoredEvent><EventType>Limb Movement|Limb Movement</EventType>
<EventConcept>Limb movement|Limb Movement</EventConcept><Start>30</Start>
<Duration>2</Duration><SignalLocation>RLEG1-RLEG2</SignalLocation></ScoredEvent>
</ScoredEvents></PSGAnnotation>
"""
    p = tmp_path / "mros-visit1-aa0001-nsrr.xml"
    p.write_text(xml)
    ann = read_annotations(p)
    assert list(ann.require_hypnogram().stages) == ["N3", "N3"]
    mv = ann.leg_movements()
    assert mv["leg"].tolist() == ["left", "right"]
