"""Read the ``summary.json`` that ``twitchscope score`` writes, for the clinical engine.

The keys checked and the PLMS cut-offs come from ``plm.json``. When ``index_basis`` is
``recording_time`` (no hypnogram) the "PLMS index" is PLM per hour of recording: it is never
compared with the PLMS cut-off as if it were per hour of sleep.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from twitchscope.clinical.jsonfile import read_json_object
from twitchscope.clinical.knowledge import Knowledge, load_knowledge
from twitchscope.errors import InputFileError


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
    #: The ``twitches`` block of the summary (other twitch kinds), empty when absent.
    twitches: dict[str, Any] = field(default_factory=dict)
    hypnogram_automatic: bool = False

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
    twitches = doc.get("twitches") or {}
    if not isinstance(twitches, Mapping) or not isinstance(twitches.get("counts", {}), Mapping):
        raise InputFileError(where, "key 'twitches': expected an object with 'counts'")
    return RecordingSummary(
        twitches=dict(twitches),
        hypnogram_automatic=doc.get("hypnogram_automatic") is True,
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
    )


def recording_facts(
    summary: RecordingSummary, age: float | None, knowledge: Knowledge | None = None
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Facts, reason sentences and notes for rule conditions on a recording.

    Returns
    -------
    facts : dict
        ``plms_above_cutoff`` (None without sleep staging), ``plm_rate_above_cutoff_unstaged``,
        ``plms_index``, ``staged``.
    reasons : dict
        Field -> sentence naming the index and the cut-off.
    notes : list of str
        E.g. that the adult cut-off was used because age was not answered.
    """
    kb = knowledge or load_knowledge()
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
    reasons: dict[str, str] = {}
    if summary.staged:
        facts: dict[str, Any] = {
            "plms_above_cutoff": above,
            "plm_rate_above_cutoff_unstaged": False,
            "plms_index": summary.plms_index,
            "staged": True,
        }
        tst = summary.total_sleep_time_h
        over = f" over {tst:.1f} h of sleep" if tst is not None else ""
        reasons["plms_above_cutoff"] = (
            f"PLMS index {idx}/h {'>' if above else '<='} {cutoff:g}/h ({group} cut-off, ICSD-3; "
            f"{summary.plms_count} PLMS{over})"
        )
    else:
        facts = {
            "plms_above_cutoff": None,
            "plm_rate_above_cutoff_unstaged": above,
            "plms_index": summary.plms_index,
            "staged": False,
        }
        reasons["plm_rate_above_cutoff_unstaged"] = (
            f"PLM {idx} per hour of recording (no hypnogram, so not a PLMS index) "
            f"{'>' if above else '<='} {cutoff:g}/h ({group} cut-off): worth a proper sleep study"
        )
        notes.append(
            "The recording had no sleep staging: its index is per hour of recording, so it "
            "cannot show PLMS above the cut-off."
        )
    facts.update(_twitch_facts(summary, reasons))
    facts["hypnogram_automatic"] = summary.hypnogram_automatic
    if summary.hypnogram_automatic:
        notes.append(
            "The sleep stages of the recording were scored automatically (YASA), not by a "
            "sleep technologist: its PLMS index rests on an automatic hypnogram."
        )
    return facts, reasons, notes


_TWITCH_FACTS = {
    "hypnic_jerk": ("hypnic_jerks_seen", "hypnic jerk(s) at sleep onset (ICSD-3 sleep starts)"),
    "alma": ("alma_seen", "ALMA train(s) (AASM: >= 4 bursts alternating between the legs)"),
    "hypnagogic_foot_tremor": (
        "hft_seen",
        "hypnagogic foot tremor train(s) (AASM: >= 4 bursts at 0.3-4 Hz)",
    ),
    "tremor": ("tremor_seen", "stretch(es) of rhythmic leg tremor (spectral peak 3-18 Hz)"),
    "long_movement": ("long_movements_seen", "leg movement(s) longer than 10 s"),
}


def _twitch_facts(summary: RecordingSummary, reasons: dict[str, str]) -> dict[str, Any]:
    """Facts on the other twitch kinds (None where the recording did not assess them)."""
    counts = summary.twitches.get("counts", {}) if summary.twitches else {}
    facts: dict[str, Any] = {}
    for kind, (fact, words) in _TWITCH_FACTS.items():
        n = counts.get(kind)
        if not isinstance(n, int) or isinstance(n, bool):
            facts[fact] = None
            continue
        facts[fact] = n > 0
        if n > 0:
            reasons[fact] = f"the recording shows {n} {words}"
    efm = summary.twitches.get("efm", {}) if summary.twitches else {}
    verdict = efm.get("verdict") if isinstance(efm, Mapping) else None
    facts["efm_excessive"] = None if verdict in (None, "not assessed") else verdict == "excessive"
    if verdict == "excessive":
        mins = efm.get("minutes_meeting_rule")
        reasons["efm_excessive"] = (
            "excessive fragmentary myoclonus: "
            + (f"{float(mins):.0f} " if isinstance(mins, int | float) else "")
            + "minutes of NREM sleep with >= 5 potentials per minute (AASM: >= 20 minutes)"
        )
    return facts
