"""Readers of recordings (EDF, EDF+, BDF) and annotation files.

:func:`open_recording` reads and checks the header only; channels are decoded on demand, in µV,
from a memory map. :func:`read_annotations` reads hypnograms, scored events and reference leg
movements from EDF+ annotations, NSRR XML, Profusion XML, BIDS events.tsv and CSV/TSV tables.

The names below are imported on first use (PEP 562): opening a recording and decoding its
channels (:mod:`twitchscope.io.recording`) needs numpy only, not pandas, which the annotation
readers load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchscope._lazy import lazy_exports

if TYPE_CHECKING:
    from twitchscope.io.annotations import (
        Annotations,
        annotations_from_descriptions,
        read_annotations,
        read_events,
        read_hypnogram,
        read_reference_movements,
    )
    from twitchscope.io.channels import ROLES, match_role
    from twitchscope.io.quality import check_leg_signal
    from twitchscope.io.recording import ChannelInfo, Recording, open_recording

#: Public name -> the module that defines it.
_LAZY: dict[str, str] = {
    "ROLES": "twitchscope.io.channels",
    "Annotations": "twitchscope.io.annotations",
    "ChannelInfo": "twitchscope.io.recording",
    "Recording": "twitchscope.io.recording",
    "annotations_from_descriptions": "twitchscope.io.annotations",
    "check_leg_signal": "twitchscope.io.quality",
    "match_role": "twitchscope.io.channels",
    "open_recording": "twitchscope.io.recording",
    "read_annotations": "twitchscope.io.annotations",
    "read_events": "twitchscope.io.annotations",
    "read_hypnogram": "twitchscope.io.annotations",
    "read_reference_movements": "twitchscope.io.annotations",
}

__all__ = [
    "ROLES",
    "Annotations",
    "ChannelInfo",
    "Recording",
    "annotations_from_descriptions",
    "check_leg_signal",
    "match_role",
    "open_recording",
    "read_annotations",
    "read_events",
    "read_hypnogram",
    "read_reference_movements",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
