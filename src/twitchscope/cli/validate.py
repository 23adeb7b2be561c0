"""CLI: ``twitchscope validate`` -- agreement of leg movements with a reference.

Thin: :func:`twitchscope.validate.run_validation` does the work; this prints its tables or JSON
and writes the JSON with :func:`twitchscope.outputs.write_validation`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twitchscope.cli._common import console, plain, print_warning

if TYPE_CHECKING:
    from twitchscope.validate import ValidationResult


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, int):
        return str(v)
    return f"{float(v):.{digits}f}"


def print_validation(result: ValidationResult) -> None:
    """Rich tables: event agreement per leg, then index agreement."""
    from rich.table import Table

    t = Table(
        title=plain(
            f"Event agreement (IoU >= {result.iou:g}; onset within {result.onset_tolerance:g} s)"
        ),
        show_edge=False,
        header_style="bold",
    )
    for col in ("leg", "pred", "ref", "tp", "P", "R", "F1", "F1 onset", "on err s", "off err s"):
        t.add_column(col, justify="left" if col == "leg" else "right")
    for leg, a in result.legs.items():
        t.add_row(
            plain(leg),
            str(a.n_pred),
            str(a.n_ref),
            str(a.tp),
            _fmt(a.precision),
            _fmt(a.recall),
            _fmt(a.f1),
            _fmt(a.f1_onset),
            _fmt(a.to_dict()["onset_error_mean_s"], 2),
            _fmt(a.to_dict()["offset_error_mean_s"], 2),
        )
    console.print(t)
    ia = result.index_agreement
    rows = [(k, v) for k, v in ia.items() if isinstance(v, dict)]
    if rows:
        it = Table(
            title=plain(f"Index agreement ({ia.get('rules', '')}, {ia.get('index_basis', '')})"),
            show_edge=False,
            header_style="bold",
        )
        for col in ("index", "predicted", "reference", "difference"):
            it.add_column(col, justify="left" if col == "index" else "right")
        for k, v in rows:
            it.add_row(
                plain(k),
                _fmt(v["predicted"], 2),
                _fmt(v["reference"], 2),
                _fmt(v["difference"], 2),
            )
        console.print(it)
        console.print(plain(ia.get("note", ""), "dim"), highlight=False)
    for w in result.warnings:
        print_warning(w)


def register(app: typer.Typer) -> None:
    """Add the ``validate`` command to ``app``."""

    @app.command("validate")
    def validate_command(
        predicted: Annotated[
            Path,
            typer.Argument(
                help="Predicted leg movements: a `twitchscope score` output directory, its "
                "leg_movements.csv, or any reference format.",
                show_default=False,
            ),
        ],
        reference: Annotated[
            Path,
            typer.Argument(
                help="Reference leg movements: CSV leg,onset,duration, EDF+ annotations, NSRR "
                "or Profusion XML.",
                show_default=False,
            ),
        ],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print JSON instead of tables.")
        ] = False,
        out: Annotated[
            Path | None, typer.Option(help="Also write the result as JSON here.")
        ] = None,
        iou: Annotated[float, typer.Option(help="Minimum IoU for a match.")] = 0.2,
        onset_tolerance: Annotated[
            float, typer.Option(help="Onset criterion: onsets at most this far apart (s).")
        ] = 0.5,
        hypnogram: Annotated[
            Path | None, typer.Option(help="Sleep stages for the index comparison.")
        ] = None,
        events: Annotated[
            Path | None, typer.Option(help="Respiratory events and arousals for the indices.")
        ] = None,
        rules: Annotated[str, typer.Option(help="Rule preset for the indices.")] = "wasm2016",
        recording_duration: Annotated[
            float | None, typer.Option(help="Recording length in seconds.")
        ] = None,
    ) -> None:
        """Event precision, recall and F1 per leg, onset/offset error and index agreement."""
        from rich.text import Text

        from twitchscope.outputs import validation_json, write_validation
        from twitchscope.validate import run_validation

        result = run_validation(
            predicted,
            reference,
            iou=iou,
            onset_tolerance=onset_tolerance,
            hypnogram=hypnogram,
            events=events,
            rules=rules,
            recording_duration=recording_duration,
        )
        if out is not None:
            write_validation(result, out)
        if as_json:
            print(validation_json(result))
        else:
            print_validation(result)
            if out is not None:
                console.print(Text.assemble("written to ", (str(out), "bold")), highlight=False)
