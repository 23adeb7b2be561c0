"""The clinical picture: answers, lab values, diary patterns and a recording -> an assessment.

>>> a = assess({"age": 30, "kind": ["twitch"], "weakness": False})  # doctest: +SKIP
>>> a.triage, [f.id for f in a.findings]                             # doctest: +SKIP

Every rule is data (``clinical/data/*.json``) with its source and rationale; see
:func:`load_knowledge`.
"""

from __future__ import annotations

from twitchscope.clinical.answers import validate_answers
from twitchscope.clinical.assessment import Assessment, Finding
from twitchscope.clinical.engine import assess
from twitchscope.clinical.knowledge import Knowledge, KnowledgeBaseError, load_knowledge
from twitchscope.clinical.labs import LabReport, LabResult, convert, interpret_labs
from twitchscope.clinical.questions import QUESTIONS, Question, emergency_questions
from twitchscope.clinical.recording_summary import RecordingSummary, load_recording_summary
from twitchscope.clinical.rls import RlsResult, assess_rls
from twitchscope.clinical.twitch_facts import TWITCH_FACTS  # registers its recording facts

__all__ = [
    "QUESTIONS",
    "TWITCH_FACTS",
    "Assessment",
    "Finding",
    "Knowledge",
    "KnowledgeBaseError",
    "LabReport",
    "LabResult",
    "Question",
    "RecordingSummary",
    "RlsResult",
    "assess",
    "assess_rls",
    "convert",
    "emergency_questions",
    "interpret_labs",
    "load_knowledge",
    "load_recording_summary",
    "validate_answers",
]
