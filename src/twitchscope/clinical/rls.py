"""Restless legs syndrome: IRLSSG 2014 criteria, chronic-persistent specifier, IRLS band.

The criteria, the specifier's numbers and the IRLS bands come from ``rls.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from twitchscope.clinical.knowledge import Knowledge, load_knowledge


@dataclass(frozen=True)
class RlsResult:
    """The RLS picture from the answers.

    Attributes
    ----------
    criteria_met, criteria_not_met, criteria_unanswered : list of str
        Criterion ids (``urge_to_move``, ``worse_at_rest``, ``relieved_by_movement``,
        ``worse_evening_night``, ``not_explained_by_mimic``).
    all_met : bool
        All five criteria met (False also when some are unanswered: see ``status``).
    chronic_persistent : bool or None
        At least 2 days a week over the past year; None when not answered.
    irls_score : int or None
        The IRLS total given (0-40).
    irls_band : str or None
        ``none``, ``mild``, ``moderate``, ``severe``, ``very_severe``; None without a score.
    status : str
        ``met`` (all five met), ``not_met`` (at least one answered as not met) or ``unknown``
        (none answered as not met, but some unanswered): unknown is never "not met".
    criteria : list of dict
        Every criterion as ``{id, text, state}`` (state ``met``, ``not_met`` or ``unknown``),
        in the IRLSSG order, for a table a person can read.
    """

    criteria_met: list[str]
    criteria_not_met: list[str]
    criteria_unanswered: list[str]
    all_met: bool
    chronic_persistent: bool | None
    irls_score: int | None
    irls_band: str | None
    status: str = "unknown"
    criteria: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    def facts(self) -> dict[str, Any]:
        """Facts for rule conditions (``{"rls": "all_met", "is": true}``).

        ``all_met`` is three-valued here: None when the criteria were not all answered and none
        is known to be unmet, so ``{"rls": "all_met", "is": false}`` never fires on skipped
        questions.
        """
        all_met = {"met": True, "not_met": False}.get(self.status)
        return {
            "all_met": all_met,
            "n_met": len(self.criteria_met),
            "chronic_persistent": self.chronic_persistent,
            "irls_band": self.irls_band,
        }


def assess_rls(answers: Mapping[str, Any], knowledge: Knowledge | None = None) -> RlsResult:
    """Apply the IRLSSG 2014 criteria and the IRLS bands to validated answers.

    Parameters
    ----------
    answers : mapping
        Validated answers (missing = not answered).

    Returns
    -------
    RlsResult
        Criteria met / not met / unanswered, ``all_met``, chronic-persistent, IRLS band.
    """
    kb = knowledge or load_knowledge()
    met: list[str] = []
    not_met: list[str] = []
    unanswered: list[str] = []
    for crit in kb.rls["criteria"]:
        value = answers.get(crit["answer"])
        if value is None:
            unanswered.append(crit["id"])
        elif value == crit["met_when"]:
            met.append(crit["id"])
        else:
            not_met.append(crit["id"])
    cp = kb.rls["chronic_persistent"]
    dpw, days = answers.get("days_per_week"), answers.get("duration_days")
    chronic: bool | None = None
    if dpw is not None and days is not None:
        chronic = dpw >= cp["days_per_week_at_least"] and days >= cp["duration_days_at_least"]
    elif dpw is not None and dpw < cp["days_per_week_at_least"]:
        chronic = False
    score = answers.get("irls_score")
    band = None
    if score is not None:
        band = next(b["band"] for b in kb.rls["irls_bands"] if b["min"] <= score <= b["max"])
    status = "not_met" if not_met else ("unknown" if unanswered else "met")
    state = {c: "met" for c in met} | {c: "not_met" for c in not_met}
    table = [
        {"id": c["id"], "text": c["text"], "state": state.get(c["id"], "unknown")}
        for c in kb.rls["criteria"]
    ]
    return RlsResult(
        criteria_met=met,
        criteria_not_met=not_met,
        criteria_unanswered=unanswered,
        all_met=len(met) == len(kb.rls["criteria"]),
        chronic_persistent=chronic,
        irls_score=score,
        irls_band=band,
        status=status,
        criteria=table,
    )
