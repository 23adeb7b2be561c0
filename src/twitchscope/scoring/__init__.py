"""Scoring of leg movements to WASM 2016 / AASM: rule sets, PLM series, indices.

The entry point is :func:`score_leg_movements` (single-leg movements in, :class:`Scoring` out).
"""

from __future__ import annotations

from twitchscope.scoring.combine import Combined, combine_bilateral
from twitchscope.scoring.indices import IMI_EDGES_S, PERIODICITY_DEFINITIONS, Indices
from twitchscope.scoring.pipeline import Scoring, score_leg_movements
from twitchscope.scoring.rules import AASM, PRESETS, WASM2016, RuleSet, get_rules
from twitchscope.scoring.series import SeriesResult, find_series

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
