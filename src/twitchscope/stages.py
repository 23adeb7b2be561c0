"""Sleep stage vocabulary shared by every boundary of twitchscope.

Stages are always the strings of :data:`STAGES`; integer codes differ between tools and never
cross a boundary.
"""

from __future__ import annotations

from typing import Final, Literal

Stage = Literal["W", "N1", "N2", "N3", "R", "UNS"]

#: Every stage string twitchscope uses, wake first.
STAGES: Final[tuple[str, ...]] = ("W", "N1", "N2", "N3", "R", "UNS")
#: Stages that count as sleep (total sleep time, PLMS).
SLEEP_STAGES: Final[frozenset[str]] = frozenset({"N1", "N2", "N3", "R"})
#: Stages that count as NREM sleep.
NREM_STAGES: Final[frozenset[str]] = frozenset({"N1", "N2", "N3"})
