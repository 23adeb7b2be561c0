"""Event tables: the columns every scored-event DataFrame has.

Scored events (apnoeas, hypopnoeas, arousals, reference leg movements, ...) travel between the
readers, the simulator and the scoring as pandas DataFrames with the columns of
:data:`EVENT_COLUMNS`:

``onset``
    start in seconds from the recording start (float)
``duration``
    length in seconds (float, >= 0)
``kind``
    one of :data:`EVENT_KINDS`
``leg``
    ``"left"``, ``"right"`` or ``""`` (limb movements only)
``label``
    the text the source file used, kept for traceability
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np
import pandas as pd

from twitchscope.errors import TwitchscopeError

EVENT_COLUMNS: Final[tuple[str, ...]] = ("onset", "duration", "kind", "leg", "label")

#: Event kinds. Apnoea subtypes are kept; ``RESPIRATORY_KINDS`` groups what ends a breathing event.
EVENT_KINDS: Final[tuple[str, ...]] = (
    "obstructive_apnea",
    "central_apnea",
    "mixed_apnea",
    "apnea",
    "hypopnea",
    "rera",
    "arousal",
    "limb_movement",
    "desaturation",
    "other",
)
APNEA_KINDS: Final[frozenset[str]] = frozenset(
    {"obstructive_apnea", "central_apnea", "mixed_apnea", "apnea"}
)
RESPIRATORY_KINDS: Final[frozenset[str]] = APNEA_KINDS | {"hypopnea", "rera"}


def empty_events() -> pd.DataFrame:
    """An event table with no rows and the standard columns and dtypes."""
    return make_events([], [], [], [], [])


def make_events(
    onset: Iterable[float],
    duration: Iterable[float],
    kind: Iterable[str],
    leg: Iterable[str] | None = None,
    label: Iterable[str] | None = None,
    source: str = "events",
) -> pd.DataFrame:
    """Build a checked event table sorted by onset.

    Raises
    ------
    TwitchscopeError
        When lengths differ, a kind is unknown, a leg is not left/right/empty, or a time is
        not finite / a duration negative. ``source`` names the file in the message.
    """
    on = np.asarray(list(onset), dtype=float)
    du = np.asarray(list(duration), dtype=float)
    ki = [str(k) for k in kind]
    lg = [""] * len(ki) if leg is None else [str(x) for x in leg]
    lb = list(ki) if label is None else [str(x) for x in label]
    if not (len(on) == len(du) == len(ki) == len(lg) == len(lb)):
        raise TwitchscopeError(f"{source}: event columns differ in length")
    bad_kind = sorted(set(ki) - set(EVENT_KINDS))
    if bad_kind:
        raise TwitchscopeError(f"{source}: unknown event kind(s) {bad_kind}")
    bad_leg = sorted(set(lg) - {"left", "right", ""})
    if bad_leg:
        raise TwitchscopeError(f"{source}: leg must be 'left', 'right' or empty, got {bad_leg}")
    if np.any(~np.isfinite(on)) or np.any(~np.isfinite(du)) or np.any(du < 0):
        raise TwitchscopeError(f"{source}: an event has a non-finite onset or a negative duration")
    df = pd.DataFrame(
        {
            "onset": on,
            "duration": du,
            "kind": pd.Series(ki, dtype=object),
            "leg": pd.Series(lg, dtype=object),
            "label": pd.Series(lb, dtype=object),
        }
    )
    return df.sort_values("onset", kind="stable").reset_index(drop=True)


def check_events(df: pd.DataFrame, source: str = "events") -> pd.DataFrame:
    """Check an event table from a user and return it normalised (missing leg/label filled)."""
    missing = [c for c in ("onset", "duration", "kind") if c not in df.columns]
    if missing:
        raise TwitchscopeError(f"{source}: event table lacks column(s) {missing}")
    return make_events(
        df["onset"],
        df["duration"],
        df["kind"],
        df["leg"].fillna("") if "leg" in df.columns else None,
        df["label"].fillna("") if "label" in df.columns else None,
        source=source,
    )
