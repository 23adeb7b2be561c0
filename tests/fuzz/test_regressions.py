"""Every input problem of the fuzz and compatibility runs of issue 12, section 5, kept fixed.

Each test feeds the file the way a user would (through the command line, in process) and checks
the outcome: a clear error (exit 2) naming the file and the problem, or a success with the right
warning, never an internal error (exit 3), a traceback or a numpy warning.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from seeds import Corpus, patched, profusion_xml

from twitchscope.cli import main
from twitchscope.errors import ChannelError, InputFileError
from twitchscope.io.annotations import read_annotations
from twitchscope.io.recording import open_recording


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in process with numpy/Python warnings as errors; (code, stdout, stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "internal error" not in err
    return code, out, " ".join(err.split())


def score_args(corpus: Corpus, out: Path, *extra: str) -> list[str]:
    return ["score", str(corpus.edf), "--out", str(out), "--quiet", "--no-report", *extra]


# --- numbers too large --------------------------------------------------------------------------


@pytest.mark.parametrize("onset", ["1e308", "1e12"])
def test_huge_stage_onset_is_a_clear_error(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], onset: str
) -> None:
    hyp = tmp_path / "hyp.csv"
    hyp.write_text(f"onset,stage\n0,W\n30,N2\n{onset},N2\n")
    code, _, err = run(score_args(corpus, tmp_path / "o", "--hypnogram", str(hyp)), capsys)
    assert code == 2
    assert "hyp.csv" in err and "line 4" in err and "onset" in err and "beyond any recording" in err
    # the same in an XML stage event and an EDF+-style label reader
    xml = tmp_path / "hyp.xml"
    xml.write_text(
        "<PSGAnnotation><EpochLength>30</EpochLength><ScoredEvents><ScoredEvent>"
        "<EventType>Stages|Stages</EventType><EventConcept>Wake|0</EventConcept>"
        f"<Start>{onset}</Start><Duration>30</Duration></ScoredEvent></ScoredEvents>"
        "</PSGAnnotation>"
    )
    with pytest.raises(InputFileError, match=r"hyp\.xml.*'Wake\|0'.*onset of 1e\+\d+ s"):
        read_annotations(xml)


def test_tiny_epoch_length_does_not_allocate(tmp_path: Path) -> None:
    xml = tmp_path / "p.xml"
    xml.write_text(
        "<CMPStudyConfig><EpochLength>1e-300</EpochLength><SleepStages><SleepStage>0</SleepStage>"
        "<SleepStage>2</SleepStage></SleepStages></CMPStudyConfig>"
    )
    ann = read_annotations(xml)  # two epochs of 1e-300 s: odd but small
    assert ann.require_hypnogram().n_epochs == 2
    xml.write_text(
        "<CMPStudyConfig><EpochLength>1e-300</EpochLength><ScoredEvents><ScoredEvent>"
        "<Name>Arousal (ASDA)</Name><Start>0</Start><Duration>3</Duration></ScoredEvent>"
        "</ScoredEvents><SleepStages><SleepStage>0</SleepStage></SleepStages></CMPStudyConfig>"
    )
    read_annotations(xml)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('{"age": ' + "9" * 5000 + "}", r"the number 9{20}\.\.\.9{10} \(5000 characters\) is too"),
        ('{"age": 52, "sex": "female", "age": 53}', "the key 'age' appears twice"),
        ('{"age": 1e400}', "the number 1e400 is too large"),
        ('{"age": NaN}', "NaN is not a JSON number"),
        ('{"labs": {"ferritin": {"value": 1, "value": 2}}}', "the key 'value' appears twice"),
    ],
)
def test_answers_json_numbers_and_duplicate_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, pattern: str
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(text)
    code, _, err = run(["assess", str(answers), "--out", str(tmp_path / "a")], capsys)
    assert code == 2
    assert "answers.json" in err
    assert __import__("re").search(pattern, err), err


# --- silent wrong answers -----------------------------------------------------------------------


def test_profusion_arousal_of_1e20_s_is_refused(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd

    n = int(corpus.duration // 30)
    stages = ("W",) * 4 + ("N2",) * (n - 4)
    events = pd.DataFrame({"onset": [100.0], "duration": [1e20], "kind": ["arousal"]})
    xml = tmp_path / "p.xml"
    xml.write_text(profusion_xml(stages, events))
    code, _, err = run(score_args(corpus, tmp_path / "o", "--events", str(xml)), capsys)
    assert code == 2
    assert "p.xml" in err and "'Arousal (ASDA)' at 100.0 s has a duration of 1e+20 s" in err
    assert "beyond any recording" in err
    # an arousal running past the end of this recording is refused too
    events["duration"] = [5000.0]
    xml.write_text(profusion_xml(stages, events))
    with pytest.raises(InputFileError, match=r"duration of 5000 s, which runs past the end"):
        read_annotations(xml, recording_duration=corpus.duration)
    # a long but possible arousal is accepted with a warning naming it
    events["duration"] = [200.0]
    xml.write_text(profusion_xml(stages, events))
    ann = read_annotations(xml, recording_duration=corpus.duration)
    assert any("1 arousal event(s) last longer than 60 s" in w for w in ann.warnings)


def test_leg_with_physical_range_1e300_is_a_clear_error(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = patched(
        corpus.edf,
        tmp_path / "r.edf",
        {("physical_min", "Leg L"): "-1e300", ("physical_max", "Leg L"): "1e300"},
    )
    code, _, err = run(["score", str(bad), "--out", str(tmp_path / "o"), "-q"], capsys)
    assert code == 2
    assert "r.edf" in err and "'Leg L'" in err and "physical range -1e+300..1e+300" in err
    assert "no recorded samples" not in err
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with open_recording(bad) as rec:
            assert any("Leg L" in w and "physical range" in w for w in rec.warnings)
            with pytest.raises(ChannelError, match="physical range"):
                rec.load("Leg L")
            rec.load("Leg R")  # the other channels stay readable


# --- hostile XML --------------------------------------------------------------------------------


def test_xinclude_is_refused(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.xml"
    shutil.copy(corpus.profusion, other)
    xml = tmp_path / "inc.xml"
    xml.write_text(
        '<CMPStudyConfig xmlns:xi="http://www.w3.org/2001/XInclude"><EpochLength>30'
        f'</EpochLength><xi:include href="{other}"/><SleepStages><SleepStage>0</SleepStage>'
        "</SleepStages></CMPStudyConfig>"
    )
    code, _, err = run(score_args(corpus, tmp_path / "o", "--hypnogram", str(xml)), capsys)
    assert code == 2 and "inc.xml" in err and "XInclude" in err


def test_xml_nested_a_million_levels_is_refused_fast(tmp_path: Path) -> None:
    n = 1_000_000
    xml = tmp_path / "deep.xml"
    xml.write_text("<CMPStudyConfig>" + "<a>" * n + "</a>" * n + "</CMPStudyConfig>")
    t0 = time.process_time()
    with pytest.raises(InputFileError, match=r"deep\.xml: XML is nested more than 64 levels"):
        read_annotations(xml)
    assert time.process_time() - t0 < 2.0  # was 9 s of CPU, then accepted


# --- files written by other tools ---------------------------------------------------------------


def test_bdf_saying_edf_plus_is_read_with_a_warning(corpus: Corpus, tmp_path: Path) -> None:
    bdf = patched(corpus.bdf, tmp_path / "x.bdf", {("reserved", None): "EDF+C"})
    with open_recording(bdf) as rec, open_recording(corpus.bdf) as ref:
        assert rec.format == "BDF+C"
        assert any("'EDF+C'" in w and "read as BDF+C" in w for w in rec.warnings)
        assert np.array_equal(rec.load("Leg L").data, ref.load("Leg L").data)
        assert len(rec.raw_annotations()) == len(ref.raw_annotations())
    edf = patched(corpus.edf, tmp_path / "x.edf", {("reserved", None): "BDF+C"})
    with open_recording(edf) as rec:
        assert rec.format == "EDF+C"


def test_biosemi_full_scale_draws_no_unit_warning(corpus: Corpus, tmp_path: Path) -> None:
    # BioSemi ActiveTwo: 24-bit, 31.25 nV per step: -262144..262143 uV full scale
    edits: dict[tuple[str, str | None], bytes | str] = {}
    for label in ("Leg L", "Leg R", "C4-M1"):
        edits[("physical_min", label)] = "-262144"
        edits[("physical_max", label)] = "262143"
        edits[("digital_min", label)] = "-8388608"
        edits[("digital_max", label)] = "8388607"
    bdf = patched(corpus.bdf, tmp_path / "biosemi.bdf", edits)
    with open_recording(bdf) as rec:
        assert not [w for w in rec.warnings if "implausibly" in w], rec.warnings
    # +-5 V in mV (a unit mix-up) still warns
    bad = patched(
        corpus.edf,
        tmp_path / "mv.edf",
        {
            ("physical_dimension", "Leg L"): "mV",
            ("physical_min", "Leg L"): "-5000",
            ("physical_max", "Leg L"): "5000",
        },
    )
    with open_recording(bad) as rec:
        assert any("'Leg L'" in w and "implausibly large" in w for w in rec.warnings)


def test_duplicate_labels_can_be_chosen_by_number(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dup = patched(corpus.edf, tmp_path / "dup.edf", {("label", "Leg R"): "Leg L"})
    with open_recording(dup) as rec:
        assert any("duplicate channel label 'Leg L' (signals #7, #8)" in w for w in rec.warnings)
        with pytest.raises(ChannelError, match=r"ambiguous.*#7, #8.*'#7'"):
            rec.load("Leg L")
        assert rec.load("#8").label == "Leg L"
        with pytest.raises(ChannelError, match=r"no signal channel numbered #99.*#8 'Leg L'"):
            rec.load("#99")
        with pytest.raises(ChannelError, match="no signal channel numbered #13"):
            rec.load("#13")  # the annotation signal
    with open_recording(dup, channels={"leg_left": "#7", "leg_right": "#8"}) as rec:
        assert [c.role for c in rec.channels][6:8] == ["leg_left", "leg_right"]
    assert run(["info", str(dup), "--json"], capsys)[0] == 0
    code, _, err = run(
        ["score", str(dup), "--out", str(tmp_path / "o"), "-q", "--no-report"], capsys
    )
    assert code == 2 and "'#7'" in err
    args = ["--left", "#7", "--right", "#8"]
    code, _out, err = run(
        ["score", str(dup), "--out", str(tmp_path / "o"), "-q", "--no-report", *args], capsys
    )
    assert code == 0, err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    ref_out = tmp_path / "ref"
    assert run(score_args(corpus, ref_out), capsys)[0] == 0
    reference = json.loads((ref_out / "summary.json").read_text())
    assert summary["plms_count"] == reference["plms_count"]


def test_info_shows_an_annotation_only_edf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import edfio

    path = tmp_path / "notes.edf"
    edfio.Edf(
        [],
        annotations=[
            edfio.EdfAnnotation(0, 30, "Sleep stage W"),
            edfio.EdfAnnotation(30, 60, "Sleep stage N2"),
            edfio.EdfAnnotation(50, 12, "Obstructive Apnea"),
        ],
    ).write(path)
    code, out, _err = run(["info", str(path), "--json"], capsys)
    assert code == 0
    info = json.loads(out)
    assert info["channels"] == []
    assert info["annotations"]["stages"] == {"N2": 2, "W": 1}
    assert info["annotations"]["events"] == {"obstructive_apnea": 1}
    assert not any("could not be interpreted" in w for w in info["warnings"])
    code, out, _ = run(["info", str(path)], capsys)
    assert code == 0 and "annotation-only" in out and "stages (epochs): N2 2, W 1" in out


def test_events_file_replacing_embedded_events_says_so(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _err = run(score_args(corpus, tmp_path / "o", "--events", str(corpus.nsrr)), capsys)
    assert code == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    replaced = [w for w in summary["warnings"] if "replace the" in w]
    assert len(replaced) == 1
    assert "night.nsrr.xml" in replaced[0] and "recording's own annotations" in replaced[0]
    # no warning when the recording's own events are used
    assert run(score_args(corpus, tmp_path / "p"), capsys)[0] == 0
    summary = json.loads((tmp_path / "p" / "summary.json").read_text())
    assert not [w for w in summary["warnings"] if "replace the" in w]


def test_one_warning_for_a_short_hypnogram(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = corpus.csv_hypnogram.read_text().splitlines()
    short = tmp_path / "short.csv"
    short.write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    code, _, _err = run(score_args(corpus, tmp_path / "o", "--hypnogram", str(short)), capsys)
    assert code == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    about = [w for w in summary["warnings"] if "hypnogram" in w and "ends at" in w]
    assert len(about) == 1, summary["warnings"]
    assert "short.csv" in about[0] and "unstaged" in about[0]


def test_first_record_onset_beyond_any_recording(corpus: Corpus, tmp_path: Path) -> None:
    # found by make fuzz: a time-keeping TAL of +1e20 s made the recording 'last 0 s'
    from seeds import labels, n_signals, signal_field

    data = bytearray(corpus.edf.read_bytes())
    ns = n_signals(bytes(data))
    sprs = [
        int(data[o : o + 8].decode())
        for o in (signal_field(bytes(data), "samples_per_record", i)[0] for i in range(ns))
    ]
    assert labels(bytes(data))[-1] == "EDF Annotations"
    tal_off = 256 * (ns + 1) + sum(sprs[:-1]) * 2
    tal = b"+1" + b"0" * 20 + b"\x14\x14\x00"
    data[tal_off : tal_off + len(tal)] = tal
    path = tmp_path / "late.edf"
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match=r"late\.edf: the time-keeping .* 1e\+20 s, beyond"):
        open_recording(path)
