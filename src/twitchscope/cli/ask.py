"""CLI: ``twitchscope ask`` - answer the assessment questions in the terminal.

The questions (and their order: emergency questions first) come from
:mod:`twitchscope.clinical.questions`; each answer is checked with
:func:`twitchscope.clinical.answers.validate_answers` and re-asked with the reason when it is not
accepted. ``skip`` leaves a question unanswered (a missing answer is never read as "no"). A
"yes" to an emergency question shows the emergency message at once, then the questions go on.
On Ctrl-C or end of input the answers given so far are written to ``<out>.partial.json`` (skipped
questions as ``null``, which means "not answered"), which ``--resume`` reads back to go on where
the person stopped.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twitchscope.cli._common import console, err_console, esc

if TYPE_CHECKING:
    from twitchscope.clinical.questions import Question

_YES = ("y", "yes", "true", "1")
_NO = ("n", "no", "false", "0")
_SKIP = "skip"
_NONE_WORDS = ("none", "nothing", "no")


class _EndOfInput(Exception):
    """Standard input ended before the questionnaire did."""


def _read(prompt: str) -> str:
    console.print(prompt, end="", highlight=False, markup=False)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if line == "":
        console.print()
        raise _EndOfInput
    if not sys.stdin.isatty():  # scripted input: echo it so the transcript reads well
        console.print(line.rstrip("\n"), highlight=False, markup=False)
    return line.strip()


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _word(text: str, choices: tuple[str, ...]) -> str:
    word = text.strip().lower().replace("-", "_").replace(" ", "_")
    if word.isascii() and word.isdecimal() and 1 <= int(word) <= len(choices):
        return choices[int(word) - 1]
    return word


def parse_text(q: Question, text: str) -> Any:
    """Turn typed text into the JSON value of an answer (checked afterwards by the validator).

    Raises
    ------
    ValidationError
        When the text cannot be read as the kind of answer the question needs.
    """
    from twitchscope.errors import ValidationError

    low = text.strip().lower()
    if q.kind == "bool":
        if low in _YES:
            return True
        if low in _NO:
            return False
        raise ValidationError(q.id, "answer yes or no (or skip)")
    if q.kind in ("int", "float"):
        try:
            number = float(low.replace(",", "."))
        except ValueError:
            raise ValidationError(q.id, f"{text!r} is not a number") from None
        return int(number) if q.kind == "int" and number.is_integer() else number
    if q.kind == "choice":
        return _word(text, q.choices)
    if q.kind == "multi":
        if low in _NONE_WORDS:
            return []
        return [_word(part, q.choices) for part in _words(text)]
    if q.kind == "list_str":
        return [] if low in _NONE_WORDS else _words(text)
    raise ValidationError(q.id, f"question kind {q.kind!r} is not asked as text")


def _typed(choice: str) -> str:
    """A choice as a person types it (``whole_leg`` -> ``whole leg``; read back by ``_word``)."""
    return choice.replace("_", " ")


def _hint(q: Question) -> str:
    if q.kind == "bool":
        return "yes / no"
    if q.kind in ("int", "float"):
        low = "" if q.min is None else f"{q.min:g}"
        high = "" if q.max is None else f"{q.max:g}"
        unit = f" {q.unit}" if q.unit else ""
        return f"a number{unit}, {low}-{high}" if low or high else f"a number{unit}"
    if q.kind == "choice":
        return "one of: " + ", ".join(f"{i}={_typed(c)}" for i, c in enumerate(q.choices, 1))
    if q.kind == "multi":
        listed = ", ".join(f"{i}={_typed(c)}" for i, c in enumerate(q.choices, 1))
        return f"one or more, separated by commas (or none): {listed}"
    return "names separated by commas (or none)"


class _Session:
    """The answers given so far and the checks on them."""

    def __init__(self, answers: dict[str, Any], skipped: set[str]) -> None:
        self.answers = answers
        self.skipped = skipped

    def check(self, q_id: str, value: Any) -> None:
        """Validate ``value`` for ``q_id`` together with the answers so far."""
        from twitchscope.clinical.answers import validate_answers

        validate_answers({**self.answers, q_id: value})

    def ask(self, q: Question, number: int, total: int) -> None:
        from twitchscope.errors import ValidationError

        console.print(f"\n[bold]{number}/{total}[/] {esc(q.text)}", highlight=False)
        if q.help:
            console.print(f"  [dim]{esc(q.help)}[/]", highlight=False)
        if q.kind == "labs":
            self.ask_labs(q)
            return
        while True:
            text = _read(f"  ({_hint(q)}; or skip) > ")
            if text.lower() == _SKIP:
                self.answers.pop(q.id, None)
                self.skipped.add(q.id)
                return
            if not text:
                console.print("  [yellow]please answer, or type skip[/]")
                continue
            try:
                value = parse_text(q, text)
                self.check(q.id, value)
            except ValidationError as exc:
                console.print(f"  [yellow]not accepted:[/] {esc(exc.problem)}", highlight=False)
                continue
            self.answers[q.id] = value
            self.skipped.discard(q.id)
            if q.emergency and value is True:
                self.emergency(q)
            return

    def ask_labs(self, q: Question) -> None:
        from twitchscope.clinical.knowledge import load_knowledge
        from twitchscope.errors import ValidationError

        tests = load_knowledge().labs["tests"]
        while True:
            text = _read("  Enter blood test results? (yes / no; or skip) > ").lower()
            if text in _YES:
                break
            if text in _NO or text == _SKIP:
                self.skipped.add(q.id)
                return
            console.print("  [yellow]please answer yes or no[/]")
        console.print(f"  tests: {', '.join(tests)}", highlight=False, markup=False)
        labs: dict[str, Any] = dict(self.answers.get(q.id, {}))
        while True:
            text = _read("  test value unit (e.g. 'ferritin 45 ng/mL'; empty line when done) > ")
            if not text or text.lower() in ("done", _SKIP):
                break
            parts = text.split(maxsplit=2)
            if len(parts) < 3:
                console.print("  [yellow]not accepted:[/] give the test, the value and the unit")
                continue
            name, raw_value, unit = parts[0].lower(), parts[1].replace(",", "."), parts[2]
            try:
                value = float(raw_value)
            except ValueError:
                console.print(f"  [yellow]not accepted:[/] {esc(repr(raw_value))} is not a number")
                continue
            try:
                self.check(q.id, {**labs, name: {"value": value, "unit": unit}})
            except ValidationError as exc:
                console.print(f"  [yellow]not accepted:[/] {esc(exc)}", highlight=False)
                continue
            labs[name] = {"value": value, "unit": unit}
        if labs:
            self.answers[q.id] = labs
        else:
            self.skipped.add(q.id)

    def emergency(self, q: Question) -> None:
        """Show the emergency message, with the engine's reading of the answers so far."""
        from rich.panel import Panel

        from twitchscope.errors import TwitchscopeError

        titles: list[str] = []
        next_step = "Call emergency services now (999 in the UK, 112 in Europe, 911 in the US)."
        is_emergency = False
        try:
            from twitchscope.clinical.engine import assess

            result = assess(self.answers)
            next_step = result.next_step if result.triage == "emergency" else next_step
            is_emergency = result.triage == "emergency"
            titles = [f.title for f in result.findings if f.tier == "emergency"]
        except (ImportError, TwitchscopeError):
            pass
        lines = [f"You answered yes to: {esc(q.text)}"]
        if is_emergency:
            lines.append("Your answers are consistent with: " + esc("; ".join(titles)))
            lines.append(f"[bold]{esc(next_step)}[/]")
        else:
            lines.append(
                "This is a warning sign that can need emergency help, especially with the other "
                "signs asked about here. If you feel very unwell, or it is getting worse, "
                f"[bold]{esc(next_step[0].lower() + next_step[1:])}[/]"
            )
        lines.append("The remaining questions follow; you can stop at any time (Ctrl-C).")
        console.print(
            Panel(
                "\n".join(lines),
                title="EMERGENCY - CALL FOR HELP NOW" if is_emergency else "EMERGENCY WARNING SIGN",
                border_style="bold red",
            )
        )


