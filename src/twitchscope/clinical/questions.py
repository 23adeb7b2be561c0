"""The answer schema: one :class:`Question` per answer id of the assessment's answer contract.

The questions live in ``clinical/data/questions.json``; the terminal questionnaire renders them and
the answer validator checks against them, so the file is the single source of truth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Final, Literal

Kind = Literal["bool", "int", "float", "choice", "multi", "list_str", "labs"]
KINDS: Final[tuple[str, ...]] = ("bool", "int", "float", "choice", "multi", "list_str", "labs")


@dataclass(frozen=True)
class Question:
    """One question of the assessment and the rules for its answer.

    Attributes
    ----------
    id : str
        The answer key (e.g. ``"age"``).
    text : str
        The question as asked.
    kind : str
        ``bool``, ``int``, ``float``, ``choice`` (one of ``choices``), ``multi`` (a list of
        ``choices``), ``list_str`` (a list of free words) or ``labs`` (lab values).
    choices : tuple of str
        Allowed words for ``choice`` and ``multi``; empty otherwise.
    min, max : float or None
        Inclusive bounds of a number answer, in ``unit``.
    emergency : bool
        True for the questions asked and shown first (red flags for emergency help).
    section : str
        Group the question belongs to (``emergency``, ``about_you``, ``symptoms`` ...).
    help : str
        One line of explanation.
    order : int
        Position in the questionnaire (emergency questions first).
    unit : str
        Unit of a number answer (``"years"``, ``"days"`` ...); empty when none.
    ask_if : tuple or None
        ``(question_id, allowed_answers)``: ask only when that answer is one of these.
    say : str
        How a number answer reads in a reason, with ``{value}`` (``"aged {value}"``); a value
        in days is written out ("about a year and a half").
    choice_labels : tuple of (str, str)
        Plain words for each choice (``("whole_leg", "whole leg")``).
    """

    id: str
    text: str
    kind: Kind
    choices: tuple[str, ...]
    min: float | None
    max: float | None
    emergency: bool
    section: str
    help: str
    order: int
    unit: str = ""
    ask_if: tuple[str, tuple[str, ...]] | None = None
    say: str = ""
    choice_labels: tuple[tuple[str, str], ...] = ()

    def choice_label(self, choice: str) -> str:
        """The plain words for a choice (the choice itself, underscores as spaces, if none)."""
        return dict(self.choice_labels).get(choice, choice.replace("_", " "))


def _question(raw: dict[str, Any]) -> Question:
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"questions.json: question {raw.get('id')!r} has unknown kind {kind!r}")
    ask_if = raw.get("ask_if")
    return Question(
        id=str(raw["id"]),
        text=str(raw["text"]),
        kind=kind,
        choices=tuple(str(c) for c in raw.get("choices", ())),
        min=None if raw.get("min") is None else float(raw["min"]),
        max=None if raw.get("max") is None else float(raw["max"]),
        emergency=bool(raw.get("emergency", False)),
        section=str(raw["section"]),
        help=str(raw.get("help", "")),
        order=int(raw["order"]),
        unit=str(raw.get("unit", "")),
        ask_if=None if ask_if is None else (str(ask_if[0]), tuple(str(v) for v in ask_if[1])),
        say=str(raw.get("say", "")),
        choice_labels=tuple((str(k), str(v)) for k, v in raw.get("choice_labels", {}).items()),
    )


@lru_cache(maxsize=1)
def _load() -> tuple[str, tuple[Question, ...]]:
    text = (
        resources.files("twitchscope.clinical")
        .joinpath("data/questions.json")
        .read_text(encoding="utf-8")
    )
    doc = json.loads(text)
    questions = tuple(sorted((_question(q) for q in doc["questions"]), key=lambda q: q.order))
    return str(doc["version"]), questions


QUESTIONS_VERSION: Final[str] = _load()[0]
#: Every question in questionnaire order (emergency questions first).
QUESTIONS: Final[tuple[Question, ...]] = _load()[1]
#: Questions by id.
QUESTIONS_BY_ID: Final[dict[str, Question]] = {q.id: q for q in QUESTIONS}


def emergency_questions() -> tuple[Question, ...]:
    """Return the emergency questions in the order they are asked."""
    return tuple(q for q in QUESTIONS if q.emergency)


def get_question(question_id: str) -> Question:
    """Return the question with this id.

    Raises
    ------
    KeyError
        If no question has this id.
    """
    return QUESTIONS_BY_ID[question_id]
