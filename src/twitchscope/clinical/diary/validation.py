"""Validated diary entries: one symptom episode, or one day's factors.

The vocabularies follow the Consensus Sleep Diary (Carney et al., Sleep 2012) and the
location words of the answers (``clinical/data/questions.json``). Every constructor takes
raw values (strings from a CSV or the command line, or typed Python values) and either returns a
frozen, checked entry or raises :class:`~twitchscope.errors.ValidationError` naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from twitchscope.errors import ValidationError

LOCATIONS: Final[tuple[str, ...]] = (
    "calf",
    "thigh",
    "foot",
    "toe",
    "whole_leg",
    "arm",
    "hand",
    "finger",
    "face",
    "eyelid",
    "tongue",
    "trunk",
    "whole_body",
)
SIDES: Final[tuple[str, ...]] = ("left", "right", "both")
KINDS: Final[tuple[str, ...]] = ("twitch", "jerk", "urge_to_move", "cramp", "tremor", "flicker")
CONTEXTS: Final[tuple[str, ...]] = (
    "falling_asleep",
    "asleep",
    "resting",
    "sitting",
    "after_exercise",
    "daytime",
)

#: Longest episode accepted, seconds (a cramp lasts up to ~10 min; a day is clearly a typo).
MAX_DURATION_S: Final[float] = 24 * 3600.0
MAX_NOTE_CHARS: Final[int] = 2000
MAX_NAME_CHARS: Final[int] = 100
#: Separator of list values (locations, medications) inside one text field or CSV cell.
LIST_SEP: Final[str] = ";"


@dataclass(frozen=True)
class EpisodeEntry:
    """One symptom episode.

    Attributes
    ----------
    start : datetime
        Local clock time the episode started (naive; no time zone).
    duration_s : float or None
        Duration in seconds, None when not noted.
    locations : tuple of str
        Body locations (at least one), words of :data:`LOCATIONS`, sorted and unique.
    side : str or None
        ``left``, ``right`` or ``both``.
    kind : str
        One of :data:`KINDS`.
    intensity : int or None
        0-10.
    context : str or None
        One of :data:`CONTEXTS`.
    note : str
        Free text (may be empty).
    """

    start: datetime
    duration_s: float | None
    locations: tuple[str, ...]
    side: str | None
    kind: str
    intensity: int | None
    context: str | None
    note: str = ""


@dataclass(frozen=True)
class DayEntry:
    """The factors of one diary day; None means "not recorded".

    Attributes
    ----------
    date : date
        The diary day.
    caffeine_cups : float or None
        Cups of coffee, tea or energy drinks.
    alcohol_units : float or None
        Units of alcohol (UK unit, 8 g ethanol).
    stress : int or None
        0-10.
    exercise_minutes : float or None
        Minutes of exercise.
    heavy_exercise : bool or None
        Whether the exercise was heavy (strenuous).
    sleep_hours : float or None
        Hours slept the night before.
    medications : tuple of str or None
        Names of medicines taken that day (empty tuple: none; None: not recorded).
    """

    date: date
    caffeine_cups: float | None = None
    alcohol_units: float | None = None
    stress: int | None = None
    exercise_minutes: float | None = None
    heavy_exercise: bool | None = None
    sleep_hours: float | None = None
    medications: tuple[str, ...] | None = None

    def is_empty(self) -> bool:
        """Return True when no factor is recorded."""
        return all(getattr(self, name) is None for name in DAY_FACTOR_FIELDS)


DAY_FACTOR_FIELDS: Final[tuple[str, ...]] = (
    "caffeine_cups",
    "alcohol_units",
    "stress",
    "exercise_minutes",
    "heavy_exercise",
    "sleep_hours",
    "medications",
)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def parse_datetime(field: str, value: Any) -> datetime:
    """Parse a local clock time: ``YYYY-MM-DD HH:MM[:SS]`` or ISO 8601 without a zone."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                field, f"{value!r} is not a date and time like '2026-11-01 22:30'"
            ) from None
    else:
        raise ValidationError(field, f"expected a date and time, got {type(value).__name__}")
    if parsed.tzinfo is not None:
        raise ValidationError(field, "give the local clock time without a time zone")
    if not 1900 <= parsed.year <= 2200:
        raise ValidationError(field, f"year {parsed.year} is out of range")
    return parsed.replace(microsecond=0)


