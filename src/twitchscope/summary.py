"""The content of ``summary.json``: every index of a scored night, as plain JSON values.

Built here, below both the writers (:mod:`twitchscope.outputs`) and the reports
(:mod:`twitchscope.report`), which draw a night from the same values whether it was scored just
now or read back from an output folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from twitchscope._version import __version__

if TYPE_CHECKING:
    from twitchscope.results import ScoreResult

#: Keys every summary.json has (the stable part of the contract).
SUMMARY_KEYS: Final[tuple[str, ...]] = (
    "plms_index",
    "plmw_index",
    "lm_index",
    "plms_count",
    "periodicity_index",
    "total_sleep_time_h",
    "time_in_bed_h",
    "rules",
    "channels",
    "warnings",
)


def build_summary(result: ScoreResult) -> dict[str, Any]:
    """The content of ``summary.json`` as plain JSON values.

    Everything in ``result.indices`` is kept; then the rules (``preset`` name and ``options``:
    every option value), ``channels``, ``warnings``, the ``source`` file, the ``software``
    version, ``excluded_s`` per leg, ``leg_signal`` (per leg: channel, rate, excluded time,
    resting level, mains frequencies notched), the recording's start and length, and where the
    movements, hypnogram and events came from.
    """
    from twitchscope.jsonsafe import json_safe

    out: dict[str, Any] = {}
    for key in SUMMARY_KEYS[:7]:
        out[key] = result.indices.get(key)
    for key, value in result.indices.items():
        if key not in out:
            out[key] = value
    opts = result.rules.to_dict()
    out["rules"] = {"preset": result.rules.name, "options": opts}
    out["channels"] = dict(result.channels)
    out["warnings"] = list(result.warnings)
    out["source"] = result.source
    out["software"] = {"name": "twitchscope", "version": __version__}
    out["mode"] = result.mode
    out["movements_source"] = result.movements_source
    out["hypnogram_source"] = result.hypnogram_source
    out["events_source"] = result.events_source
    out["excluded_s"] = {leg: float(result.excluded_s.get(leg, 0.0)) for leg in ("left", "right")}
    # What detection saw in each leg channel (empty when reference movements were scored).
    out["leg_signal"] = {
        d.leg: {
            "channel": d.channel,
            "fs": float(d.fs),
            "excluded_s": float(d.excluded_s),
            "resting_uv_median": float(d.resting_uv_median),
            "resting_uv_p95": float(d.resting_uv_p95),
            "mains_notch_hz": list(d.mains_notch_hz),
        }
        for d in result.detections
    }
    out["recording_start"] = result.recording_start
    out["recording_duration_s"] = float(result.recording_duration)
    mv = result.movements
    out["n_leg_movements"] = {
        leg: int((mv["leg"] == leg).sum()) if "leg" in mv.columns else 0
        for leg in ("left", "right")
    }
    out["n_scored_movements"] = len(result.scored)
    if result.twitches is not None:
        out["twitches"] = result.twitches.to_dict()
    if result.staging is not None:
        out["staging"] = result.staging.summary()
        out["hypnogram_automatic"] = True
    safe: dict[str, Any] = json_safe(out)
    return safe
