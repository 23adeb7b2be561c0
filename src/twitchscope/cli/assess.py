"""CLI: ``twitchscope assess`` - the clinical picture from answers, labs, diary and recording."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twitchscope.cli._common import console
from twitchscope.errors import InputFileError

_TIER_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold red",
    "see_doctor": "bold yellow",
    "self_care": "bold green",
}


def assess_command(
    answers: Annotated[Path, typer.Argument(help="ANSWERS.json (see `twitchscope ask`).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    labs: Annotated[
        Path | None, typer.Option("--labs", help="LABS.json: test -> {value, unit}.")
    ] = None,
    diary: Annotated[
        str | None, typer.Option("--diary", help="Diary: SQLite file, database URL or CSV.")
    ] = None,
    recording: Annotated[
        Path | None,
        typer.Option("--recording", help="summary.json written by `twitchscope score`."),
    ] = None,
) -> None:
    """Draw the clinical picture: writes assessment.json and assessment.html into OUT."""
    from twitchscope.clinical import assess
    from twitchscope.report.assessment_report import write_assessment_html

    inputs = [answers, labs, recording] + ([Path(diary)] if diary and "://" not in diary else [])
    targets = [out / "assessment.json", out / "assessment.html"]
    resolved_inputs = {p.resolve() for p in inputs if p is not None}
    for t in targets:
        if t.resolve() in resolved_inputs:
            raise InputFileError(t, "is an input file; choose another --out directory")
    result = assess(answers, labs=labs, diary=diary, recording=recording)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(out, f"cannot create the output directory: {exc.strerror}") from None
    targets[0].write_text(result.to_json() + "\n", encoding="utf-8")
    write_assessment_html(result, targets[1])

    style = _TIER_STYLE.get(result.triage, "bold")
    console.print(f"[{style}] {result.triage.upper().replace('_', ' ')} [/] {result.next_step}")
    for f in result.findings[:6]:
        console.print(
            f"  [{_TIER_STYLE.get(f.tier, '')}]{f.tier:<10}[/] {f.title}", highlight=False
        )
    if len(result.findings) > 6:
        console.print(f"  ... and {len(result.findings) - 6} more findings")
    if result.unanswered_emergency_questions:
        console.print(
            f"[bold red]{len(result.unanswered_emergency_questions)} emergency question(s) not "
            "answered[/]: " + ", ".join(result.unanswered_emergency_questions),
            highlight=False,
        )
    others = [u for u in result.unknowns if not u.get("emergency")]
    if others:
        console.print(
            f"{len(others)} other thing(s) not known that could change the picture "
            "(listed in the report)",
            highlight=False,
        )
    console.print(f"wrote {targets[0]} and {targets[1]}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the command(s) of this module to ``app``."""
    app.command("assess")(assess_command)
