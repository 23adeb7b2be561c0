"""Validation of a person's answers against the schema of ``questions.json``.

Unknown keys, wrong types and impossible values are :class:`~twitchscope.errors.ValidationError`
naming the field. A missing key (or ``null``) means "not answered": it is left out of the
validated answers and never read as "no".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from twitchscope.clinical.jsonfile import read_json_object
from twitchscope.clinical.labs import parse_labs
from twitchscope.clinical.questions import QUESTIONS, QUESTIONS_BY_ID, Question
from twitchscope.clinical.suggest import suggest
from twitchscope.errors import ValidationError

MAX_LIST_ITEMS: Final[int] = 100
MAX_TEXT_CHARS: Final[int] = 200


def validate_answers(answers: Mapping[str, Any] | str | Path) -> dict[str, Any]:
    """Check answers against the contract and return them normalised.

    Parameters
    ----------
    answers : mapping, or str / Path of a JSON file
        Question id -> answer (the ids of ``clinical/data/questions.json``). ``labs`` holds
        test -> value and unit.

    Returns
    -------
    dict
        Only the answered questions: booleans, ints, floats, words and lists of words; ``labs``
        as parsed lab entries (value and unit, not yet converted).

    Raises
    ------
    ValidationError
        An unknown key (with the nearest known id), a wrong type or an impossible value; the
        field is named (``"age"``, ``"labs.ferritin.unit"``).
    InputFileError
        A file that cannot be read or is not a JSON object (named with the line).
    """
    if isinstance(answers, str | Path):
        path = Path(answers)
        try:
            return validate_answers(read_json_object(path, "answers"))
        except ValidationError as exc:
            raise ValidationError(exc.field, f"{exc.problem} (in {path})") from None
    if not isinstance(answers, Mapping):
        raise ValidationError("answers", f"expected an object, got {type(answers).__name__}")
    ids = tuple(QUESTIONS_BY_ID)
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if not isinstance(key, str) or key not in QUESTIONS_BY_ID:
            raise ValidationError(str(key), "unknown question id" + suggest(str(key), ids))
        if value is None:
            continue
        out[key] = _value(QUESTIONS_BY_ID[key], value)
    _cross_checks(out)
    return {q.id: out[q.id] for q in QUESTIONS if q.id in out}


def _value(q: Question, value: Any) -> Any:
    kind = q.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValidationError(q.id, f"expected true or false, got {value!r}")
        return value
    if kind in ("int", "float"):
        return _number(q, value)
    if kind == "choice":
        if not isinstance(value, str) or value not in q.choices:
            raise ValidationError(
                q.id, f"expected one of {', '.join(q.choices)}; got {value!r}" + _hint(value, q)
            )
        return value
    if kind == "multi":
        items = _list(q, value)
        for item in items:
            if not isinstance(item, str) or item not in q.choices:
                raise ValidationError(
                    q.id, f"{item!r} is not one of {', '.join(q.choices)}" + _hint(item, q)
                )
        return list(dict.fromkeys(items))
    if kind == "list_str":
        items = _list(q, value)
        for item in items:
            if not isinstance(item, str) or not item.strip() or len(item) > MAX_TEXT_CHARS:
                raise ValidationError(
                    q.id, f"each entry must be a non-empty name under {MAX_TEXT_CHARS} characters"
                )
        return [item.strip() for item in items]
    return parse_labs(value, field="labs")


def _hint(value: Any, q: Question) -> str:
    return suggest(value, q.choices) if isinstance(value, str) else ""


def _list(q: Question, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError(q.id, f"expected a list, got {type(value).__name__}")
    if len(value) > MAX_LIST_ITEMS:
        raise ValidationError(q.id, f"more than {MAX_LIST_ITEMS} entries")
    return value


def _number(q: Question, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(q.id, f"expected a number, got {value!r}")
    if not math.isfinite(value):
        raise ValidationError(q.id, f"expected a finite number, got {value!r}")
    if q.kind == "int":
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError(q.id, f"expected a whole number, got {value!r}")
        value = int(value)
    else:
        value = float(value)
    unit = f" {q.unit}" if q.unit else ""
    if q.min is not None and value < q.min:
        raise ValidationError(q.id, f"{value:g}{unit} is impossible: the minimum is {q.min:g}")
    if q.max is not None and value > q.max:
        raise ValidationError(q.id, f"{value:g}{unit} is impossible: the maximum is {q.max:g}")
    return value


def _cross_checks(out: Mapping[str, Any]) -> None:
    weeks = out.get("pregnancy_weeks")
    if weeks and out.get("sex") == "male":
        raise ValidationError("pregnancy_weeks", f"{weeks} weeks of pregnancy with sex 'male'")
    q = QUESTIONS_BY_ID["pregnancy_weeks"]
    if weeks and q.ask_if is not None and out.get("sex") not in (*q.ask_if[1], None):
        raise ValidationError("pregnancy_weeks", f"pregnancy with sex {out.get('sex')!r}")
