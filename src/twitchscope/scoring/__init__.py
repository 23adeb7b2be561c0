"""Scoring of leg movements to WASM 2016 / AASM: rule sets, PLM series, indices.

The entry point is :func:`score_leg_movements` (single-leg movements in, :class:`Scoring` out).

The names below are imported on first use (PEP 562): ``twitchscope.scoring.rules`` (the rule
sets, plain dataclasses) loads without pandas, so a run can start reading its recording while
the scorer's modules load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchscope._lazy import lazy_exports

if TYPE_CHECKING:
    from twitchscope.scoring.combine import Combined, combine_bilateral
    from twitchscope.scoring.indices import IMI_EDGES_S, PERIODICITY_DEFINITIONS, Indices
    from twitchscope.scoring.pipeline import Scoring, score_leg_movements
    from twitchscope.scoring.rules import AASM, PRESETS, WASM2016, RuleSet, get_rules
    from twitchscope.scoring.series import SeriesResult, find_series

#: Public name -> the module that defines it.
_LAZY: dict[str, str] = {
    "AASM": "twitchscope.scoring.rules",
    "IMI_EDGES_S": "twitchscope.scoring.indices",
    "PERIODICITY_DEFINITIONS": "twitchscope.scoring.indices",
    "PRESETS": "twitchscope.scoring.rules",
    "WASM2016": "twitchscope.scoring.rules",
    "Combined": "twitchscope.scoring.combine",
    "Indices": "twitchscope.scoring.indices",
    "RuleSet": "twitchscope.scoring.rules",
    "Scoring": "twitchscope.scoring.pipeline",
    "SeriesResult": "twitchscope.scoring.series",
    "combine_bilateral": "twitchscope.scoring.combine",
    "find_series": "twitchscope.scoring.series",
    "get_rules": "twitchscope.scoring.rules",
    "score_leg_movements": "twitchscope.scoring.pipeline",
}

__all__ = [
    "AASM",
    "IMI_EDGES_S",
    "PERIODICITY_DEFINITIONS",
    "PRESETS",
    "WASM2016",
    "Combined",
    "Indices",
    "RuleSet",
    "Scoring",
    "SeriesResult",
    "combine_bilateral",
    "find_series",
    "get_rules",
    "score_leg_movements",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
