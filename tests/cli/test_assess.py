"""`twitchscope assess`: files written, summary printed, bad input exits 2 without traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from twitchscope.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _summary(tmp_path: Path) -> Path:
    p = tmp_path / "summary.json"
    p.write_text(
        json.dumps(
            {
                "plms_index": 31.0,
                "plmw_index": 4.0,
                "lm_index": 40.0,
                "plms_count": 200,
                "periodicity_index": 0.6,
                "total_sleep_time_h": 6.4,
                "time_in_bed_h": 7.9,
                "rules": {"preset": "wasm2016"},
                "channels": {"left": "LAT", "right": "RAT"},
                "warnings": [],
                "index_basis": "total_sleep_time",
            }
        )
    )
    return p


def test_assess_writes_json_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "assess",
            str(EXAMPLES / "answers_example.json"),
            "--labs",
            str(EXAMPLES / "labs_example.json"),
            "--recording",
            str(_summary(tmp_path)),
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    d = json.loads((out / "assessment.json").read_text())
    assert d["triage"] == "see_doctor"
    ids = {f["id"] for f in d["findings"]}
    assert {"restless_legs_syndrome", "periodic_limb_movements", "iron_deficiency"} <= ids
    assert "plmd_possible" not in ids  # RLS takes precedence: RLS with PLMS
    html = (out / "assessment.html").read_text()
    assert "See a doctor" in html and "not diagnose" in html
    assert "SEE DOCTOR" in printed and "Restless legs syndrome" in printed


def test_emergency_and_unanswered_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"fever": True, "stiff_neck": True}))
    assert main(["assess", str(answers), "--out", str(tmp_path / "o")]) == 0
    printed = capsys.readouterr().out
    assert "EMERGENCY" in printed and "emergency question(s) not answered" in printed
    html = (tmp_path / "o" / "assessment.html").read_text()
    assert "triage emergency" in html and "Emergency questions not answered" in html
    assert "What is not known" in html
    assert "Restless legs syndrome (RLS) criteria" not in html  # not in an emergency


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{\n "age": 40,\n "fever": yes\n}', "line 3"),
        ('{"age": 300}', "age"),
        ('{"fevr": true}', "did you mean 'fever'"),
        ('{"labs": {"ferritin": {"value": 30, "unit": "kg"}}}', "accepted"),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, words: str
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(content)
    code = main(["assess", str(answers), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "o" / "assessment.json").exists()


def test_refuses_to_overwrite_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "assessment.json"
    answers.write_text('{"age": 40}')
    assert main(["assess", str(answers), "--out", str(tmp_path)]) == 2
    assert answers.read_text() == '{"age": 40}'
    assert "input file" in capsys.readouterr().err


def test_bad_recording_names_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = tmp_path / "summary.json"
    rec.write_text('{"plms_index": 20}')
    code = main(
        [
            "assess",
            str(EXAMPLES / "answers_example.json"),
            "--recording",
            str(rec),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "summary.json" in err and "plms_count" in err


def test_subprocess_run(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "twitchscope"
    out = tmp_path / "out"
    run = subprocess.run(
        [
            str(exe),
            "assess",
            str(EXAMPLES / "answers_example.json"),
            "--labs",
            str(EXAMPLES / "labs_example.json"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    html = (out / "assessment.html").read_text()
    assert "See a doctor" in html and "supports, it does not diagnose" in html
    bad = subprocess.run(
        [str(exe), "assess", str(tmp_path / "nope.json"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