def parse_date(field: str, value: Any) -> date:
    """Parse a calendar date ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(field, f"{value!r} is not a date like '2026-11-01'") from None
    else:
        raise ValidationError(field, f"expected a date, got {type(value).__name__}")
    if not 1900 <= parsed.year <= 2200:
        raise ValidationError(field, f"year {parsed.year} is out of range")
    return parsed


def parse_number(field: str, value: Any, *, low: float, high: float) -> float | None:
    """Parse an optional finite number within ``[low, high]``; blank gives None."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValidationError(field, "expected a number, got true/false")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValidationError(field, f"{value!r} is not a number") from None
    else:
        raise ValidationError(field, f"expected a number, got {type(value).__name__}")
    if not math.isfinite(number):
        raise ValidationError(field, f"{value!r} is not a finite number")
    if not low <= number <= high:
        raise ValidationError(field, f"{number:g} is outside {low:g}-{high:g}")
    return number


def parse_int(field: str, value: Any, *, low: int, high: int) -> int | None:
    """Parse an optional whole number within ``[low, high]``; blank gives None."""
    number = parse_number(field, value, low=low, high=high)
    if number is None:
        return None
    if not number.is_integer():
        raise ValidationError(field, f"{number:g} is not a whole number")
    return int(number)


def parse_bool(field: str, value: Any) -> bool | None:
    """Parse an optional yes/no: true/false, yes/no, 1/0; blank gives None."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "y", "1"):
            return True
        if text in ("false", "no", "n", "0"):
            return False
    raise ValidationError(field, f"{value!r} is not yes/no (true/false)")


def parse_choice(field: str, value: Any, choices: tuple[str, ...]) -> str | None:
    """Parse an optional word from ``choices``; blank gives None."""
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise ValidationError(field, f"expected one of {', '.join(choices)}")
    word = value.strip().lower().replace("-", "_").replace(" ", "_")
    if word not in choices:
        raise ValidationError(field, f"{value!r} is not one of {', '.join(choices)}")
    return word


def _split(value: Any) -> list[str]:
    if _blank(value):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace(",", LIST_SEP).split(LIST_SEP)]
    if isinstance(value, Iterable):
        items = list(value)
        if not all(isinstance(item, str) for item in items):
            raise TypeError("not all strings")
        return [item.strip() for item in items]
    raise TypeError(type(value).__name__)


def parse_locations(field: str, value: Any) -> tuple[str, ...]:
    """Parse one or more body locations (list, or text separated by ``;`` or ``,``)."""
    try:
        parts = _split(value)
    except TypeError:
        raise ValidationError(field, "expected a list of body locations") from None
    words = [parse_choice(field, part, LOCATIONS) for part in parts if part]
    found = sorted({word for word in words if word is not None})
    if not found:
        raise ValidationError(field, f"give at least one location: {', '.join(LOCATIONS)}")
    return tuple(found)


def parse_medications(field: str, value: Any) -> tuple[str, ...] | None:
    """Parse medication names (list, or text separated by ``;``); ``none`` gives an empty tuple.

    Blank (or None) means not recorded and gives None.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and value.strip() == "":
        return None
    if isinstance(value, str) and value.strip().lower() == "none":
        return ()
    try:
        parts = [part for part in _split(value) if part]
    except TypeError:
        raise ValidationError(field, "expected a list of medicine names") from None
    for part in parts:
        if len(part) > MAX_NAME_CHARS:
            raise ValidationError(field, f"a name is longer than {MAX_NAME_CHARS} characters")
        if any(ord(ch) < 32 for ch in part):
            raise ValidationError(field, "names must not contain control characters")
        if part.lower() == "none":
            raise ValidationError(field, "'none' cannot be combined with medicine names")
    # Case-insensitive order with the exact text as tie-break, so "B" and "b" never depend on
    # set iteration (hash) order.
    return tuple(sorted(set(parts), key=lambda p: (p.lower(), p)))


