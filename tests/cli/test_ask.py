"""``twitchscope ask`` with scripted input: emergency yes, a bad answer re-asked, skip, EOF."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from twitchscope.cli import main
from twitchscope.clinical.answers import validate_answers
from twitchscope.clinical.questions import QUESTIONS, emergency_questions

# Typed answers by question id; every other question gets "skip". A list gives several lines
# (a bad answer followed by the good one).
TYPED: dict[str, list[str]] = {
    "seizure": ["yes"],
    "fever": ["perhaps", "no"],
    "age": ["300", "45"],
    "sex": ["2"],  # male: the pregnancy question is then not asked
    "locations": ["calf, whole leg"],
    "kind": ["twitch;jerk"],
    "duration_days": ["forty", "40"],
    "medications": ["sertraline, ibuprofen"],
    "stress": ["7"],
    "sleep_hours": ["6,5"],
    "labs": ["yes", "ferritin 45 ng/mL", "ferritin 45 furlongs", "magnesium 0.8 mmol/L", ""],
}
EXPECTED = {
    "seizure": True,
    "fever": False,
    "age": 45,
    "sex": "male",
    "locations": ["calf", "whole_leg"],
    "kind": ["twitch", "jerk"],
    "duration_days": 40,
    "medications": ["sertraline", "ibuprofen"],
    "stress": 7,
    "sleep_hours": 6.5,
    "labs": {
        "ferritin": {"value": 45.0, "unit": "ng/mL"},
        "magnesium": {"value": 0.8, "unit": "mmol/L"},
    },
}


def script(stop_after: str | None = None) -> str:
    lines: list[str] = []
    for q in QUESTIONS:
        if q.id == "pregnancy_weeks":
            continue  # not asked of a man
        if q.id == stop_after:
            break
        lines += TYPED.get(q.id, ["skip"])
    return "\n".join(lines) + "\n"


def run_ask(monkeypatch: pytest.MonkeyPatch, text: str, *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    return main(["ask", *args])


def test_full_questionnaire(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "answers.json"
    assert run_ask(monkeypatch, script(), "--out", str(out)) == 0
    written = json.loads(out.read_text())
    assert written == EXPECTED
    assert validate_answers(out)["age"] == 45
    printed = capsys.readouterr().out
    # The emergency message comes right after the seizure answer, before the next question.
    seizure_q = next(q for q in QUESTIONS if q.id == "seizure")
    after = printed.split(seizure_q.text, 1)[1]
    assert after.index("EMERGENCY - CALL FOR HELP NOW") < after.index("fever")
    # The engine's reading of the answers so far, with its next step.
    assert "consistent with" in after and "emergency services now" in after
    # Bad answers were re-asked with the reason.
    assert "answer yes or no" in printed
    assert "300" in printed and "maximum is 120" in printed
    assert "'forty' is not a number" in printed
    assert "furlongs" in printed
    assert "wrote 11 answer(s)" in " ".join(printed.split())
    assert "pregnant" not in printed


def test_emergency_questions_come_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    n_emergency = len(emergency_questions())
    assert n_emergency > 0
    text = "\n".join(["no"] * n_emergency) + "\n"
    assert run_ask(monkeypatch, text, "--out", str(tmp_path / "a.json")) == 1
    partial = json.loads((tmp_path / "a.partial.json").read_text())
    assert partial == {q.id: False for q in emergency_questions()}
    assert "EMERGENCY" not in capsys.readouterr().out


def test_end_of_input_saves_a_partial_file_and_resume_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "answers.json"
    assert run_ask(monkeypatch, script(stop_after="locations"), "--out", str(out)) == 1
    assert not out.exists()
    partial = tmp_path / "answers.partial.json"
    saved = json.loads(partial.read_text())
    answered = {k: v for k, v in saved.items() if v is not None}
    assert answered == {
        k: v for k, v in EXPECTED.items() if k in ("seizure", "fever", "age", "sex")
    }
    # Skipped questions are kept as null ("not answered") so a resume does not ask them again.
    asked_before = [q.id for q in QUESTIONS[: [q.id for q in QUESTIONS].index("locations")]]
    assert {k for k, v in saved.items() if v is None} == (
        set(asked_before) - set(answered) - {"pregnancy_weeks"}
    )
    assert validate_answers(partial) == answered
    err = capsys.readouterr().err
    assert "4 answer(s) saved" in err and "--resume" in err
    # A second interruption does not overwrite the first partial file.
    assert run_ask(monkeypatch, "no\n", "--out", str(out)) == 1
    assert (tmp_path / "answers.partial-2.json").exists()
    assert json.loads(partial.read_text()) == saved
    # Resume: only the questions not answered yet are asked.
    rest = script().split("\n")[len(script(stop_after="locations").split("\n")) - 1 :]
    assert run_ask(monkeypatch, "\n".join(rest), "--out", str(out), "--resume", str(partial)) == 0
    assert json.loads(out.read_text()) == EXPECTED


def test_an_existing_file_is_overwritten_only_after_confirmation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "answers.json"
    out.write_text('{"age": 30}\n')
    assert run_ask(monkeypatch, "no\n", "--out", str(out)) == 1
    assert out.read_text() == '{"age": 30}\n'
    assert "not overwritten" in capsys.readouterr().err
    assert run_ask(monkeypatch, "", "--out", str(out)) == 1  # EOF at the prompt: keep the file
    assert out.read_text() == '{"age": 30}\n'
    assert run_ask(monkeypatch, "yes\n" + script(), "--out", str(out)) == 0
    assert json.loads(out.read_text()) == EXPECTED


def test_bad_resume_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "old.json"
    bad.write_text('{"agee": 30}')
    assert run_ask(monkeypatch, "", "--out", str(tmp_path / "a.json"), "--resume", str(bad)) == 2
    err = capsys.readouterr().err
    assert "agee" in err and "did you mean 'age'" in err


def test_ask_in_a_real_process(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("twitchscope")
    proc = subprocess.run(
        [str(exe), "ask", "--out", "answers.json"],
        input="no\nyes\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "EMERGENCY WARNING SIGN" in proc.stdout
    saved = json.loads((tmp_path / "answers.partial.json").read_text())
    first, second = (q.id for q in emergency_questions()[:2])
    assert saved == {first: False, second: True}


def test_new_questions_and_choices_in_the_wizard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The wizard asks the new keys (from questions.json) and reads the new choices as typed."""
    typed = {
        "recent_head_injury": ["yes"],
        "age": ["6"],
        "sex": ["male"],
        "kind": ["ache or pain, tic"],
        "timing": ["evening, on standing"],
        "limp": ["no"],
        "tingling_numb_feet": ["no"],
        "snoring_or_apnoea": ["no"],
        "medications": ["Piriton"],
    }
    lines: list[str] = []
    for q in QUESTIONS:
        if q.id == "pregnancy_weeks":
            continue
        lines += typed.get(q.id, ["skip"])
    out = tmp_path / "answers.json"
    assert run_ask(monkeypatch, "\n".join(lines) + "\n", "--out", str(out)) == 0
    written = json.loads(out.read_text())
    assert written["recent_head_injury"] is True
    assert written["kind"] == ["ache_or_pain", "tic"]
    assert written["timing"] == ["evening", "on_standing"]
    assert written["limp"] is False and written["snoring_or_apnoea"] is False
    printed = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    head_injury = next(q for q in QUESTIONS if q.id == "recent_head_injury")
    after = printed.split(head_injury.text, 1)[1]
    assert after.index("EMERGENCY WARNING SIGN") < after.index("How old are you?")
    assert "ache or pain" in printed and "on standing" in printed  # typed words in the hints
