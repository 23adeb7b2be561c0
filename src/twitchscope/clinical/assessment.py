"""The result of an assessment (the assessment contract) and its JSON form."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One finding: what the evidence is consistent with, why, and on what authority.

    Attributes
    ----------
    id : str
        From the finding vocabulary (``restless_legs_syndrome``, ``iron_deficiency`` ...).
    title : str
        Short heading.
    tier : str
        ``emergency``, ``urgent``, ``see_doctor`` or ``self_care`` (highest of its rules).
    summary : str
        One sentence in "consistent with" wording.
    reasons : list of str
        Plain sentences naming the answers, lab values, diary figures or recording indices that
        triggered it.
    sources : list of str
        Citations of the rules that fired.
    rules : list of str
        Ids of the rules that fired.
    source_refs : list of dict
        The same sources as ``{id, short, citation, url}``: a short name to show, the full
        citation to fold under it.
    next_step : str
        What to do, when this finding says more than its tier does ("contact your doctor
        today"); empty otherwise.
    """

    id: str
    title: str
    tier: str
    summary: str
    reasons: list[str]
    sources: list[str]
    rules: list[str] = field(default_factory=list)
    source_refs: list[dict[str, str]] = field(default_factory=list)
    next_step: str = ""


@dataclass(frozen=True)
class Assessment:
    """The clinical picture: triage tier, findings, RLS, tests, self-care, questions.

    ``triage`` is the highest tier any rule reached (``self_care`` when none fired).
    ``unanswered_emergency_questions`` lists emergency question ids not answered: a missing
    answer is never read as "no". ``unknowns`` says in plain words what is not known and could
    change the picture (``{id, text, emergency, matters_for}``); ``rls_relevant`` is False when
    the restless-legs table would only distract (an emergency, or nothing points to restless
    legs); ``tests_to_discuss_plain`` gives each test id its plain label; ``medicines`` lists
    the medicine names recognised (with their generic name and classes) and not recognised.
    """

    triage: str
    next_step: str
    findings: list[Finding]
    rls: dict[str, Any]
    tests_to_discuss: list[str]
    self_care: list[str]
    questions_for_doctor: list[str]
    unanswered_emergency_questions: list[str]
    disclaimer: str
    labs: dict[str, Any] = field(default_factory=dict)
    diary: dict[str, Any] | None = None
    recording: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    knowledge_version: str = ""
    unknowns: list[dict[str, Any]] = field(default_factory=list)
    rls_relevant: bool = False
    tests_to_discuss_plain: list[dict[str, str]] = field(default_factory=list)
    medicines: dict[str, Any] | None = None
    age_group: str = "unknown"

    @property
    def finding_ids(self) -> set[str]:
        """The ids of every finding."""
        return {f.id for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the keys of the assessment contract first."""
        return asdict(self)

    def to_json(self, indent: int = 2) -> str:
        """The assessment as JSON text (UTF-8, units kept as written)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)
