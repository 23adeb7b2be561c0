"""CLI: ``twitchscope score`` -- detect (or take) leg movements and score them."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twitchscope.cli._common import console, err_console
from twitchscope.errors import ValidationError

if TYPE_CHECKING:
    import pandas as pd

    from twitchscope.hypnogram import Hypnogram
    from twitchscope.results import ScoreResult
    from twitchscope.scoring.rules import RuleSet

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def parse_rule_options(items: list[str]) -> dict[str, Any]:
    """``OPTION=VALUE`` strings to typed rule options (bool, int, float, tuple, text).

    Raises
    ------
    ValidationError
        For a malformed item, an unknown option or a value of the wrong type.
    """
    from twitchscope.errors import ValidationError
    from twitchscope.scoring.rules import RuleSet

    defaults = {f.name: getattr(RuleSet(), f.name) for f in dataclasses.fields(RuleSet)}
    out: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name:
            raise ValidationError("--rule", f"expected OPTION=VALUE, got {item!r}")
        if name not in defaults or name == "name":
            raise ValidationError(
                f"--rule {name}", f"unknown option; options are {', '.join(sorted(defaults))}"
            )
        default = defaults[name]
        try:
            if isinstance(default, bool):
                low = text.lower()
                if low not in _TRUE | _FALSE:
                    raise ValueError("expected true or false")
                out[name] = low in _TRUE
            elif isinstance(default, int):
                out[name] = int(text)
            elif isinstance(default, float):
                out[name] = float(text)
            elif isinstance(default, tuple):
                parts = [p.strip() for p in text.split(",") if p.strip()]
                out[name] = tuple(float(p) if isinstance(default[0], float) else p for p in parts)
            else:
                out[name] = text
        except ValueError as exc:
            raise ValidationError(f"--rule {name}", f"bad value {text!r} ({exc})") from None
    return out


def build_rules(preset: str, items: list[str]) -> RuleSet:
    """The preset with ``--rule`` overrides applied (checked)."""
    from twitchscope.scoring.rules import get_rules

    return get_rules(preset, **parse_rule_options(items))


def print_summary(result: ScoreResult) -> None:
    """A short table of the main indices, then the warnings."""
    from rich.table import Table

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
        cut = ""
        cutoff = float(row["cutoff"])
        if cutoff == cutoff:
            above = row["above_cutoff"] is True
            mark = "[red]above[/]" if above else "[green]not above[/]"
            cut = f"> {cutoff:g}/h: {mark}"
        table.add_row(name, text, unit, cut)
    console.print(table)
    basis = result.indices.get("index_basis", "")
    if basis == "recording_time":
        console.print("[yellow]indices are per hour of recording (no hypnogram)[/]")
    for w in result.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False, markup=True)


def _hypnogram_with_codes(
    hypnogram: Path | None, events: Path | None, stage_codes: str | None
) -> tuple[Hypnogram | Path | None, pd.DataFrame | Path | None]:
    """Read an integer-coded hypnogram file with the user's code mapping.

    Integer stage codes differ between tools, so they are read only with an explicit mapping
    (``--stage-codes 0=W,1=N1,2=N2,3=N3,5=R``). Events in the same file come along unless an
    events file is given.
    """
    if stage_codes is None:
        return hypnogram, events
    if hypnogram is None:
        raise ValidationError("--stage-codes", "needs --hypnogram (the file the codes are in)")
    from twitchscope.io.annotations import parse_codes, read_annotations

    ann = read_annotations(hypnogram, codes=parse_codes(stage_codes))
    file_events = ann.events if events is None and len(ann.events) else events
    return ann.require_hypnogram(), file_events


def run_score(
    recording: Path,
    out: Path,
    *,
    hypnogram: Path | None = None,
    events: Path | None = None,
    rules: str = "wasm2016",
    rule: list[str] | None = None,
    left: str | None = None,
    right: str | None = None,
    movements: Path | None = None,
    stage_codes: str | None = None,
    report: bool = True,
    quiet: bool = False,
    stage: str | None = None,
) -> ScoreResult:
    """Run the score command's steps with progress (read, detect, score, write, report)."""
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn

    from twitchscope.api import detect_movements, prepare, reference_movements, score_prepared
    from twitchscope.outputs import write_outputs, write_report

    stages, given_events = _hypnogram_with_codes(hypnogram, events, stage_codes)
    auto = None
    if stage is not None:
        from twitchscope.cli.staging_option import automatic_hypnogram

        stages, auto = automatic_hypnogram(recording, stage, stages, quiet=quiet)

    rs = build_rules(rules, rule or [])
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        disable=quiet,
        transient=False,
    ) as progress:

        def step(text: str) -> TaskID:
            return progress.add_task(text, total=1)

        def done(task: TaskID, t0: float, text: str) -> None:
            progress.update(
                task, completed=1, description=f"{text} ({time.perf_counter() - t0:.1f} s)"
            )

        t0 = time.perf_counter()
        task = step("reading the recording")
        inputs = prepare(
            recording,
            hypnogram=stages,
            events=given_events,
            left=left,
            right=right,
            load_signals=movements is None,
        )
        done(task, t0, "read the recording")
        t0 = time.perf_counter()
        if movements is None:
            task = step("detecting leg movements")
            mv = detect_movements(inputs, rs)
            done(task, t0, f"detected {len(mv.table)} leg movements")
        else:
            task = step("reading reference movements")
            mv = reference_movements(movements, inputs)
            done(task, t0, f"read {len(mv.table)} reference leg movements")
        t0 = time.perf_counter()
        task = step(f"scoring ({rs.name})")
        result = score_prepared(inputs, mv, rs)
        if auto is not None:
            from twitchscope.cli.staging_option import mark_automatic

            result = mark_automatic(result, auto)
        done(task, t0, f"scored ({rs.name})")
        t0 = time.perf_counter()
        task = step("writing tables and summary.json")
        write_outputs(result, out, report=False)
        done(task, t0, "wrote tables and summary.json")
        if report:
            t0 = time.perf_counter()
            task = step("drawing report.html")
            write_report(result, out / "report.html")
            done(task, t0, "drew report.html")
    return result


def register(app: typer.Typer) -> None:
    """Add the ``score`` command to ``app``."""

    @app.command("score")
    def score_command(
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Output directory (created when missing).")
        ],
        recording: Annotated[
            Path | None,
            typer.Argument(
                help="EDF/EDF+/BDF recording with leg EMG, or one ankle accelerometer file "
                "(CSV/Parquet time,x,y,z in g; .cwa; .gt3x; see --leg).",
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
                "(YASA; needs twitchscope[staging]); indices are then marked automatic."
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
        from twitchscope.cli.accelerometer_option import is_accelerometer_run, run_accelerometer

        if is_accelerometer_run(recording, left, right):
            run_accelerometer(recording, left, right, leg, out, rules, rule or [], report, quiet)
            return
        if recording is None:
            raise ValidationError(
                "RECORDING", "give a recording (or --left/--right accelerometer files)"
            )
        result = run_score(
            recording,
            out,
            hypnogram=hypnogram,
            events=events,
            rules=rules,
            rule=rule,
            left=left,
            right=right,
            movements=movements,
            stage_codes=stage_codes,
            report=report,
            quiet=quiet,
            stage=stage,
        )
        print_summary(result)
        if result.twitches is not None:
            from twitchscope.cli.twitch_table import print_twitches

            print_twitches(result.twitches)
        console.print(f"results written to [bold]{out}[/]", highlight=False)