def _partial_path(out: Path) -> Path:
    base = out.with_name(out.stem + ".partial.json")
    candidate, n = base, 2
    while candidate.exists():
        candidate = out.with_name(f"{out.stem}.partial-{n}.json")
        n += 1
    return candidate


def _write_json(path: Path, answers: dict[str, Any], skipped: set[str] | None = None) -> None:
    """Write answers in question order; ``skipped`` ids are written as null (not answered)."""
    from twitchscope.clinical.questions import QUESTIONS

    done = {**dict.fromkeys(skipped or ()), **answers}
    ordered = {q.id: done[q.id] for q in QUESTIONS if q.id in done}
    text = json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".answers-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _confirm_overwrite(out: Path) -> bool:
    while True:
        text = _read(f"{out} exists. Overwrite it? (yes / no) > ").lower()
        if text in _YES:
            return True
        if text in _NO or text == "":
            return False


def ask(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the answers (JSON).")
    ] = Path("answers.json"),
    resume: Annotated[
        Path | None,
        typer.Option("--resume", help="Start from earlier answers (e.g. a .partial.json)."),
    ] = None,
) -> None:
    """Answer the questions in the terminal (emergency questions first); write ANSWERS.json."""
    from twitchscope.clinical.answers import validate_answers
    from twitchscope.clinical.jsonfile import read_json_object
    from twitchscope.clinical.questions import QUESTIONS
    from twitchscope.errors import InputFileError

    if out.is_dir():
        raise InputFileError(out, "is a folder; give a file name for the answers")
    if not out.parent.is_dir() and str(out.parent):
        raise InputFileError(out, "the folder does not exist")
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    if resume is not None:
        answers = dict(validate_answers(resume))
        # Questions skipped before are written as null in a partial file: not asked again.
        skipped = {k for k, v in read_json_object(resume, "answers").items() if v is None}
    session = _Session(answers, skipped)
    console.print(
        "[bold]twitchscope: why do my legs twitch?[/]\nAnswer each question; type [bold]skip[/]"
        " to leave one out. Emergency questions come first.",
        highlight=False,
    )
    if out.exists():
        try:
            overwrite = _confirm_overwrite(out)
        except (_EndOfInput, KeyboardInterrupt):
            overwrite = False
        if not overwrite:
            err_console.print(
                f"{out} was not overwritten; choose another file with --out", markup=False
            )
            raise typer.Exit(code=1)
    try:
        todo = [q for q in QUESTIONS if q.id not in answers and q.id not in skipped]
        section = None
        for number, q in enumerate(todo, start=1):
            if q.ask_if is not None:
                given = answers.get(q.ask_if[0])
                if given is not None and given not in q.ask_if[1]:
                    continue
            if q.section != section:
                section = q.section
                console.rule(section.replace("_", " "))
            session.ask(q, number, len(todo))
    except (_EndOfInput, KeyboardInterrupt) as stop:
        partial = _partial_path(out)
        _write_json(partial, answers, skipped)
        err_console.print(
            f"stopped: {len(answers)} answer(s) saved to {partial}; continue with "
            f"twitchscope ask --out {out} --resume {partial}",
            highlight=False,
            markup=False,
        )
        raise typer.Exit(code=130 if isinstance(stop, KeyboardInterrupt) else 1) from None
    _write_json(out, answers)
    console.print(
        f"\nwrote {len(answers)} answer(s) to {out}; next: twitchscope assess {out} --out DIR",
        highlight=False,
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the ``ask`` command to ``app``."""
    app.command("ask")(ask)
