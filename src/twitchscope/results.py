"""The :class:`ScoreResult` returned by :func:`twitchscope.score`: plain data, no files, no drawing.

Writers take it (:mod:`twitchscope.outputs`), and so do the renderers (:mod:`twitchscope.report`).
The clinical cut-offs shown by :meth:`ScoreResult.summary` come from :mod:`twitchscope.cutoffs`
(one source: the knowledge base's ``plm.json``); their names are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from twitchscope.cutoffs import (
    CUTOFF_SOURCE,
    CUTOFFS,
    PLMS_INDEX_CUTOFF_ADULT,
    PLMS_INDEX_CUTOFF_CHILD,
)

if TYPE_CHECKING:
    from twitchscope.hypnogram import Hypnogram
    from twitchscope.scoring.rules import RuleSet

__all__ = [
    "CUTOFFS",
    "CUTOFF_SOURCE",
    "MAIN_INDICES",
    "PLMS_INDEX_CUTOFF_ADULT",
    "PLMS_INDEX_CUTOFF_CHILD",
    "ScoreResult",
    "flatten_indices",
    "unit_of",
]

#: Indices listed first in :meth:`ScoreResult.summary` and in the report, in this order.
MAIN_INDICES: Final[tuple[str, ...]] = (
    "plms_index",
    "plmw_index",
    "lm_index",
    "plms_count",
    "periodicity_index",
    "plms_index_nonrespiratory",
    "plms_arousal_index",
    "total_sleep_time_h",
    "time_in_bed_h",
)


def unit_of(index: str) -> str:
    """Unit of an index by its name: ``/h``, ``count``, ``h``, ``ratio`` or ``""``."""
    if index.startswith("periodicity"):
        return "ratio"
    if index.endswith("_count") or "_count_" in index or index.startswith("n_"):
        return "count"
    if index.endswith(("_h", "_hours")):
        return "h"
    if index.endswith("_s"):
        return "s"
    if "_index" in index:
        return "/h"
    return ""


def _is_number(v: object) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)


def flatten_indices(indices: dict[str, Any]) -> dict[str, float]:
    """Numeric indices, with one level of nested dicts flattened to ``name.key``.

    Undefined values (None, e.g. the PLMS index of a stage with no sleep in it) become NaN, so a
    night always has the same names whatever its content.
    """
    out: dict[str, float] = {}
    for key, value in indices.items():
        if _is_number(value):
            out[key] = float(value)
        elif value is None and not key.startswith(("count_by", "imi_")):
            out[key] = float("nan")  # an index that is undefined (e.g. no sleep time)
        elif isinstance(value, dict) and key.startswith(("plms_index_by", "plmw_index_by")):
            for sub, v in value.items():
                if _is_number(v):
                    out[f"{key}.{sub}"] = float(v)
                elif v is None:
                    out[f"{key}.{sub}"] = float("nan")  # e.g. no time in that stage
    return out


@dataclass
class ScoreResult:
    """Leg movements of one night, scored.

    Attributes
    ----------
    movements : DataFrame
        Single-leg movements: ``leg``, ``onset`` (s), ``duration`` (s), ``amplitude_uv``,
        ``stage``, and detection extras (``area_uv_s``, ``resting_uv``) when detected.
    scored : DataFrame
        Movements after bilateral combination with their scoring (``onset``, ``duration``,
        ``legs``, ``candidate``, ``periodic``, ``series``, ``interval``, ``respiratory``,
        ``arousal``, ``stage``, ...).
    indices : dict
        Every index of the scoring (PLMS/PLMW/LM indices, periodicity, by stage, by leg, by hour,
        IMI histogram, ...), JSON-friendly.
    detections : tuple
        The two :class:`~twitchscope.detect.LegDetection` (left, right); empty when reference
        movements were scored instead of detected.
    warnings : list of str
        Everything a reader of the indices must know (signal quality, missing hypnogram, ...).
    rules : RuleSet
    channels : dict
        ``{"left": label, "right": label}`` of the leg signals used (``None`` when none).
    source : str
        The recording (file name) scored.
    mode : str
        ``"detect"`` (movements detected from EMG) or ``"reference"`` (given movements scored).
    movements_source : str
        Where the movements came from: ``"detected"`` or the reference file/table.
    recording_start : datetime or None
        Clock time of the recording start, when known.
    recording_duration : float
        Recording length in seconds.
    hypnogram : Hypnogram or None
    events : DataFrame
        Respiratory events and arousals used (event-table columns).
    excluded_s : dict
        Seconds excluded from detection per leg (artefact, noise).
    """

    movements: pd.DataFrame
    scored: pd.DataFrame
    indices: dict[str, Any]
    rules: RuleSet
    channels: dict[str, str | None]
    recording_duration: float
    source: str = ""
    mode: str = "detect"
    movements_source: str = "detected"
    detections: tuple[Any, ...] = ()
    warnings: list[str] = field(default_factory=list)
    recording_start: datetime | None = None
    hypnogram: Hypnogram | None = None
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded_s: dict[str, float] = field(default_factory=dict)
    hypnogram_source: str = ""
    events_source: str = ""
    #: Other twitch kinds (a :class:`~twitchscope.detect.twitches.TwitchResult`), None when
    #: not assessed; none of them counts towards the PLM indices.
    twitches: Any = None
    #: The automatic staging (a :class:`~twitchscope.staging.AutoStaging`) when the hypnogram
    #: was staged automatically (``score --stage auto``), else None.
    staging: Any = None

    @property
    def has_hypnogram(self) -> bool:
        """Whether sleep stages were available (else indices are per hour of recording)."""
        return self.hypnogram is not None

    def summary(self) -> pd.DataFrame:
        """One row per index: ``index``, ``value``, ``unit``, ``cutoff``, ``above_cutoff``.

        Main indices come first (:data:`MAIN_INDICES`), then every other numeric index, with
        by-stage and by-leg indices as ``plms_index_by_stage.N2`` and the like. ``cutoff`` is
        the adult clinical cut-off (:data:`CUTOFFS`, ICSD-3) where one exists, else NaN;
        ``above_cutoff`` is True/False there and missing elsewhere.
        """
        flat = flatten_indices(self.indices)
        names = [k for k in MAIN_INDICES if k in flat] + [k for k in flat if k not in MAIN_INDICES]
        cut = [CUTOFFS.get(k, np.nan) for k in names]
        values = [flat[k] for k in names]
        above = pd.array(
            [
                (v > c) if np.isfinite(c) and np.isfinite(v) else pd.NA
                for v, c in zip(values, cut, strict=True)
            ],
            dtype="boolean",
        )
        return pd.DataFrame(
            {
                "index": names,
                "value": values,
                "unit": [unit_of(k) for k in names],
                "cutoff": cut,
                "above_cutoff": above,
            }
        )

    def __repr__(self) -> str:
        pi = self.indices.get("plms_index")
        pi_txt = f"{float(pi):.1f}/h" if isinstance(pi, int | float) else "n/a"
        return (
            f"ScoreResult(source={self.source!r}, rules={self.rules.name!r}, "
            f"movements={len(self.movements)}, plms_index={pi_txt}, "
            f"warnings={len(self.warnings)})"
        )
