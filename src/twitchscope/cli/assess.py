"""CLI: ``twitchscope assess`` - the clinical picture from answers, labs, diary and recording."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twitchscope.cli._common import console, esc

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
    from twitchscope.outputs import write_assessment

    result = assess(answers, labs=labs, diary=diary, recording=recording)
    # the inputs are never overwritten (a diary given as a URL is not a file)
    inputs = [answers, labs, recording, diary if diary and "://" not in diary else None]
    targets = write_assessment(result, out, inputs=inputs)

    style = _TIER_STYLE.get(result.triage, "bold")
    tier = esc(result.triage.upper().replace("_", " "))
    console.print(f"[{style}] {tier} [/] {esc(result.next_step)}")
    for f in result.findings[:6]:
        console.print(
            f"  [{_TIER_STYLE.get(f.tier, '')}]{esc(f.tier):<10}[/] {esc(f.title)}", highlight=False
        )
    if len(result.findings) > 6:
        console.print(f"  ... and {len(result.findings) - 6} more findings")
    if result.unanswered_emergency_questions:
        console.print(
            f"[bold red]{len(result.unanswered_emergency_questions)} emergency question(s) not "
            "answered[/]: " + esc(", ".join(result.unanswered_emergency_questions)),
            highlight=False,
        )
    others = [u for u in result.unknowns if not u.get("emergency")]
    if others:
        console.print(
            f"{len(others)} other thing(s) not known that could change the picture "
            "(listed in the report)",
            highlight=False,
        )
    console.print(f"wrote {targets[0]} and {targets[1]}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the command(s) of this module to ``app``."""
    app.command("assess")(assess_command)
