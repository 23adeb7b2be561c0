"""Sleep stages, scored events and reference leg movements from annotation files.

Formats: EDF+/BDF+ annotations, NSRR XML, Compumedics Profusion XML, BIDS ``events.tsv``,
CSV/TSV hypnograms (one stage per epoch), reference leg-movement tables
(``leg,onset,duration``), CAP Sleep Database scorings (REMlogic text export) and DREAMS
hypnograms and visual scorings. Stages become the strings ``W, N1, N2, N3, R, UNS``; events become
event tables of :mod:`twitchscope.events`. Labels the vocabulary does not know are kept (kind
``other``) and counted in :attr:`Annotations.warnings`.
"""

from __future__ import annotations

from twitchscope.io.annotations.api import (
    read_annotations,
    read_events,
    read_hypnogram,
    read_reference_movements,
)
from twitchscope.io.annotations.codes import parse_codes
from twitchscope.io.annotations.edf_plus import annotations_from_descriptions
from twitchscope.io.annotations.model import FORMATS, Annotations

__all__ = [
    "FORMATS",
    "Annotations",
    "annotations_from_descriptions",
    "parse_codes",
    "read_annotations",
    "read_events",
    "read_hypnogram",
    "read_reference_movements",
]
