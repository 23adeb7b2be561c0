"""The doctor report: from any of its inputs, says what it was made from, escapes what it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _report_data import HOSTILE
from markupsafe import escape

from twitchscope.errors import InputFileError, ValidationError
from twitchscope.report import doctor_report, render_doctor_html, write_doctor_report
from twitchscope.report.night import load_night


def main_part(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def test_everything_given(
    answers_file: Path, labs_file: Path, night_dir: Path, diary_file: Path
) -> None:
    rep = doctor_report(answers=answers_file, labs=labs_file, recording=night_dir, diary=diary_file)
    assert rep.assessment is not None and rep.night is not None
    assert rep.diary_patterns is not None and rep.labs
    assert [i.given for i in rep.inputs] == [True, True, True, True]
    html = render_doctor_html(rep)
    body = main_part(html)
    # what it was made from
    assert "What this report was made from" in body
    for p in (answers_file, labs_file, diary_file):
        assert str(escape(str(p))) in body
    assert "`twitchscope score` output" in body
    # the clinical picture with numbered sources listed once
    assert 'class="triage ' in body and "What the evidence is consistent with" in body
    refs = re.findall(r"<ol class=\"references\">(.*?)</ol>", body, flags=re.S)
    assert refs and refs[0].count("<li>") == len(set(re.findall(r"<li>(.*?)</li>", refs[0])))
    assert re.search(r"Sources: \[1\]", body)
    # the night, its three figures, the diary figure, the labs table
    assert body.count("<svg") == 4
    assert "The night&#39;s recording" in body or "The night's recording" in body
    assert "Lab values" in body and "ferritin" in body.lower()
    assert "Diary episodes by hour of the day" in body and "Most recent episodes" in body
    # the disclaimer in the body and in the margin of every printed page
    assert "Not a diagnosis" in body and "@bottom-center" in html
    # hostile answers and diary notes are escaped
    assert "<script" not in html and "<img" not in html
    assert str(escape(HOSTILE)) in body


def test_without_answers_there_is_no_triage(labs_file: Path, diary_file: Path) -> None:
    rep = doctor_report(labs=labs_file, diary=diary_file)
    assert rep.assessment is None
    html = render_doctor_html(rep)
    body = main_part(html)
    assert "No clinical picture" in body and 'class="triage' not in body
    assert "Lab values" in body and "not given" in body
    assert "Symptom diary" in body and "Diary episodes by hour of the day" in body
    assert str(escape(HOSTILE)) in body  # the diary note, escaped


def test_recording_only_from_a_summary_file_or_a_recording(
    night_dir: Path, night_edf: Path
) -> None:
    from_summary = doctor_report(recording=night_dir / "summary.json")
    scored_now = doctor_report(recording=night_edf)
    assert from_summary.night is not None and scored_now.night is not None
    assert scored_now.inputs[2].where.endswith("(scored now, rules wasm2016)")
    a, b = from_summary.night, scored_now.night
    assert a.summary["plms_index"] == pytest.approx(b.summary["plms_index"], abs=1e-3)
    assert a.left_onsets.size == b.left_onsets.size
    html = render_doctor_html(scored_now, page_size="letter")
    assert "size: letter;" in html and main_part(html).count("<svg") == 3


def test_labs_only(labs_file: Path) -> None:
    html = render_doctor_html(doctor_report(labs=labs_file))
    assert "lab values outside the thresholds" in html and "transferrin" in html.lower()


def test_bad_inputs(tmp_path: Path, night_dir: Path) -> None:
    with pytest.raises(ValidationError, match="at least one"):
        doctor_report()
    with pytest.raises(InputFileError, match="no such file"):
        doctor_report(recording=tmp_path / "missing.edf")
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(InputFileError, match="not a recording"):
        doctor_report(recording=other)
    bad = tmp_path / "answers.json"
    bad.write_text("{broken")
    with pytest.raises(InputFileError, match=re.escape(str(bad))):
        doctor_report(answers=bad)
    rep = doctor_report(recording=load_night(night_dir))
    with pytest.raises(ValidationError, match=r"\.pdf or \.html"):
        write_doctor_report(rep, tmp_path / "report.docx")
    with pytest.raises(ValidationError, match="page size"):
        write_doctor_report(rep, tmp_path / "report.html", page_size="legal")
    with pytest.raises(InputFileError, match="does not exist"):
        write_doctor_report(rep, tmp_path / "no" / "report.html")


def test_write_html(tmp_path: Path, night_dir: Path) -> None:
    rep = doctor_report(recording=night_dir)
    out = write_doctor_report(rep, tmp_path / "report.html")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "No clinical picture" in html
    assert not (tmp_path / "report.html.part").exists()


def test_hostile_file_names_and_summary_text(tmp_path: Path, night_dir: Path) -> None:
    import json
    import shutil

    folder = tmp_path / '<img src=x onerror="x()">&night'
    shutil.copytree(night_dir, folder)
    summary = json.loads((folder / "summary.json").read_text())
    summary["source"] = HOSTILE
    summary["channels"] = {"left": HOSTILE, "right": "Leg R"}
    summary["warnings"] = [f"annotation {HOSTILE} ignored"]
    (folder / "summary.json").write_text(json.dumps(summary))
    html = render_doctor_html(doctor_report(recording=folder))
    assert "<img" not in html and "<script" not in html
    assert str(escape(str(folder))) in html and str(escape(HOSTILE)) in html
