"""Write an accelerometer recording's results: the ``score`` contract per night, and the week.

One night: the contract files in ``out`` itself. Several nights: ``out/nights/night_NN/`` each,
plus ``out/nights.csv`` (one row per night) and ``out/week.json`` (trend of the PLMS index,
sleep/wake method, the files). ``nights.csv`` and ``week.json`` are written in both cases.
"""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path

from twitchscope.accelerometer.nights import AccelResult
from twitchscope.accelerometer.rules import SLEEP_WAKE_METHOD
from twitchscope.jsonsafe import json_safe
from twitchscope.outputs import write_outputs


def write_accelerometer_outputs(
    result: AccelResult, out_dir: str | PathLike[str], *, report: bool = True
) -> Path:
    """Write every night's contract files, ``nights.csv`` and ``week.json``; return ``out_dir``."""
    d = Path(out_dir)
    nights = result.nights
    for n in nights:
        target = d if len(nights) == 1 else d / "nights" / f"night_{n.night:02d}"
        write_outputs(n.result, target, report=report)
    d.mkdir(parents=True, exist_ok=True)
    result.table.to_csv(d / "nights.csv", index=False, float_format="%.4f")
    week = {
        "source": "accelerometer",
        "files": result.legs,
        "sleep_wake_method": SLEEP_WAKE_METHOD,
        "nights": result.table.to_dict(orient="records"),
        "trend": result.trend,
        "warnings": result.warnings,
    }
    (d / "week.json").write_text(
        json.dumps(json_safe(week), indent=2, allow_nan=False) + "\n", encoding="utf-8"
    )
    return d
