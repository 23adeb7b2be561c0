"""Recording facts on the other twitch kinds (``summary.json`` ``twitches``), for the rules.

Registered with :func:`~twitchscope.clinical.recording_summary.register_recording_facts` when
:mod:`twitchscope.clinical.recording_summary` is imported. A kind the recording did not assess
(no EMG, no hypnogram) gives None, never False.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from twitchscope.clinical.knowledge import Knowledge
from twitchscope.clinical.recording_summary import RecordingSummary, register_recording_facts
from twitchscope.errors import InputFileError

#: kind in ``twitches.counts`` -> (fact, plain words for the reason).
_KINDS: Final[dict[str, tuple[str, str]]] = {
    "hypnic_jerk": ("hypnic_jerks_seen", "hypnic jerk(s) as sleep began (ICSD-3 sleep starts)"),
    "alma": (
        "alma_seen",
        "train(s) of leg muscle bursts alternating between the legs (ALMA, AASM)",
    ),
    "hypnagogic_foot_tremor": (
        "hft_seen",
        "train(s) of foot movements at sleep onset (hypnagogic foot tremor, AASM)",
    ),
    "tremor": ("tremor_seen", "stretch(es) of rhythmic leg tremor (a 3-18 Hz rhythm)"),
    "long_movement": ("long_movements_seen", "leg movement(s) longer than 10 seconds"),
}
TWITCH_FACTS: Final[tuple[str, ...]] = (
    *(fact for fact, _ in _KINDS.values()),
    "efm_excessive",
    "hypnogram_automatic",
)


def _twitches(summary: RecordingSummary) -> Mapping[str, Any]:
    block = summary.extra.get("twitches") or {}
    if not isinstance(block, Mapping) or not isinstance(block.get("counts", {}), Mapping):
        raise InputFileError(summary.source, "key 'twitches': expected an object with 'counts'")
    return block


def twitch_facts(
    summary: RecordingSummary, age: float | None, kb: Knowledge
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Facts, reasons and notes on the twitch kinds and on automatic sleep staging."""
    block = _twitches(summary)
    counts = block.get("counts", {})
    facts: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    notes: list[str] = []
    for kind, (fact, words) in _KINDS.items():
        n = counts.get(kind)
        if isinstance(n, bool) or not isinstance(n, int):
            facts[fact] = None
            continue
        facts[fact] = n > 0
        if n > 0:
            reasons[fact] = f"the recording shows {n} {words}"
    efm = block.get("efm", {})
    verdict = efm.get("verdict") if isinstance(efm, Mapping) else None
    facts["efm_excessive"] = None if verdict in (None, "not assessed") else verdict == "excessive"
    if verdict == "excessive":
        mins = efm.get("minutes_meeting_rule")
        amount = f"{float(mins):.0f} " if isinstance(mins, int | float) else ""
        reasons["efm_excessive"] = (
            f"the recording shows {amount}minutes of NREM sleep with at least 5 very brief "
            "muscle twitches a minute (excessive fragmentary myoclonus: AASM, 20 minutes or more)"
        )
    automatic = summary.extra.get("hypnogram_automatic") is True
    facts["hypnogram_automatic"] = automatic
    if automatic:
        notes.append(
            "The recording's sleep stages were scored automatically (YASA), not by a sleep "
            "technologist: its PLMS index rests on an automatic hypnogram."
        )
    return facts, reasons, notes


register_recording_facts(TWITCH_FACTS, twitch_facts)
