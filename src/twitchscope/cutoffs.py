"""Clinical cut-offs of the scored indices, read from the clinical knowledge base.

The numbers live in one place: ``clinical/data/plm.json`` (``plms_index_cutoff``: ``adult``,
``child`` and its ``rationale``), with the citation in ``clinical/data/sources.json``. The clinical
engine reads the same file. This module reads the two JSON files directly, without importing the
clinical package, so :class:`~twitchscope.results.ScoreResult` and the reports can show the
cut-offs while the scoring core (io, detect, scoring) stays free of clinical code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

#: Indices the PLMS cut-off applies to (PLMS per hour of sleep, with or without respiratory LMs).
PLMS_CUTOFF_INDICES: Final[tuple[str, ...]] = ("plms_index", "plms_index_nonrespiratory")


@dataclass(frozen=True)
class PlmsCutoffs:
    """PLMS index cut-offs (events per hour of sleep) and where they come from.

    Attributes
    ----------
    adult, child : float
        A PLMS index above this is a finding in adults / children (/h).
    rationale : str
        The knowledge base's one-line rationale.
    citations : tuple of str
        Full citations of the sources named in ``plm.json``.
    """

    adult: float
    child: float
    rationale: str
    citations: tuple[str, ...]

    @property
    def source_text(self) -> str:
        """One paragraph for reports: the cut-offs, their source, and what they do not mean."""
        cited = " ".join(self.citations)
        return (
            f"{self.rationale} Source: {cited} A PLMS index above the cut-off is a finding, not a "
            "disorder: periodic limb movement disorder also needs a sleep complaint not better "
            "explained otherwise."
        )


def _data(name: str) -> Any:
    # resources.files of the root package: the clinical package itself is not imported.
    path = resources.files("twitchscope").joinpath("clinical", "data", name)
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def plms_cutoffs() -> PlmsCutoffs:
    """The PLMS cut-offs of the knowledge base (read once)."""
    plm = _data("plm.json")
    cut = plm["plms_index_cutoff"]
    sources = _data("sources.json").get("sources", {})
    ids = plm.get("source", [])
    citations = tuple(str(sources[i]["citation"]) for i in ids if isinstance(sources.get(i), dict))
    return PlmsCutoffs(
        adult=float(cut["adult"]),
        child=float(cut["child"]),
        rationale=str(cut.get("rationale", "")),
        citations=citations,
    )


_CUT: Final[PlmsCutoffs] = plms_cutoffs()
#: PLMS index above which the finding is significant in adults (/h of sleep); ICSD-3.
PLMS_INDEX_CUTOFF_ADULT: Final[float] = _CUT.adult
#: PLMS index above which the finding is significant in children (/h of sleep); ICSD-3.
PLMS_INDEX_CUTOFF_CHILD: Final[float] = _CUT.child
#: Where the cut-offs come from, for reports.
CUTOFF_SOURCE: Final[str] = _CUT.source_text
#: Adult cut-off per index name (only indices with a published cut-off).
CUTOFFS: Final = MappingProxyType(dict.fromkeys(PLMS_CUTOFF_INDICES, _CUT.adult))
