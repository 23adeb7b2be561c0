"""``score`` with ankle accelerometer files (``--left``/``--right`` files, or one RECORDING)."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from twitchscope.cli._common import console, err_console
from twitchscope.errors import ValidationError
from twitchscope.io.accelerometer import SUFFIXES


def _is_accel(value: object) -> bool:
    return value is not None and Path(str(value)).suffix.lower() in SUFFIXES


def is_accelerometer_run(recording: Path | None, left: str | None, right: str | None) -> bool:
    """True when the inputs are accelerometer files (by suffix)."""
    return _is_accel(recording) or _is_accel(left) or _is_accel(right)


def run_accelerometer(
    recording: Path | None,
    left: str | None,
    right: str | None,
    leg: str,
    out: Path,
    rules: str,
    rule: list[str],
    report: bool,
    quiet: bool,
) -> None:
    """Read, split into nights, score, write and print the night-to-night table."""
    from twitchscope.accelerometer import read_accelerometer, score_accelerometer
    from twitchscope.accelerometer.outputs import write_accelerometer_outputs
    from twitchscope.cli.score import build_rules

    if leg not in ("left", "right"):
        raise ValidationError("--leg", f"must be 'left' or 'right', got {leg!r}")
    files: dict[str, str] = {}
    if recording is not None:
        if not _is_accel(recording):
            raise ValidationError("RECORDING", "mix of a PSG and accelerometer files")
        files[leg] = str(recording)
    for name, value in (("left", left), ("right", right)):
        if value is not None:
            if not _is_accel(value):
                raise ValidationError(f"--{name}", f"{value!r} is not an accelerometer file "
                                      f"({', '.join(SUFFIXES)})")  # fmt: skip
            if name in files:
                raise ValidationError(f"--{name}", "this leg was given twice")
            files[name] = value
    rs = build_rules(rules, rule)
    recs = {k: read_accelerometer(v, leg=k) for k, v in files.items()}  # type: ignore[arg-type]
    if not quiet:
        err_console.print(f"scoring {len(recs)} accelerometer file(s) ...", highlight=False)
    result = score_accelerometer(recs.get("left"), recs.get("right"), rules=rs)
    write_accelerometer_outputs(result, out, report=report)
    from rich.table import Table

    table = Table(title="Nights (accelerometer)", show_edge=False, header_style="bold")
    for c in ("night", "start", "TST h", "LM/h", "PLMS/h", "PLMW/h"):
        table.add_column(c, justify="right")

    def f(v: object) -> str:
        return "n/a" if v is None or v != v else f"{float(v):.1f}"  # type: ignore[arg-type]

    for r in result.table.to_dict(orient="records"):
        table.add_row(str(r["night"]), escape(str(r["start"])), f(r["total_sleep_time_h"]),
                      f(r["lm_index"]), f(r["plms_index"]), f(r["plmw_index"]))  # fmt: skip
    console.print(table)
    tr = result.trend
    if tr.get("plms_index_mean") is not None:
        slope = tr.get("slope_per_night")
        console.print(
            f"PLMS index over {tr['nights']} night(s): mean {tr['plms_index_mean']:.1f}/h"
            + (f", trend {slope:+.2f}/h per night" if slope is not None else ""),
            highlight=False,
        )
    for w in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    console.print(f"results written to [bold]{escape(str(out))}[/]", highlight=False)
