"""CLI: ``twitchscope validate`` -- agreement of leg movements with a reference.

Thin: :func:`twitchscope.validate.run_validation` does the work; this prints its tables or JSON
and writes the JSON with :func:`twitchscope.outputs.write_validation`. With ``--dataset FOLDER``
:func:`twitchscope.validate.dataset.validate_dataset` runs detection on every recording of a
scored dataset and compares it with the recording's annotation file, night by night and pooled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twitchscope.cli._common import console, plain, print_warning

if TYPE_CHECKING:
    from twitchscope.validate import ValidationResult
    from twitchscope.validate.dataset import DatasetValidation


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


def print_dataset(result: DatasetValidation) -> None:
    """Rich tables: one row per night plus the pooled row, then the index agreement."""
    from rich.table import Table

    t = Table(
        title=plain(
            f"Agreement per night ({result.rules}; IoU >= {result.iou:g}; onset within "
            f"{result.onset_tolerance:g} s; PLMS/h detected/reference; errors are medians)"
        ),
        show_edge=False,
        header_style="bold",
    )
    cols = ("night", "pred", "ref", "P", "R", "F1", "onset s", "offset s", "PLMS/h", "status")
    for col in cols:
        t.add_column(
            col,
            justify="left" if col in ("night", "status") else "right",
            no_wrap=col != "status",
        )

    def num(v: Any, digits: int = 3) -> str:
        return "n/a" if v is None or v != v else f"{float(v):.{digits}f}"

    def count(v: Any) -> str:
        return "" if v is None or v != v else str(int(v))

    rows: list[dict[Any, Any]] = result.summary().to_dict("records")
    for i, row in enumerate(rows):
        if i == len(rows) - 1:
            t.add_section()
        t.add_row(
            plain(row["night"]),  # file names are data, not markup
            count(row["n_pred"]), count(row["n_ref"]), num(row["precision"], 2),
            num(row["recall"], 2), num(row["f1"]), num(row["onset_error_median_s"], 2),
            num(row["offset_error_median_s"], 2),
            f"{num(row['plms_index_pred'], 1)}/{num(row['plms_index_ref'], 1)}",
            plain(row["status"]),
        )  # fmt: skip
    console.print(t)
    if result.index_agreement:
        it = Table(title="Index agreement over nights", show_edge=False, header_style="bold")
        for col in ("index", "nights", "mean pred", "mean ref", "bias", "MAE", "ICC(2,1)"):
            it.add_column(col, justify="left" if col == "index" else "right")
        for key, v in result.index_agreement.items():
            it.add_row(
                plain(key), str(int(v["nights"])), f"{v['mean_predicted']:.2f}",
                f"{v['mean_reference']:.2f}", f"{v['mean_difference']:+.2f}", f"{v['mae']:.2f}",
                "n/a" if v["icc_2_1"] != v["icc_2_1"] else f"{v['icc_2_1']:.3f}",
            )  # fmt: skip
        console.print(it)
    for w in result.warnings:
        print_warning(w)


def run_dataset(
    folder: Path,
    *,
    rules: str,
    iou: float,
    onset_tolerance: float,
    left: str | None,
    right: str | None,
    quiet: bool,
) -> DatasetValidation:
    """Validate a dataset folder, with a progress bar on stderr."""
    from rich.progress import Progress

    from twitchscope.cli._common import err_console
    from twitchscope.validate.dataset import NightPair, validate_dataset

    with Progress(console=err_console, transient=True, disable=quiet) as progress:
        task = progress.add_task("validating", total=None)

        def step(pair: NightPair, i: int, total: int) -> None:
            progress.update(task, total=total, completed=i, description=f"night {i + 1}/{total}")

        return validate_dataset(
            folder, rules=rules, iou=iou, onset_tolerance=onset_tolerance, left=left,
            right=right, progress=step,
        )  # fmt: skip


def write_dataset_json(result: DatasetValidation, folder: Path, out: Path | None) -> str:
    """The dataset result as JSON text, also written to ``out`` when given."""
    import json

    text = json.dumps(result.to_dict() | {"dataset": str(folder)}, indent=2, allow_nan=False)
    if out is not None:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            from twitchscope.errors import InputFileError

            raise InputFileError(out, f"cannot write ({exc.strerror})") from None
    return text


def register(app: typer.Typer) -> None:
    """Add the ``validate`` command to ``app``."""

    @app.command("validate")
    def validate_command(
        predicted: Annotated[
            Path | None,
            typer.Argument(
                help="Predicted leg movements: a `twitchscope score` output directory, its "
                "leg_movements.csv, or any reference format.",
                show_default=False,
            ),
        ] = None,
        reference: Annotated[
            Path | None,
            typer.Argument(
                help="Reference leg movements: CSV leg,onset,duration, EDF+ annotations, NSRR "
                "or Profusion XML, CAP or DREAMS text.",
                show_default=False,
            ),
        ] = None,
        dataset: Annotated[
            Path | None,
            typer.Option(
                help="A scored dataset's folder (recordings with their annotation files: NSRR, "
                "CAP Sleep Database, DREAMS, ...): detect on every recording and print the "
                "agreement per night and pooled.",
                show_default=False,
            ),
        ] = None,
        left: Annotated[
            str | None, typer.Option(help="Left leg channel label (with --dataset).")
        ] = None,
        right: Annotated[
            str | None, typer.Option(help="Right leg channel label (with --dataset).")
        ] = None,
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

        from twitchscope.errors import ValidationError
        from twitchscope.outputs import validation_json, write_validation
        from twitchscope.validate import run_validation

        if dataset is not None:
            if predicted is not None or reference is not None:
                raise ValidationError(
                    "--dataset", "give either a dataset folder or PREDICTED and REFERENCE"
                )
            ds = run_dataset(
                dataset, rules=rules, iou=iou, onset_tolerance=onset_tolerance, left=left,
                right=right, quiet=as_json,
            )  # fmt: skip
            text = write_dataset_json(ds, dataset, out)
            if as_json:
                print(text)
            else:
                print_dataset(ds)
                if out is not None:
                    console.print(Text.assemble("written to ", (str(out), "bold")), highlight=False)
            return
        if predicted is None or reference is None:
            raise ValidationError("arguments", "give PREDICTED and REFERENCE, or --dataset FOLDER")

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
