"""CLI: ``twitchscope score`` -- detect (or take) leg movements and score them.

Thin: it parses the options (:func:`twitchscope.scoring.rule_options.rules_from_text` for
``--rule``), runs :func:`twitchscope.score_to_dir` with a progress display, and prints the main
indices and the warnings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twitchscope.cli._common import console, plain, print_warning

if TYPE_CHECKING:
    from twitchscope.results import ScoreResult


def __getattr__(name: str) -> Any:
    # parse_rule_options lived here before it became API; importing it from here still works
    # (lazily, so the command line does not pay for the scorer at start-up).
    if name == "parse_rule_options":
        from twitchscope.scoring.rule_options import parse_rule_options

        return parse_rule_options
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def print_summary(result: ScoreResult) -> None:
    """A short table of the main indices, then the warnings (as plain text)."""
    from rich.table import Table
    from rich.text import Text

    from twitchscope.results import MAIN_INDICES

    table = Table(title="Leg movements", show_edge=False, header_style="bold")
    table.add_column("index")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("cut-off (adults)")
    rows = {str(r["index"]): r for r in result.summary().to_dict(orient="records")}
    for name in MAIN_INDICES:
        if name not in rows:
            continue
        row = rows[name]
        v = float(row["value"])
        unit = str(row["unit"])
        text = "n/a" if v != v else (f"{v:.0f}" if unit == "count" else f"{v:.2f}")
        cut = Text()
        cutoff = float(row["cutoff"])
        if cutoff == cutoff:
            above = row["above_cutoff"] is True
            cut = Text.assemble(
                f"> {cutoff:g}/h: ",
                ("above", "red") if above else ("not above", "green"),
            )
        table.add_row(plain(name), plain(text), plain(unit), cut)
    console.print(table)
    basis = result.indices.get("index_basis", "")
    if basis == "recording_time":
        console.print(plain("indices are per hour of recording (no hypnogram)", "yellow"))
    for w in result.warnings:
        print_warning(w)


def register(app: typer.Typer) -> None:
    """Add the ``score`` command to ``app``."""

    @app.command("score")
    def score_command(
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                "-o",
                help="Output directory (created when missing): leg_movements.csv, "
                "scored_movements.csv, summary.json, summary.csv, scored_movements.edf (EDF+ "
                "annotations to open beside the recording), twitches.csv, report.html.",
            ),
        ],
        recording: Annotated[
            Path | None,
            typer.Argument(
                help="EDF/EDF+/BDF recording with leg EMG, or one ankle accelerometer file "
                "(CSV/Parquet time,x,y,z in g; Axivity .cwa; ActiGraph .gt3x; see --leg).",
                show_default=False,
            ),
        ] = None,
        hypnogram: Annotated[
            Path | None,
            typer.Option(help="Sleep stages (NSRR/Profusion XML, EDF+, CSV, BIDS events)."),
        ] = None,
        events: Annotated[
            Path | None,
            typer.Option(help="Respiratory events and arousals (any annotation format)."),
        ] = None,
        rules: Annotated[str, typer.Option(help="Rule preset: wasm2016 or aasm.")] = "wasm2016",
        rule: Annotated[
            list[str] | None,
            typer.Option(
                "--rule",
                help="Override one rule option, OPTION=VALUE (repeatable), e.g. "
                "interval_max_inclusive=false.",
            ),
        ] = None,
        left: Annotated[
            str | None,
            typer.Option(
                help="Label of the left leg channel, or the left ankle accelerometer file."
            ),
        ] = None,
        right: Annotated[
            str | None,
            typer.Option(
                help="Label of the right leg channel, or the right ankle accelerometer file."
            ),
        ] = None,
        leg: Annotated[
            str, typer.Option(help="Leg of a single accelerometer file given as RECORDING.")
        ] = "left",
        stage: Annotated[
            str | None,
            typer.Option(
                help="'auto': stage a recording without hypnogram from its EEG/EOG/chin "
                "(YASA; needs twitchscope[staging]); every output marks the stages automatic."
            ),
        ] = None,
        movements: Annotated[
            Path | None,
            typer.Option(
                help="Score these reference leg movements instead of detecting them "
                "(CSV leg,onset,duration; EDF+ annotations; NSRR or Profusion XML)."
            ),
        ] = None,
        stage_codes: Annotated[
            str | None,
            typer.Option(
                help="Mapping of integer stage codes in the hypnogram file, e.g. "
                "'0=W,1=N1,2=N2,3=N3,5=R' (codes differ between tools, so none is assumed)."
            ),
        ] = None,
        report: Annotated[
            bool, typer.Option("--report/--no-report", help="Write report.html.")
        ] = True,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    ) -> None:
        """Detect leg movements and score them (WASM 2016 by default); write the results."""
        from rich.text import Text

        from twitchscope.api import score_to_dir
        from twitchscope.cli._progress import progress_display
        from twitchscope.errors import ValidationError
        from twitchscope.scoring.rule_options import rules_from_text

        if stage_codes is not None and hypnogram is None:
            raise ValidationError("--stage-codes", "needs --hypnogram (the file the codes are in)")
        try:
            rule_set = rules_from_text(rules, rule or [])
        except ValidationError as exc:  # name the command-line option in the message
            field = exc.field.replace("rules.", "rule ", 1)
            raise ValidationError(f"--{field}", exc.problem) from None
        from twitchscope.cli.accelerometer_option import (
            accelerometer_files,
            is_accelerometer_run,
            print_nights,
        )

        if is_accelerometer_run(recording, left, right):
            from twitchscope.accelerometer import score_accelerometer_to_dir

            files = accelerometer_files(recording, left, right, leg)
            accel = score_accelerometer_to_dir(
                out,
                left=files.get("left"),
                right=files.get("right"),
                rules=rule_set,
                report=report,
            )
            print_nights(accel, out)
            return
        if recording is None:
            raise ValidationError(
                "RECORDING", "give a recording (or --left/--right accelerometer files)"
            )
        with progress_display(quiet) as progress:
            result = score_to_dir(
                recording,
                out,
                hypnogram=hypnogram,
                events=events,
                rules=rule_set,
                left=left,
                right=right,
                movements=movements,
                stage_codes=stage_codes,
                report=report,
                progress=progress,
                stage=stage,
            )
        print_summary(result)
        if result.twitches is not None:
            from twitchscope.cli.twitch_table import print_twitches

            print_twitches(result.twitches)
        console.print(Text.assemble("results written to ", (str(out), "bold")), highlight=False)
