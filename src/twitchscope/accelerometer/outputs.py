"""Write an accelerometer recording's results: the ``score`` contract per night, and the week.

One night: the contract files in ``out`` itself. Several nights: ``out/nights/night_NN/`` each,
plus ``out/nights.csv`` (one row per night) and ``out/week.json`` (trend of the PLMS index,
sleep/wake method, the files). ``nights.csv`` and ``week.json`` are written in both cases.
"""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path

from twitchscope.accelerometer.nights import AccelResult, score_accelerometer
from twitchscope.accelerometer.rules import SLEEP_WAKE_METHOD, VANHEES2015, AccelRules
from twitchscope.jsonsafe import json_safe
from twitchscope.outputs import check_output_dir, write_outputs
from twitchscope.scoring.rules import RuleSet


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


def score_accelerometer_to_dir(
    out: str | PathLike[str],
    *,
    left: str | PathLike[str] | None = None,
    right: str | PathLike[str] | None = None,
    rules: str | RuleSet = "wasm2016",
    accel_rules: AccelRules = VANHEES2015,
    report: bool = True,
) -> AccelResult:
    """Read ankle accelerometer files (one per leg, or one), score every night, write ``out``.

    The accelerometer counterpart of :func:`twitchscope.score_to_dir` (the ``score`` command,
    the batch runner and the web app call it for accelerometer files).

    Raises
    ------
    TwitchscopeError
        Bad files (named, with the problem), no file, or an output directory that cannot be
        written (checked before any work).
    """
    from twitchscope.errors import ValidationError
    from twitchscope.io.accelerometer import read_accelerometer

    if left is None and right is None:
        raise ValidationError("accelerometer", "give the left and/or the right leg's file")
    d = check_output_dir(out)
    recs = {
        leg: read_accelerometer(p, leg=leg)  # type: ignore[arg-type]
        for leg, p in (("left", left), ("right", right))
        if p is not None
    }
    result = score_accelerometer(
        recs.get("left"), recs.get("right"), rules=rules, accel_rules=accel_rules
    )
    write_accelerometer_outputs(result, d, report=report)
    return result
