"""Agreement of leg movements with reference annotations: event F1, onset/offset error, indices.

>>> from twitchscope.validate import run_validation, compare_movements  # doctest: +SKIP
>>> result = run_validation("results/", "night.truth_movements.csv")  # files, as the CLI
>>> result = compare_movements(predicted, reference, iou=0.2, onset_tolerance=0.5)  # tables
>>> result.summary()  # one row per leg (left, right, all)
"""

from __future__ import annotations

from twitchscope.validate.compare import (
    LegAgreement,
    ValidationResult,
    compare_movements,
    normalise_movements,
)
from twitchscope.validate.load import index_agreement, load_movements
from twitchscope.validate.matching import Matches, match_by_iou, match_by_onset
from twitchscope.validate.run import choose_stages_and_events, run_validation

__all__ = [
    "LegAgreement",
    "Matches",
    "ValidationResult",
    "choose_stages_and_events",
    "compare_movements",
    "index_agreement",
    "load_movements",
    "match_by_iou",
    "match_by_onset",
    "normalise_movements",
    "run_validation",
]
