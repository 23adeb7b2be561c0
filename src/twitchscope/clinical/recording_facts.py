"""The names of the recording facts rules may use, and the registry of their providers.

Kept apart from :mod:`twitchscope.clinical.recording_summary` (which computes the facts with the
knowledge base) so that the knowledge base can check its rules' fact names without importing the
module that imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from twitchscope.clinical.knowledge import Knowledge
    from twitchscope.clinical.recording_summary import RecordingSummary

#: One provider: (summary, age in years or None, knowledge) -> (facts, reasons, notes).
FactProvider = Callable[
    ["RecordingSummary", "float | None", "Knowledge"],
    tuple[dict[str, Any], dict[str, str], list[str]],
]

#: The built-in recording facts (from the PLMS index; see ``recording_summary._plm_facts``).
PLM_FACTS: Final[tuple[str, ...]] = (
    "plms_above_cutoff",
    "plm_rate_above_cutoff_unstaged",
    "plms_index",
    "staged",
)

_EXTRA: list[tuple[tuple[str, ...], FactProvider]] = []


def recording_fact_names() -> tuple[str, ...]:
    """Every recording fact name a rule may use."""
    return PLM_FACTS + tuple(n for names, _ in _EXTRA for n in names)


def extra_providers() -> tuple[tuple[tuple[str, ...], FactProvider], ...]:
    """The providers added with :func:`register_recording_facts`, in order."""
    return tuple(_EXTRA)


def register_recording_facts(names: tuple[str, ...], provider: FactProvider) -> None:
    """Add a provider of recording facts that rules may name.

    Parameters
    ----------
    names : tuple of str
        The fact names the provider returns (checked against the rules that use them).
    provider : callable
        ``(summary, age_years_or_None, knowledge) -> (facts, reasons, notes)``; ``facts`` maps
        each name to a value (None when the recording cannot tell), ``reasons`` maps a name to
        a plain sentence, ``notes`` are shown with the assessment.
    """
    taken = set(recording_fact_names())
    clash = taken & set(names)
    if clash:
        raise ValueError(f"recording facts already provided: {sorted(clash)}")
    _EXTRA.append((tuple(names), provider))
