"""``score`` with ankle accelerometer files (``--left``/``--right`` files, or one RECORDING)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from twitchscope.cli._common import console, plain, print_warning
from twitchscope.errors import ValidationError
from twitchscope.io.file_kinds import ACCELEROMETER_SUFFIXES


def _is_accel(value: object) -> bool:
    return value is not None and Path(str(value)).suffix.lower() in ACCELEROMETER_SUFFIXES


def is_accelerometer_run(recording: Path | None, left: str | None, right: str | None) -> bool:
    """True when the inputs are accelerometer files (by suffix)."""
    return _is_accel(recording) or _is_accel(left) or _is_accel(right)


def accelerometer_files(
    recording: Path | None, left: str | None, right: str | None, leg: str
) -> dict[str, str]:
    """Which file is which leg; every mix the command cannot take is named."""
    if leg not in ("left", "right"):
        raise ValidationError("--leg", f"must be 'left' or 'right', got {leg!r}")
    files: dict[str, str] = {}
    if recording is not None:
        if not _is_accel(recording):
            raise ValidationError("RECORDING", "a PSG cannot be mixed with accelerometer files")
        files[leg] = str(recording)
    for name, value in (("left", left), ("right", right)):
        if value is None:
            continue
        if not _is_accel(value):
            raise ValidationError(
                f"--{name}",
                f"{value!r} is not an accelerometer file ({', '.join(ACCELEROMETER_SUFFIXES)})",
            )
        if name in files:
            raise ValidationError(f"--{name}", "this leg was given twice")
        files[name] = value
    return files


def print_nights(result: Any, out: Path) -> None:
    """The night-to-night table, the trend and the warnings."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Nights (accelerometer)", show_edge=False, header_style="bold")
    for c in ("night", "start", "TST h", "LM/h", "PLMS/h", "PLMW/h"):
        table.add_column(c, justify="right")

    def f(v: object) -> str:
        return "n/a" if v is None or v != v else f"{float(v):.1f}"  # type: ignore[arg-type]

    for r in result.table.to_dict(orient="records"):
        table.add_row(str(r["night"]), plain(r["start"]), f(r["total_sleep_time_h"]),
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
        print_warning(w)
    console.print(Text.assemble("results written to ", (str(out), "bold")), highlight=False)
