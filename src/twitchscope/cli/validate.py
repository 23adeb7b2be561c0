"""CLI: ``twitchscope validate`` -- agreement of leg movements with a reference.

Two modes: ``twitchscope validate PREDICTED REFERENCE`` compares one night's movements with a
reference; ``twitchscope validate --dataset FOLDER`` runs detection on every recording of a
scored dataset and compares it with the recording's annotation file
(:func:`twitchscope.validate.dataset.validate_dataset`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from twitchscope.cli._common import console, err_console

if TYPE_CHECKING:
    from twitchscope.validate import ValidationResult
    from twitchscope.validate.dataset import DatasetValidation


def run_validate(
    predicted: Path,
    reference: Path,
    *,
    iou: float = 0.2,
    onset_tolerance: float = 0.5,
    hypnogram: Path | None = None,
    events: Path | None = None,
    rules: str = "wasm2016",
    recording_duration: float | None = None,
) -> ValidationResult:
    """Compare the two sides' leg movements and, when both can be scored, their indices.

    The hypnogram is ``hypnogram`` when given, else the reference file's own stages (an EDF+ or
    XML reference usually has them); without stages the index comparison is per hour of
    recording. The recording length comes from ``recording_duration``, the predicted side's
    ``summary.json``, the hypnogram, or (a lower bound, with a warning) the last movement.
    """
    import dataclasses

    from twitchscope.errors import TwitchscopeError
    from twitchscope.validate import compare_movements, index_agreement, load_movements
    from twitchscope.validate.load import read_output_summary, recording_duration_for

    pred = load_movements(predicted)
    ref = load_movements(reference)
    result = compare_movements(pred, ref, iou=iou, onset_tolerance=onset_tolerance)
    warnings = list(result.warnings)
    hyp = None
    ev = None
    if hypnogram is not None:
        from twitchscope.io.annotations import read_annotations

        ann = read_annotations(hypnogram)
        hyp = ann.require_hypnogram()
        ev = ann.events
    elif reference.suffix.lower() != ".csv" and not reference.is_dir():
        from twitchscope.io.annotations import read_annotations

        try:
            ann = read_annotations(reference)
            hyp, ev = ann.hypnogram, ann.events
        except TwitchscopeError:
            hyp = None
    summary = read_output_summary(predicted)
    if hyp is None:
        # A score output records where its stages came from: use the same ones.
        source = _summary_file(summary, "hypnogram_source")
        if source is not None:
            from twitchscope.io.annotations import read_annotations

            try:
                ann = read_annotations(source)
                hyp = ann.hypnogram
                ev = ann.events if ev is None else ev
            except TwitchscopeError:
                hyp = None
    if events is not None:
        from twitchscope.io.annotations import read_annotations

        ev = read_annotations(events).events
    elif ev is None:
        ev_source = _summary_file(summary, "events_source")
        if ev_source is not None:
            from twitchscope.io.annotations import read_annotations

            try:
                ev = read_annotations(ev_source).events
            except TwitchscopeError:
                ev = None
    if ev is not None:
        ev = ev[ev["kind"] != "limb_movement"].reset_index(drop=True)
    if recording_duration is not None:
        duration, origin = float(recording_duration), "option"
    else:
        duration, origin = recording_duration_for(pred, ref, summary, hyp)
    if origin == "last movement":
        warnings.append(
            "recording length unknown: taken as the end of the last movement for the index "
            "comparison (give --recording-duration)"
        )
    if hyp is None:
        warnings.append("no hypnogram: indices compared per hour of recording, not of sleep")
    try:
        agreement = index_agreement(
            pred, ref, recording_duration=duration, rules=rules, hypnogram=hyp, events=ev
        )
    except TwitchscopeError as exc:
        agreement = {}
        warnings.append(f"indices not compared: {exc}")
    return dataclasses.replace(result, index_agreement=agreement, warnings=warnings)


def _emit(payload: dict[str, Any], out: Path | None, as_json: bool) -> None:
    """Write ``payload`` as JSON to ``out`` and/or stdout."""
    text = json.dumps(payload, indent=2, allow_nan=False)
    if out is not None:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            from twitchscope.errors import InputFileError

            raise InputFileError(out, f"cannot write ({exc.strerror})") from None
    if as_json:
        print(text)


def _summary_file(summary: dict[str, Any], key: str) -> Path | None:
    """The annotation file a score output names under ``key`` (``"X (annotations)"`` or X)."""
    text = summary.get(key)
    if not isinstance(text, str) or not text:
        return None
    path = Path(text.removesuffix(" (annotations)"))
    return path if path.is_file() else None


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
        title=f"Event agreement (IoU >= {result.iou:g}; onset within {result.onset_tolerance:g} s)",
        show_edge=False,
        header_style="bold",
    )
    for col in ("leg", "pred", "ref", "tp", "P", "R", "F1", "F1 onset", "on err s", "off err s"):
        t.add_column(col, justify="left" if col == "leg" else "right")
    for leg, a in result.legs.items():
        t.add_row(
            leg,
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
            title=f"Index agreement ({ia.get('rules', '')}, {ia.get('index_basis', '')})",
            show_edge=False,
            header_style="bold",
        )
        for col in ("index", "predicted", "reference", "difference"):
            it.add_column(col, justify="left" if col == "index" else "right")
        for k, v in rows:
            it.add_row(
                k, _fmt(v["predicted"], 2), _fmt(v["reference"], 2), _fmt(v["difference"], 2)
            )
        console.print(it)
        console.print(f"[dim]{ia.get('note', '')}[/]", highlight=False)
    for w in result.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)


def print_dataset(result: DatasetValidation) -> None:
    """Rich tables: one row per night plus the pooled row, then the index agreement."""
    from rich.table import Table

    t = Table(
        title=f"Agreement per night ({result.rules}; IoU >= {result.iou:g}; onset within "
        f"{result.onset_tolerance:g} s; PLMS/h detected/reference; errors are medians)",
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
            Text(str(row["night"])),  # file names are data, not markup
            count(row["n_pred"]), count(row["n_ref"]), num(row["precision"], 2),
            num(row["recall"], 2), num(row["f1"]), num(row["onset_error_median_s"], 2),
            num(row["offset_error_median_s"], 2),
            f"{num(row['plms_index_pred'], 1)}/{num(row['plms_index_ref'], 1)}",
            Text(str(row["status"])),
        )  # fmt: skip
    console.print(t)
    if result.index_agreement:
        it = Table(title="Index agreement over nights", show_edge=False, header_style="bold")
        for col in ("index", "nights", "mean pred", "mean ref", "bias", "MAE", "ICC(2,1)"):
            it.add_column(col, justify="left" if col == "index" else "right")
        for key, v in result.index_agreement.items():
            it.add_row(
                key, str(int(v["nights"])), f"{v['mean_predicted']:.2f}",
                f"{v['mean_reference']:.2f}", f"{v['mean_difference']:+.2f}", f"{v['mae']:.2f}",
                "n/a" if v["icc_2_1"] != v["icc_2_1"] else f"{v['icc_2_1']:.3f}",
            )  # fmt: skip
        console.print(it)
    for w in result.warnings:
        err_console.print("[yellow]warning:[/] ", Text(w), sep="", highlight=False)


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

    from twitchscope.validate.dataset import NightPair, validate_dataset

    with Progress(console=err_console, transient=True, disable=quiet) as progress:
        task = progress.add_task("validating", total=None)

        def step(pair: NightPair, i: int, total: int) -> None:
            progress.update(task, total=total, completed=i)
            progress.update(task, description=f"night {i + 1}/{total}")

        return validate_dataset(
            folder, rules=rules, iou=iou, onset_tolerance=onset_tolerance, left=left,
            right=right, progress=step,
        )  # fmt: skip


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
                help="A scored dataset's folder (recordings with their annotation files: CAP "
                "Sleep Database, DREAMS, NSRR, ...): detect on every recording and print the "
                "agreement per night and pooled.",
                show_default=False,
            ),
        ] = None,
        left: Annotated[
            str | None, typer.Option(help="Left leg channel label (--dataset).")
        ] = None,
        right: Annotated[
            str | None, typer.Option(help="Right leg channel label (--dataset).")
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
        from twitchscope.errors import ValidationError

        if dataset is not None:
            if predicted is not None or reference is not None:
                raise ValidationError(
                    "--dataset", "give either a dataset folder or PREDICTED and REFERENCE"
                )
            ds = run_dataset(
                dataset, rules=rules, iou=iou, onset_tolerance=onset_tolerance, left=left,
                right=right, quiet=as_json,
            )  # fmt: skip
            _emit(ds.to_dict() | {"dataset": str(dataset)}, out, as_json)
            if not as_json:
                print_dataset(ds)
                if out is not None:
                    console.print("written to ", Text(str(out)), sep="", highlight=False)
            return
        if predicted is None or reference is None:
            raise ValidationError("arguments", "give PREDICTED and REFERENCE, or --dataset FOLDER")
        result = run_validate(
            predicted,
            reference,
            iou=iou,
            onset_tolerance=onset_tolerance,
            hypnogram=hypnogram,
            events=events,
            rules=rules,
            recording_duration=recording_duration,
        )
        payload = result.to_dict()
        payload["predicted"] = str(predicted)
        payload["reference"] = str(reference)
        text = json.dumps(payload, indent=2, allow_nan=False)
        if out is not None:
            try:
                out.write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                from twitchscope.errors import InputFileError

                raise InputFileError(out, f"cannot write ({exc.strerror})") from None
        if as_json:
            print(text)
        else:
            print_validation(result)
            if out is not None:
                console.print(f"written to [bold]{out}[/]", highlight=False)
