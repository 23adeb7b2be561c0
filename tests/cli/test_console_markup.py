"""Text from files, paths and people is printed as text, never as console markup.

Each command meets hostile strings (``[/]`` closes a tag that is not open and used to crash the
error printer; ``[bold red]x[/]`` and ``[link=http://x]y`` would be silently eaten as styles) in
the places it prints them: EDF channel labels and units, EDF+ annotation texts, paths, warnings,
error messages, diary entries, typed answers. The strings must come out literally, with no
traceback and no "internal error".
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from twitchscope.cli import main

HOSTILE = ("[/]", "[bold red]x[/]", "[link=http://x]y")


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # tables and panels: no wrapping inside the strings


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    cap = capsys.readouterr()
    text = cap.out + cap.err
    assert "Traceback" not in text and "internal error" not in text, text
    return code, text


def hostile_dir(root: Path) -> Path:
    """A folder whose path contains ``[/]`` (``/`` cannot be inside one file name)."""
    folder = root / "a[" / "]b"
    folder.mkdir(parents=True)
    return folder


def write_hostile_edf(path: Path, left: str, right: str, unit: str, note: str) -> Path:
    """An EDF+ with hostile leg labels, a hostile unit and a hostile annotation text.

    The legs are 0.05 µV of noise labelled µV, so reading them warns about the unit and names
    both channels in the warning.
    """
    from edfio import Edf, EdfAnnotation, EdfSignal

    rng = np.random.default_rng(0)
    n = 256 * 120
    sigs = [
        EdfSignal(
            rng.normal(0, 0.05, n),
            sampling_frequency=256,
            label=label,
            physical_dimension="uV",
            physical_range=(-1, 1),
        )
        for label in (left, right)
    ]
    sigs.append(
        EdfSignal(rng.normal(0, 1, 120), sampling_frequency=1, label="Pos", physical_dimension=unit)
    )
    Edf(sigs, annotations=[EdfAnnotation(5.0, 1.0, note)]).write(path)
    return path


@pytest.mark.parametrize("text", HOSTILE)
def test_error_messages_quoting_a_path(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / text.replace("/", "_") / "night.edf"
    code, out = run(["info", str(missing)], capsys)
    assert code == 2 and "error:" in out and str(missing) in out
    slash = hostile_dir(tmp_path) / "night.edf"
    code, out = run(["score", str(slash), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and str(slash) in out


@pytest.mark.parametrize("text", HOSTILE)
def test_error_messages_quoting_values(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = text.partition("=")[0]  # OPTION=VALUE: the option ends at the first "="
    code, out = run(["score", "x.edf", "--out", str(tmp_path), "--rule", f"{text}=1"], capsys)
    assert code == 2 and f"--rule {name}: unknown option" in out
    code, out = run(["score", "x.edf", "--out", str(tmp_path), "--rules", text], capsys)
    assert code == 2 and repr(text) in out
    code, out = run(["simulate", str(tmp_path / "n.edf"), "--scenario", text], capsys)
    assert code == 2 and repr(text) in out


def test_info_and_score_print_labels_units_annotations_and_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edf = write_hostile_edf(
        hostile_dir(tmp_path) / "night.edf", HOSTILE[1], HOSTILE[2], "[/]", "[bold red]x[/] z"
    )
    code, out = run(["info", str(edf)], capsys)
    assert code == 0
    for text in (str(edf), HOSTILE[1], HOSTILE[2], "[/]", "[bold red]x[/] z"):
        assert text in out, text
    out_dir = hostile_dir(tmp_path / "out")
    args = ["score", str(edf), "--left", HOSTILE[1], "--right", HOSTILE[2], "--no-report"]
    code, out = run([*args, "--out", str(out_dir)], capsys)
    assert code == 0
    assert f"warning: channel {HOSTILE[1]!r}" in out or f"{HOSTILE[1]!r}" in out
    assert "implausibly small" in out and str(out_dir) in out
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["channels"] == {"left": HOSTILE[1], "right": HOSTILE[2]}


def test_validate_prints_hostile_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = hostile_dir(tmp_path)
    ref = folder / "ref.csv"
    ref.write_text("leg,onset,duration\nleft,10,1\nright,30,1\n")
    out = folder / "v.json"
    code, text = run(["validate", str(ref), str(ref), "--out", str(out)], capsys)
    assert code == 0 and f"written to {out}" in text
    assert "recording length unknown" in text  # a warning, printed as text
    assert json.loads(out.read_text())["reference"] == str(ref)


def test_diary_entries_and_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = hostile_dir(tmp_path) / "diary.sqlite"
    add = ["diary", "add", "--db", str(db), "--kind", "twitch", "--start", "2026-11-01 22:30"]
    code, out = run([*add, "--location", "calf", "--note", HOSTILE[1]], capsys)
    assert code == 0 and "diary.sqlite" in out  # shown as a URL: [ and ] percent-encoded
    day = ["diary", "add-day", "--db", str(db), "--date", "2026-11-01", "-m", HOSTILE[2]]
    code, out = run(day, capsys)
    assert code == 0 and HOSTILE[2] in out
    code, out = run(["diary", "list", "--db", str(db)], capsys)
    assert code == 0 and HOSTILE[1] in out and HOSTILE[2] in out
    code, out = run(["diary", "patterns", "--db", str(db), "--today", "2026-11-02"], capsys)
    assert code == 0 and "Diary patterns" in out
    csv = db.with_name("export.csv")
    code, out = run(["diary", "export", str(csv), "--db", str(db)], capsys)
    assert code == 0 and str(csv) in out
    code, out = run(["diary", "import", str(csv), "--db", str(db.with_name("b.sqlite"))], capsys)
    assert code == 0 and "imported 1 episode(s) and 1 day(s)" in out


def test_ask_echoes_hostile_answers_and_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from twitchscope.clinical.questions import QUESTIONS

    first_number = next(q for q in QUESTIONS if q.kind in ("int", "float"))
    lines: list[str] = []
    for q in QUESTIONS:
        if q.id == first_number.id:
            lines += [*HOSTILE, "skip"]
            break
        lines.append("skip")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    out = hostile_dir(tmp_path) / "answers.json"
    code, text = run(["ask", "--out", str(out)], capsys)
    assert code == 1  # input ended: the answers so far are saved
    for hostile in HOSTILE:
        assert f"{hostile!r} is not a number" in text, hostile
    partial = out.with_name("answers.partial.json")
    assert partial.is_file() and str(partial) in text


def test_assess_prints_hostile_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = hostile_dir(tmp_path)
    answers = folder / "answers.json"
    answers.write_text(json.dumps({"age": 40}))
    out = folder / "picture"
    code, text = run(["assess", str(answers), "--out", str(out)], capsys)
    assert code == 0 and str(out / "assessment.json") in text
    labs = folder / "labs.json"
    labs.write_text(json.dumps({"ferritin": {"value": 40, "unit": HOSTILE[1]}}))
    code, text = run(["assess", str(answers), "--labs", str(labs), "--out", str(out)], capsys)
    assert code == 2 and HOSTILE[1] in text
    inside = out / "assessment.json"  # answers where the assessment would be written
    inside.write_text(json.dumps({"age": 40}))
    code, text = run(["assess", str(inside), "--out", str(out)], capsys)
    assert code == 2 and "is an input file" in text
    assert json.loads(inside.read_text()) == {"age": 40}  # nothing a user wrote is lost


def test_simulate_prints_hostile_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = hostile_dir(tmp_path) / "[link=http://x]y.edf"
    code, out = run(["simulate", str(path), "--hours", "0.1", "--seed", "1"], capsys)
    assert code == 0 and f"recording: {path}" in out
