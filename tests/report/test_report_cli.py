"""``twitchscope report``: writes HTML or PDF from any inputs; bad input exits 2 with one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from twitchscope.cli import main

BIN = Path(sys.executable).parent / "twitchscope"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_html_from_every_input(
    tmp_path: Path,
    answers_file: Path,
    labs_file: Path,
    night_dir: Path,
    diary_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "report.html"
    code, stdout, stderr = run(
        [
            "report",
            "--answers", str(answers_file),
            "--labs", str(labs_file),
            "--recording", str(night_dir),
            "--diary", str(diary_file),
            "--out", str(out),
            "--page-size", "letter",
        ],
        capsys,
    )  # fmt: skip
    assert code == 0, stderr
    assert "made from: answers, lab values, recording, symptom diary" in stdout
    html = out.read_text(encoding="utf-8")
    assert "size: letter;" in html and "What this report was made from" in html


def test_pdf_from_labs_only(
    tmp_path: Path, labs_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "labs.pdf"
    code, stdout, stderr = run(["report", "--labs", str(labs_file), "-o", str(out)], capsys)
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert "made from: lab values" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "r.html"], "give at least one of --answers, --labs, --recording or --diary"),
        (["--labs", "LABS", "--out", "r.docx"], "write the report as .pdf or .html"),
        (["--labs", "LABS", "--out", "r.pdf", "--page-size", "legal"], "expected a4 or letter"),
        (["--recording", "missing_dir", "--out", "r.html"], "missing_dir: no such file"),
        (["--labs", "LABS", "--out", "LABS.html"], None),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path,
    labs_file: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str | None,
) -> None:
    args = [a.replace("LABS", str(labs_file)) for a in args]
    args = [str(tmp_path / a) if a in ("r.html", "r.pdf", "r.docx", "missing_dir") else a
            for a in args]  # fmt: skip
    code, _, stderr = run(["report", *args], capsys)
    if message is None:  # writing next to the inputs is fine
        assert code == 0, stderr
        return
    assert code == 2
    assert message in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_refuses_to_overwrite_an_input(
    tmp_path: Path, labs_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "in.html"
    target.write_text("<p>mine</p>")
    code, _, stderr = run(["report", "--diary", str(target), "--out", str(target)], capsys)
    assert code == 2 and "is an input file" in stderr
    assert target.read_text() == "<p>mine</p>"


def test_help_lists_the_command_and_stays_light() -> None:
    code = (
        "import sys, twitchscope.cli as c\n"
        "heavy = [m for m in ('jinja2', 'weasyprint', 'matplotlib', 'twitchscope.report.doctor')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"
    helped = subprocess.run([str(BIN), "report", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "--page-size" in helped.stdout
