"""The questionnaire as web forms, built from ``clinical/data/questions.json``.

Pages are the questions' sections in questionnaire order (emergency first); a question is drawn
by its kind (yes/no, number, one choice, several choices, free names) and read back from the
submitted form. Nothing here lists question ids: new questions in the data file appear on their
section's page without a change here. "Not answered" is always a choice, and is never read as
"no".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from twitchscope.clinical.questions import QUESTIONS, Question
from twitchscope.errors import ValidationError

LABS_SECTION: Final[str] = "labs"
#: Headings of known sections; others are shown by their id in words.
SECTION_TITLES: Final[dict[str, str]] = {
    "emergency": "First, the urgent questions",
    "about_you": "About you",
    "symptoms": "Where, what and when",
    "urgent_signs": "Other signs",
    "rls": "The urge to move",
    "sleep": "Sleep",
    "context": "Medicines, habits and health",
    "labs": "Blood tests",
}
_NONE_WORDS: Final[frozenset[str]] = frozenset({"none", "nothing", "no"})


@dataclass(frozen=True)
class Section:
    """One page of the questionnaire."""

    id: str
    title: str
    questions: tuple[Question, ...]

    @property
    def is_emergency(self) -> bool:
        """Whether this is the page of emergency questions."""
        return any(q.emergency for q in self.questions)


def words(text: str) -> str:
    """An id shown as words: ``whole_leg`` -> ``whole leg``."""
    return text.replace("_", " ")


def sections() -> list[Section]:
    """Every page in questionnaire order (by the first question's order)."""
    groups: dict[str, list[Question]] = {}
    for q in QUESTIONS:
        groups.setdefault(q.section, []).append(q)
    ordered = sorted(groups.items(), key=lambda kv: min(q.order for q in kv[1]))
    return [
        Section(sid, SECTION_TITLES.get(sid, words(sid).capitalize()), tuple(qs))
        for sid, qs in ordered
    ]


def section_by_id(section_id: str) -> Section | None:
    """The page with this id, or None."""
    return next((s for s in sections() if s.id == section_id), None)


def question_pages() -> list[Section]:
    """The pages drawn as question forms (the lab page has its own form)."""
    return [s for s in sections() if not all(q.kind == "labs" for q in s.questions)]


def hint(q: Question) -> str:
    """A short line on what the answer looks like (range and unit)."""
    if q.kind in ("int", "float"):
        parts = []
        if q.min is not None and q.max is not None:
            parts.append(f"{q.min:g}-{q.max:g}")
        if q.unit:
            parts.append(q.unit)
        return " ".join(parts)
    if q.kind == "list_str":
        return "one per line; write 'none' if you take none"
    return ""


def display_value(q: Question, value: Any) -> str:
    """An answer shown as text for people."""
    if value is None:
        return "not answered"
    if q.kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(words(str(v)) for v in value) if value else "none"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return words(str(value))


def form_value(q: Question, value: Any) -> Any:
    """An answer as the form control shows it (``yes``/``no``/'' for booleans, text for lists)."""
    if value is None:
        return [] if q.kind == "multi" else ""
    if q.kind == "bool":
        return "yes" if value else "no"
    if q.kind == "list_str":
        return "\n".join(value) if value else "none"
    if q.kind in ("int", "float"):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return value


def _number(q: Question, text: str) -> float | int:
    t = text.strip().replace(",", ".")
    try:
        number = float(t)
    except ValueError:
        raise ValidationError(q.id, f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValidationError(q.id, f"{text!r} is not a number")
    if q.kind == "int":
        if not number.is_integer():
            raise ValidationError(q.id, f"{text!r} is not a whole number")
        return int(number)
    return number


def read_answer(q: Question, form: Any) -> tuple[Any, Any]:
    """The answer to ``q`` in a submitted form: ``(value or None, raw form value)``.

    ``form`` is a Starlette ``FormData`` (``get`` and ``getlist``). None means "not answered".

    Raises
    ------
    ValidationError
        When the text cannot be read as this kind of answer.
    """
    if q.kind == "multi":
        picked = [str(v) for v in form.getlist(q.id) if isinstance(v, str)]
        if picked:
            return picked, picked
        return ([], []) if form.get(f"{q.id}__none") == "1" else (None, [])
    raw = form.get(q.id)
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return None, ""
    if q.kind == "bool":
        if text not in ("yes", "no"):
            raise ValidationError(q.id, "choose yes, no or not answered")
        return text == "yes", text
    if q.kind in ("int", "float"):
        return _number(q, text), text
    if q.kind == "choice":
        return text, text
    if q.kind == "list_str":
        items = [p.strip() for line in text.splitlines() for p in line.split(",") if p.strip()]
        if len(items) == 1 and items[0].lower() in _NONE_WORDS:
            return [], text
        return items, text
    raise ValidationError(q.id, f"questions of kind {q.kind} are not on this page")


def merge_section(
    saved: Mapping[str, Any], section: Section, form: Any
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Merge one submitted page into the saved answers, question by question.

    Returns
    -------
    answers : dict
        The saved answers with every acceptable answer of this page taken in (an answer
        cleared on the page is removed; a refused one keeps its saved value).
    errors : dict
        Question id -> why its answer was refused.
    raw : dict
        What was typed for each question of the page (shown again next to an error).
    """
    from twitchscope.clinical.answers import validate_answers

    answers = dict(saved)
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    for q in section.questions:
        if q.kind == "labs":
            continue
        try:
            value, raw[q.id] = read_answer(q, form)
        except ValidationError as exc:
            raw[q.id] = form.get(q.id, "")
            errors[q.id] = exc.problem
            continue
        if value is None:
            answers.pop(q.id, None)
            continue
        if q.ask_if is not None:
            given = answers.get(q.ask_if[0])
            if given is not None and given not in q.ask_if[1]:
                answers.pop(q.id, None)  # the question does not apply
                continue
        trial = {**answers, q.id: value}
        try:
            validated = validate_answers(trial)
        except ValidationError as exc:
            errors[q.id] = exc.problem if exc.field == q.id else str(exc)
            continue
        answers[q.id] = validated.get(q.id, value)
    return answers, errors, raw


def emergency_yes(answers: Mapping[str, Any]) -> list[Question]:
    """The emergency questions answered "yes"."""
    return [q for q in QUESTIONS if q.emergency and answers.get(q.id) is True]


def unanswered_emergency(answers: Mapping[str, Any]) -> list[Question]:
    """The emergency questions not answered (never taken as "no")."""
    return [q for q in QUESTIONS if q.emergency and answers.get(q.id) is None]


def progress(answers: Mapping[str, Any]) -> tuple[int, int]:
    """(answered, total) questions."""
    qs = [q for q in QUESTIONS if q.kind != "labs"]
    return sum(1 for q in qs if answers.get(q.id) is not None), len(qs)


def usable_answers(saved: Mapping[str, Any]) -> dict[str, Any]:
    """Saved answers the installed question set accepts, one by one.

    Answers saved under an older question set may name a question that is gone or hold a value
    it no longer allows; those are left out (kept in the store) instead of blocking the picture.
    """
    from twitchscope.clinical.answers import validate_answers
    from twitchscope.clinical.questions import QUESTIONS_BY_ID

    out: dict[str, Any] = {}
    for key, value in saved.items():
        if key not in QUESTIONS_BY_ID:
            continue
        try:
            validate_answers({**out, key: value})
        except ValidationError:
            continue
        out[key] = value
    return out
