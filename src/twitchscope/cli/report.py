"""CLI: ``twitchscope report`` -- the "take this to your doctor" report, as PDF or HTML.

Thin: it parses the options, calls :func:`twitchscope.report.doctor_report` and
:func:`twitchscope.report.write_doctor_report`, and prints what it wrote. Imports of the report
machinery happen inside the command, so ``twitchscope --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twitchscope.cli._common import console, esc


def report_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The report to write: report.pdf or report.html.",
            show_default=False,
        ),
    ],
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="ANSWERS.json (see `twitchscope ask`).", show_default=False),
    ] = None,
    labs: Annotated[
        Path | None,
        typer.Option("--labs", help="LABS.json: test -> {value, unit}.", show_default=False),
    ] = None,
    recording: Annotated[
        Path | None,
        typer.Option(
            "--recording",
            help="A `twitchscope score` output folder (or its summary.json), or a recording "
            "file (EDF/EDF+/BDF) to score now.",
            show_default=False,
        ),
    ] = None,
    diary: Annotated[
        str | None,
        typer.Option(
            "--diary", help="Symptom diary: SQLite file, database URL or CSV.", show_default=False
        ),
    ] = None,
    page_size: Annotated[str, typer.Option("--page-size", help="Paper size: a4 or letter.")] = "a4",
    rules: Annotated[
        str, typer.Option(help="Rule preset when a recording file is scored now.")
    ] = "wasm2016",
) -> None:
    """Write the report to take to your doctor: clinical picture, night, diary and labs.

    Every input is optional, but at least one is needed; the report says what it was made from.
    """
    from twitchscope.errors import InputFileError, ValidationError
    from twitchscope.report.doctor import FORMATS, doctor_report, write_doctor_report

    if out.suffix.lower() not in FORMATS:
        raise ValidationError("--out", f"{out.name}: write the report as .pdf or .html")
    if page_size.strip().lower() not in ("a4", "letter"):
        raise ValidationError("--page-size", f"expected a4 or letter, got {page_size!r}")
    if all(x is None for x in (answers, labs, recording, diary)):
        raise ValidationError(
            "report", "give at least one of --answers, --labs, --recording or --diary"
        )
    given = [answers, labs, recording] + ([Path(diary)] if diary and "://" not in diary else [])
    for p in given:
        if p is not None and p.exists() and p.resolve() == out.resolve():
            raise InputFileError(out, "is an input file; choose another --out")
    rep = doctor_report(answers=answers, labs=labs, recording=recording, diary=diary, rules=rules)
    path = write_doctor_report(rep, out, page_size=page_size)
    if rep.assessment is not None:
        tier = esc(rep.assessment.triage.upper().replace("_", " "))
        console.print(f"[bold]{tier}[/] {esc(rep.assessment.next_step)}", highlight=False)
    made_from = ", ".join(i.what.lower() for i in rep.inputs if i.given)
    console.print(
        f"wrote {path} (made from: {made_from})", highlight=False, markup=False, soft_wrap=True
    )


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""
    app.command("report")(report_command)