def _note(field: str, value: Any) -> str:
    if _blank(value):
        return ""
    if not isinstance(value, str):
        raise ValidationError(field, "expected text")
    if len(value) > MAX_NOTE_CHARS:
        raise ValidationError(field, f"longer than {MAX_NOTE_CHARS} characters")
    if "\x00" in value:
        raise ValidationError(field, "contains a NUL character")
    return value.strip()


EPISODE_FIELDS: Final[tuple[str, ...]] = (
    "start",
    "duration_s",
    "locations",
    "side",
    "kind",
    "intensity",
    "context",
    "note",
)


def make_episode(raw: Mapping[str, Any]) -> EpisodeEntry:
    """Build a checked :class:`EpisodeEntry` from raw values keyed by :data:`EPISODE_FIELDS`.

    ``start``, ``locations`` and ``kind`` are required; the rest may be blank.

    Raises
    ------
    ValidationError
        Naming the first field that is missing, unknown or out of range.
    """
    unknown = sorted(set(raw) - set(EPISODE_FIELDS))
    if unknown:
        raise ValidationError(unknown[0], "unknown episode field")
    if _blank(raw.get("start")):
        raise ValidationError("start", "missing: when did the episode start?")
    kind = parse_choice("kind", raw.get("kind"), KINDS)
    if kind is None:
        raise ValidationError("kind", f"missing: one of {', '.join(KINDS)}")
    duration = parse_number("duration_s", raw.get("duration_s"), low=0.0, high=MAX_DURATION_S)
    return EpisodeEntry(
        start=parse_datetime("start", raw["start"]),
        duration_s=duration,
        locations=parse_locations("locations", raw.get("locations")),
        side=parse_choice("side", raw.get("side"), SIDES),
        kind=kind,
        intensity=parse_int("intensity", raw.get("intensity"), low=0, high=10),
        context=parse_choice("context", raw.get("context"), CONTEXTS),
        note=_note("note", raw.get("note")),
    )


DAY_FIELDS: Final[tuple[str, ...]] = ("date", *DAY_FACTOR_FIELDS)


def make_day(raw: Mapping[str, Any]) -> DayEntry:
    """Build a checked :class:`DayEntry` from raw values keyed by :data:`DAY_FIELDS`.

    Ranges: caffeine 0-50 cups, alcohol 0-100 units, stress 0-10, exercise 0-1440 min,
    sleep 0-24 h.

    Raises
    ------
    ValidationError
        Naming the first field that is missing, unknown or out of range.
    """
    unknown = sorted(set(raw) - set(DAY_FIELDS))
    if unknown:
        raise ValidationError(unknown[0], "unknown daily factor")
    if _blank(raw.get("date")):
        raise ValidationError("date", "missing: which day?")
    return DayEntry(
        date=parse_date("date", raw["date"]),
        caffeine_cups=parse_number("caffeine_cups", raw.get("caffeine_cups"), low=0, high=50),
        alcohol_units=parse_number("alcohol_units", raw.get("alcohol_units"), low=0, high=100),
        stress=parse_int("stress", raw.get("stress"), low=0, high=10),
        exercise_minutes=parse_number(
            "exercise_minutes", raw.get("exercise_minutes"), low=0, high=1440
        ),
        heavy_exercise=parse_bool("heavy_exercise", raw.get("heavy_exercise")),
        sleep_hours=parse_number("sleep_hours", raw.get("sleep_hours"), low=0, high=24),
        medications=parse_medications("medications", raw.get("medications")),
    )
