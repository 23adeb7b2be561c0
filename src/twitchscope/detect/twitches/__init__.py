"""Other twitch kinds in leg EMG, beside leg movements (none counts towards PLM indices).

Public API::

    detect_twitches(left, right, *, movements, hypnogram, rules=AASM2020) -> TwitchResult

Kinds (``twitches.csv`` ``kind``): ``hypnic_jerk``, ``fragmentary_myoclonus`` (one row per NREM
stretch meeting the EFM rate), ``alma``, ``hypnagogic_foot_tremor``, ``long_movement``,
``tremor``. Rules and sources: :mod:`twitchscope.detect.twitches.rules`.

The names are imported on first use (PEP 562): the rules load without pandas, so a leg's
filtering can start while pandas is still loading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchscope._lazy import lazy_exports

if TYPE_CHECKING:
    from twitchscope.detect.twitches.detect import (
        LegBursts,
        detect_twitches,
        leg_bursts,
        twitches_from_movements,
    )
    from twitchscope.detect.twitches.kinds import KINDS, TWITCH_COLUMNS, empty_twitches
    from twitchscope.detect.twitches.result import TwitchResult
    from twitchscope.detect.twitches.rules import (
        AASM2020,
        KIND_SOURCES,
        TwitchRules,
        get_twitch_rules,
        kind_rules,
    )

#: Public name -> the module that defines it.
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        ("LegBursts", "detect_twitches", "leg_bursts", "twitches_from_movements"),
        "twitchscope.detect.twitches.detect",
    ),
    **dict.fromkeys(
        ("KINDS", "TWITCH_COLUMNS", "empty_twitches"), "twitchscope.detect.twitches.kinds"
    ),
    "TwitchResult": "twitchscope.detect.twitches.result",
    **dict.fromkeys(
        ("AASM2020", "KIND_SOURCES", "TwitchRules", "get_twitch_rules", "kind_rules"),
        "twitchscope.detect.twitches.rules",
    ),
}

__all__ = [
    "AASM2020",
    "KINDS",
    "KIND_SOURCES",
    "TWITCH_COLUMNS",
    "LegBursts",
    "TwitchResult",
    "TwitchRules",
    "detect_twitches",
    "empty_twitches",
    "get_twitch_rules",
    "kind_rules",
    "leg_bursts",
    "twitches_from_movements",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
