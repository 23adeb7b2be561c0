"""CLI: ``twitchscope batch`` -- score a cohort of nights, resumably, with cohort tables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twitchscope.cli._common import console, err_console

if TYPE_CHECKING:
    from twitchscope.batch import BatchRun


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    h, rest = divmod(round(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def print_run(run: BatchRun) -> None:
    """What the run did, where its tables are, and the most common failure causes."""
    from rich.markup import escape
    from rich.table import Table

    from twitchscope.batch.report import failure_causes

    table = Table(show_header=False, show_edge=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("nights", f"{run.total} ({escape(run.layout)} layout)")
    table.add_row("done", str(run.done))
    table.add_row("failed", f"[red]{run.failed}[/]" if run.failed else "0")
    table.add_row("finished before", str(run.skipped))
    rate = f", {run.ran / run.elapsed_s * 3600:.0f} nights/h" if run.ran and run.elapsed_s else ""
    table.add_row("this run", f"{run.ran} nights in {run.elapsed_s:.1f} s{rate} ({run.backend})")
    console.print(table)
    if run.nights is not None and run.failed:
        causes = failure_causes(run.nights[run.nights["status"] == "failed"])
        console.print("[bold]failures by cause[/]")
        for c in causes[:5]:
            example = ", ".join(c["examples"][:2])
            console.print(
                f"  {c['count']:>5}  {escape(c['cause'])} (e.g. {escape(example)})",
                highlight=False,
                soft_wrap=True,
            )
        if len(causes) > 5:
            console.print(f"  ... {len(causes) - 5} more causes in the report", highlight=False)
    if run.tables is not None:
        console.print(
            f"tables: {escape(str(run.tables.nights))}, {escape(run.tables.movements.name)}, "
            f"{escape(run.tables.failures.name)}",
            highlight=False,
            soft_wrap=True,
        )
    if run.report is not None:
        console.print(f"report: {escape(str(run.report))}", highlight=False, soft_wrap=True)
    if run.log_file is not None:
        console.print(f"log: {escape(str(run.log_file))}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``batch`` command to ``app``."""

    @app.command("batch")
    def batch_command(
        source: Annotated[
            Path,
            typer.Argument(
                metavar="INPUT",
                help="A folder of nights (NSRR, BIDS or EDF files) or a CSV/TSV manifest with "
                "columns recording, and optionally hypnogram, events, movements, id.",
                show_default=False,
            ),
        ],
        out: Annotated[
            Path,
            typer.Option("--out", "-o", help="Output folder (created; running again resumes)."),
        ],
        workers: Annotated[
            int | None,
            typer.Option(
                "--workers", "-j", min=1, help="Nights scored at once (default: the cores)."
            ),
        ] = None,
        scheduler: Annotated[
            str | None,
            typer.Option(
                help="Address of a running Dask scheduler (tcp://host:8786); its workers must "
                "see the same paths."
            ),
        ] = None,
        dask: Annotated[
            bool,
            typer.Option("--dask", help="Use a Dask LocalCluster of --workers processes."),
        ] = False,
        rules: Annotated[str, typer.Option(help="Rule preset: wasm2016 or aasm.")] = "wasm2016",
        rule: Annotated[
            list[str] | None,
            typer.Option(
                "--rule", help="Override one rule option, OPTION=VALUE (repeatable), as in score."
            ),
        ] = None,
        left: Annotated[str | None, typer.Option(help="Label of the left leg channel.")] = None,
        right: Annotated[str | None, typer.Option(help="Label of the right leg channel.")] = None,
        layout: Annotated[
            str,
            typer.Option(help="How to find the nights: auto, manifest, nsrr, bids or edf."),
        ] = "auto",
        night_reports: Annotated[
            bool,
            typer.Option(
                "--night-reports/--no-night-reports",
                help="Also write each night's report.html (about 0.5 s more per night).",
            ),
        ] = False,
        retry_failed: Annotated[
            bool,
            typer.Option(
                "--retry-failed",
                help="Run again nights that failed on their input although nothing changed.",
            ),
        ] = False,
        timeout: Annotated[
            float | None,
            typer.Option(help="Seconds one night may take (local pool); then it is retried once."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    ) -> None:
        """Score a cohort of nights into OUT/nights/<id>/, with tables and a cohort report."""
        from rich.markup import escape
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from twitchscope.batch import BatchProgress, Discovery, run_batch
        from twitchscope.errors import ValidationError
        from twitchscope.scoring.rule_options import rules_from_text

        try:
            rule_set = rules_from_text(rules, rule or [])
        except ValidationError as exc:  # name the command-line option in the message
            field = exc.field.replace("rules.", "rule ", 1)
            raise ValidationError(f"--{field}", exc.problem) from None
        with Progress(
            SpinnerColumn(),
            TextColumn("nights"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[green]{task.fields[done]} done[/] · {task.fields[failed_text]}"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("left {task.fields[eta]}"),
            console=err_console,
            disable=quiet,
            transient=False,
        ) as bar:
            task = bar.add_task(
                "batch", total=None, done=0, failed_text="0 failed", rate="", eta="--:--"
            )

            def discovered(found: Discovery) -> None:
                err_console.print(
                    f"{len(found.nights)} nights found in {escape(str(found.source))} "
                    f"({escape(found.layout)} layout)",
                    highlight=False,
                )
                for w in found.warnings[:10]:
                    err_console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
                if len(found.warnings) > 10:
                    err_console.print(
                        f"[yellow]warning:[/] ... and {len(found.warnings) - 10} more in the log",
                        highlight=False,
                    )

            def progress(p: BatchProgress) -> None:
                failed = f"[red]{p.failed} failed[/]" if p.failed else "0 failed"
                rate = f"{p.rate_per_h:.0f} nights/h" if p.rate_per_h else ""
                bar.update(
                    task,
                    total=p.total,
                    completed=p.done + p.failed,
                    done=p.done,
                    failed_text=failed,
                    rate=rate,
                    eta=_eta(p.eta_s) if p.ran < p.to_run else "0:00",
                )

            run = run_batch(
                source,
                out,
                workers=workers,
                scheduler=scheduler,
                dask=dask,
                rules=rule_set,
                left=left,
                right=right,
                night_reports=night_reports,
                layout=layout,
                retry_failed=retry_failed,
                timeout=timeout,
                progress=progress,
                on_discovered=discovered,
            )
        print_run(run)
        if run.interrupted:
            err_console.print(
                "interrupted: run the same command again to resume (finished nights are kept)"
            )
            raise typer.Exit(130)
