"""Read the ``summary.json`` that ``twitchscope score`` writes, for the clinical engine.

The keys checked and the PLMS cut-offs come from ``plm.json``. When ``index_basis`` is
``recording_time`` (no hypnogram) the "PLMS index" is PLM per hour of recording: it is never
compared with the PLMS cut-off as if it were per hour of sleep.

Recording facts for the rules come from *providers*: functions that turn a summary into facts,
plain reasons and notes. The periodic-limb-movement provider is built in; another kind of
movement found on a recording (other twitch kinds, for example) adds its own provider with
:func:`register_recording_facts`, reading its keys from :attr:`RecordingSummary.extra`, and the
rules may then name its facts (``{"recording": "fact_name", "is": true}``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from twitchscope.clinical.jsonfile import read_json_object
from twitchscope.clinical.knowledge import Knowledge, load_knowledge
from twitchscope.clinical.recording_facts import (
    PLM_FACTS,
    FactProvider,
    extra_providers,
    recording_fact_names,
    register_recording_facts,
)
from twitchscope.errors import InputFileError

# The registry lives in recording_facts (so the knowledge base can check fact names without a
# cycle); its names are re-exported here, where they were first.
__all__ = [
    "PLM_FACTS",
    "FactProvider",
    "RecordingSummary",
    "load_recording_summary",
    "recording_fact_names",
    "recording_facts",
    "register_recording_facts",
]


@dataclass(frozen=True)
class RecordingSummary:
    """The parts of a score summary the assessment uses (indices per hour, times in hours)."""

    plms_index: float
    plms_count: int
    plmw_index: float | None
    lm_index: float | None
    periodicity_index: float | None
    total_sleep_time_h: float | None
    time_in_bed_h: float | None
    index_basis: str
    rules: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def staged(self) -> bool:
        """True when the indices are per hour of sleep (a hypnogram was used)."""
        return self.index_basis != "recording_time"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _typed(name: str, value: Any, kind: str, where: str) -> Any:
    if kind == "number_or_null" and value is None:
        return None
    if kind in ("number", "number_or_null"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise InputFileError(where, f"key {name!r}: expected a number, got {value!r}")
        if value < 0:
            raise InputFileError(where, f"key {name!r}: negative value {value!r}")
        return value
    if kind == "object" and not isinstance(value, Mapping):
        raise InputFileError(where, f"key {name!r}: expected an object, got {value!r}")
    if kind == "list" and not isinstance(value, list):
        raise InputFileError(where, f"key {name!r}: expected a list, got {value!r}")
    return value


def load_recording_summary(
    source: Mapping[str, Any] | str | Path, *, knowledge: Knowledge | None = None
) -> RecordingSummary:
    """Read and check a ``summary.json`` of ``twitchscope score``.

    Parameters
    ----------
    source : mapping or path
        The summary, or the path of its file.

    Returns
    -------
    RecordingSummary

    Raises
    ------
    InputFileError
        Missing file, bad JSON, a missing key or a value of the wrong type (file and key named).
    """
    kb = knowledge or load_knowledge()
    if isinstance(source, str | Path):
        where = str(source)
        doc: Mapping[str, Any] = read_json_object(source, "recording summary")
    else:
        where, doc = "recording summary", source
    required: dict[str, str] = kb.plm["required_summary_keys"]
    missing = [k for k in required if k not in doc]
    if missing:
        raise InputFileError(
            where, "not a twitchscope score summary: missing key(s) " + ", ".join(missing)
        )
    vals = {k: _typed(k, doc[k], kind, where) for k, kind in required.items()}
    basis = doc.get("index_basis")
    if basis is None:
        basis = "recording_time" if vals["total_sleep_time_h"] is None else "total_sleep_time"
    if not isinstance(basis, str):
        raise InputFileError(where, f"key 'index_basis': expected a string, got {basis!r}")
    if not all(isinstance(w, str) for w in vals["warnings"]):
        raise InputFileError(where, "key 'warnings': expected a list of strings")
    return RecordingSummary(
        plms_index=float(vals["plms_index"]),
        plms_count=int(vals["plms_count"]),
        plmw_index=vals["plmw_index"],
        lm_index=vals["lm_index"],
        periodicity_index=vals["periodicity_index"],
        total_sleep_time_h=vals["total_sleep_time_h"],
        time_in_bed_h=vals["time_in_bed_h"],
        index_basis=basis,
        rules=dict(vals["rules"]),
        channels=dict(vals["channels"]),
        warnings=list(vals["warnings"]),
        source=where,
        extra={k: v for k, v in doc.items() if k not in required and k != "index_basis"},
    )


def _plm_facts(
    summary: RecordingSummary, age: float | None, kb: Knowledge
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    cut = kb.plm["plms_index_cutoff"]
    notes: list[str] = []
    if age is None:
        group = "adult"
        notes.append("Age not answered: the adult PLMS cut-off was used.")
    else:
        group = "child" if age < kb.child_below_years else "adult"
    cutoff = float(cut[group])
    above = summary.plms_index > cutoff
    idx = f"{summary.plms_index:.1f}"
    where = "above" if above else "not above"
    reasons: dict[str, str] = {}
    if summary.staged:
        facts: dict[str, Any] = {
            "plms_above_cutoff": above,
            "plm_rate_above_cutoff_unstaged": False,
            "plms_index": summary.plms_index,
            "staged": True,
        }
        tst = summary.total_sleep_time_h
        over = f" over {tst:.1f} hours of sleep" if tst is not None else ""
        reasons["plms_above_cutoff"] = (
            f"the recording shows {idx} periodic leg movements per hour of sleep (PLMS index), "
            f"{where} the {group} cut-off of {cutoff:g} an hour (ICSD-3; "
            f"{summary.plms_count} movements{over})"
        )
    else:
        facts = {
            "plms_above_cutoff": None,
            "plm_rate_above_cutoff_unstaged": above,
            "plms_index": summary.plms_index,
            "staged": False,
        }
        reasons["plm_rate_above_cutoff_unstaged"] = (
            f"the recording shows {idx} periodic leg movements per hour of recording (without "
            f"sleep stages this is not a PLMS index), {where} the {group} cut-off of "
            f"{cutoff:g} an hour: a proper sleep study is worth discussing"
        )
        notes.append(
            "The recording had no sleep staging: its index is per hour of recording, so it "
            "cannot show PLMS above the cut-off."
        )
    return facts, reasons, notes


def recording_facts(
    summary: RecordingSummary, age: float | None, knowledge: Knowledge | None = None
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Facts, plain reason sentences and notes for rule conditions on a recording.

    Returns
    -------
    facts : dict
        ``plms_above_cutoff`` (None without sleep staging), ``plm_rate_above_cutoff_unstaged``,
        ``plms_index``, ``staged``, and the facts of any registered provider.
    reasons : dict
        Fact -> plain sentence naming the index and the cut-off.
    notes : list of str
        E.g. that the adult cut-off was used because age was not answered.
    """
    kb = knowledge or load_knowledge()
    facts: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    notes: list[str] = []
    for _, provider in ((PLM_FACTS, _plm_facts), *extra_providers()):
        f, r, n = provider(summary, age, kb)
        facts.update(f)
        reasons.update(r)
        notes += [x for x in n if x not in notes]
    return facts, reasons, notes
