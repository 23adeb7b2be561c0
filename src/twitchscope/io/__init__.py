"""Readers of recordings (EDF, EDF+, BDF) and annotation files.

:func:`open_recording` reads and checks the header only; channels are decoded on demand, in µV,
from a memory map. :func:`read_annotations` reads hypnograms, scored events and reference leg
movements from EDF+ annotations, NSRR XML, Profusion XML, BIDS events.tsv and CSV/TSV tables.
"""

from __future__ import annotations

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
