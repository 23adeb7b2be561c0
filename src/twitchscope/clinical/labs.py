"""Lab values: units, exact conversion, flags against sourced limits (all from ``labs.json``).

Input is ``{"ferritin": {"value": 32, "unit": "ng/mL"}, ...}``. Units are matched case- and
space-insensitively (``µg/L`` = ``ug/L`` = ``mcg/L``); an unknown unit, or one that does not fit
the test, is a :class:`~twitchscope.errors.ValidationError` listing the accepted units.

Every limit is stored in the unit its source gives it in; where a source gives a limit in two
units (the ADA's 126 mg/dL and 7.0 mmol/L), a value entered in one of them is compared with the
limit in that unit. Otherwise the value is converted into the limit's unit with exact rational
arithmetic (no floating-point rounding), so a value on a limit lands where the source says.
A limit may apply to a population (children by age, women, men, pregnancy; WHO 2011 anaemia
limits): the first entry of a flag whose population matches is used, an unknown sex or
pregnancy falls to the stricter limit with a note, and an unknown age counts as adult with a
note. Critical limits (results laboratories telephone the same day) form a band beyond low/high.
Reasons are plain sentences: "ferritin (iron stores) 18 µg/L is low: low iron stores (from 15 to
under 30 µg/L)".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from twitchscope.clinical.conditions import Facts, evaluate
from twitchscope.clinical.jsonfile import read_json_object
from twitchscope.clinical.knowledge import Knowledge, load_knowledge
from twitchscope.errors import ValidationError

ENTRY_KEYS: Final[tuple[str, ...]] = ("value", "unit", "date")
_BOUND_OPS: Final[tuple[str, ...]] = ("ge", "gt", "le", "lt")
#: Age assumed for choosing limits when age was not answered (an adult; the note says so).
_ADULT_AGE: Final[int] = 18


@dataclass(frozen=True)
class LabFlag:
    """One limit a lab value crossed.

    Attributes
    ----------
    id : str
        Flag id from ``labs.json`` (``low``, ``critical_high``, ``rls_iron_threshold_adult`` ...).
    label : str
        What it means in plain words (``"low: no iron stores"``).
    abnormal : bool
        True for an out-of-range value; False for decision thresholds (e.g. the RLS iron level).
    reason : str
        The plain sentence naming value, unit and limit.
    critical : bool
        True for a critical result (telephoned by laboratories the same day).
    sources : tuple of str
        Source ids of the limit.
    """

    id: str
    label: str
    abnormal: bool
    reason: str
    critical: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabResult:
    """One interpreted lab value (``value`` in the canonical ``unit``, for display)."""

    test: str
    title: str
    value: float
    unit: str
    entered_value: float
    entered_unit: str
    flags: tuple[LabFlag, ...] = ()
    caveats: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    corrected_value: float | None = None
    plain_title: str = ""
    unknowns: tuple[str, ...] = ()
    entered_text: str = ""

    @property
    def abnormal(self) -> bool:
        """True when a flag marks the value as outside the range."""
        return any(f.abnormal for f in self.flags)

    @property
    def critical(self) -> bool:
        """True when the value is at a critical level."""
        return any(f.critical for f in self.flags)

    @property
    def flag_ids(self) -> set[str]:
        """Ids of the flags and caveats that hold."""
        return {f.id for f in self.flags} | {c for c, _ in self.caveats}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out = asdict(self)
        out["flags"] = [asdict(f) | {"sources": list(f.sources)} for f in self.flags]
        out["caveats"] = [text for _, text in self.caveats]
        out["notes"] = list(self.notes)
        out["unknowns"] = list(self.unknowns)
        out["abnormal"] = self.abnormal
        out["critical"] = self.critical
        return out


@dataclass(frozen=True)
class LabReport:
    """Every interpreted lab value, by test, plus notes on the whole set."""

    results: dict[str, LabResult] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "results": {k: v.to_dict() for k, v in self.results.items()},
            "notes": list(self.notes),
        }


def normalise_unit(unit: str) -> str:
    """Fold a unit for matching: lower case, no spaces, µ/μ/mc -> u, ² -> 2."""
    u = unit.strip().lower().replace(" ", "").replace("µ", "u").replace("μ", "u")
    u = u.replace("²", "2").replace("mcg", "ug").replace("mcmol", "umol")
    return u


def exact(x: Any) -> Fraction:
    """A number as an exact fraction of the decimal it was written as (``0.1`` -> 1/10).

    Floats are taken through their shortest round-trip text, which is the decimal written in a
    JSON file or typed by a person, so ``7.0`` is exactly 7 and ``5.6`` exactly 28/5.
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(x, int | Decimal):
        return Fraction(x)
    if isinstance(x, float):
        return Fraction(repr(x))
    return Fraction(str(x))


def _num(x: Fraction | float, digits: int = 6) -> str:
    """A number for a sentence: no trailing zeros, at most ``digits`` significant digits."""
    value = float(x)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def _unit_key(spec: Mapping[str, Any], unit: str) -> str | None:
    wanted = normalise_unit(unit)
    return next((name for name in spec["units"] if normalise_unit(name) == wanted), None)


def _scale(spec: Mapping[str, Any], unit_key: str) -> tuple[Fraction, Fraction]:
    """``(multiplier, offset)`` with canonical = (value + offset) x multiplier."""
    conv = spec["units"][unit_key]
    mult = 1 / exact(conv["divide_by"]) if "divide_by" in conv else exact(conv["factor"])
    return mult, exact(conv.get("offset_before", 0))


def to_canonical(spec: Mapping[str, Any], value: Fraction, unit_key: str) -> Fraction:
    """Exact conversion of ``value`` in ``unit_key`` to the test's canonical unit."""
    mult, off = _scale(spec, unit_key)
    return (value + off) * mult


def from_canonical(spec: Mapping[str, Any], value: Fraction, unit_key: str) -> Fraction:
    """Exact conversion of a canonical ``value`` into ``unit_key``."""
    mult, off = _scale(spec, unit_key)
    return value / mult - off


def _same_scale(spec: Mapping[str, Any], a: str, b: str) -> bool:
    return _scale(spec, a) == _scale(spec, b)


def parse_labs(
    labs: Any, *, field: str = "labs", knowledge: Knowledge | None = None
) -> dict[str, dict[str, Any]]:
    """Check the shape, test names, units and plausibility of lab entries.

    Parameters
    ----------
    labs : mapping
        Test name -> ``{"value": number, "unit": str}`` (optional ``"date"``).
    field : str
        Prefix for error field names.

    Returns
    -------
    dict
        Test -> ``{"value": float, "unit": str}`` as entered (not converted).

    Raises
    ------
    ValidationError
        Unknown test (nearest name suggested), bad structure, non-number value, unknown unit or
        a unit wrong for the test (accepted units listed), or an impossible value.
    """
    from twitchscope.clinical.suggest import suggest

    kb = knowledge or load_knowledge()
    tests = kb.labs["tests"]
    if not isinstance(labs, Mapping):
        raise ValidationError(field, f"expected an object of test -> value, got {labs!r}")
    out: dict[str, dict[str, Any]] = {}
    for name, entry in labs.items():
        where = f"{field}.{name}"
        if name not in tests:
            raise ValidationError(
                where,
                "unknown test; known tests: " + ", ".join(tests) + suggest(str(name), list(tests)),
            )
        if not isinstance(entry, Mapping):
            raise ValidationError(where, 'expected {"value": number, "unit": "..."}')
        extra = [k for k in entry if k not in ENTRY_KEYS]
        if extra:
            raise ValidationError(f"{where}.{extra[0]}", "unknown key; use value, unit, date")
        value, unit = entry.get("value"), entry.get("unit")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValidationError(f"{where}.value", f"expected a finite number, got {value!r}")
        if not isinstance(unit, str) or not unit.strip():
            raise ValidationError(
                f"{where}.unit", "missing unit; accepted: " + _accepted(tests[name])
            )
        canonical = convert(name, float(value), unit, knowledge=kb, field=where)
        lo, hi = tests[name]["plausible"]["min"], tests[name]["plausible"]["max"]
        if not lo <= canonical <= hi:
            raise ValidationError(
                f"{where}.value",
                f"{_num(value)} {unit} is impossible for {name} "
                f"(plausible {lo:g}-{hi:g} {tests[name]['unit']})",
            )
        out[name] = {"value": float(value), "unit": unit}
    return out


def _accepted(test: Mapping[str, Any]) -> str:
    return ", ".join(test["units"])


def convert(
    test: str,
    value: float,
    unit: str,
    *,
    knowledge: Knowledge | None = None,
    field: str | None = None,
) -> float:
    """Convert a value of ``test`` from ``unit`` to the test's canonical unit (for display).

    The conversion is exact; a unit with ``round_digits`` (HbA1c in %) is rounded as
    laboratories report it.

    Raises
    ------
    ValidationError
        The unit is unknown or wrong for this test (the accepted units are listed).
    """
    kb = knowledge or load_knowledge()
    spec = kb.labs["tests"][test]
    key = _unit_key(spec, unit)
    if key is None:
        raise ValidationError(
            f"{field or 'labs.' + test}.unit",
            f"unit {unit!r} is unknown or wrong for {test}; accepted: {_accepted(spec)}",
        )
    out = float(to_canonical(spec, exact(value), key))
    digits = spec["units"][key].get("round_digits")
    return out if digits is None else round(out, int(digits))


# --- populations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Who:
    """The person a limit is chosen for (age None = not answered, treated as an adult)."""

    age: float | None
    sex: str | None
    pregnant: bool | None


def _population(pop: Mapping[str, Any] | None, who: _Who) -> bool | None:
    if not pop:
        return True
    age = _ADULT_AGE if who.age is None else who.age
    results: list[bool | None] = []
    if "age_min" in pop:
        results.append(age >= float(pop["age_min"]))
    if "age_below" in pop:
        results.append(age < float(pop["age_below"]))
    if "sex" in pop:
        results.append(None if who.sex is None else who.sex in pop["sex"])
    if "pregnant" in pop:
        results.append(None if who.pregnant is None else who.pregnant == pop["pregnant"])
    if any(r is False for r in results):
        return False
    return None if any(r is None for r in results) else True


def _choose(
    entries: list[Mapping[str, Any]], who: _Who, notes: list[str]
) -> Mapping[str, Any] | None:
    for entry in entries:
        fits = _population(entry.get("for"), who)
        if fits is True:
            return entry
        if fits is None and entry.get("if_unknown"):
            notes.append(str(entry["if_unknown"]))
    return None


# --- limits ---------------------------------------------------------------------------------


def _limits(spec: Mapping[str, Any], flag: Mapping[str, Any], op: str) -> dict[str, Fraction]:
    raw = flag[op]
    if isinstance(raw, Mapping):
        return {str(u): exact(v) for u, v in raw.items()}
    return {str(flag.get("unit", spec["unit"])): exact(raw)}


def _compare_unit(spec: Mapping[str, Any], limits: Mapping[str, Fraction], entered: str) -> str:
    """The unit to compare in: the entered unit when the source gives the limit in it."""
    for unit in limits:
        if normalise_unit(unit) == normalise_unit(entered):
            return unit
    return next(iter(limits))


_WORDS: Final[dict[str, str]] = {
    "lt": "below {a}",
    "le": "{a} or less",
    "gt": "above {a}",
    "ge": "{a} or more",
}


def _limit_words(parts: list[tuple[str, str]], unit: str) -> str:
    ops = dict(parts)
    if len(parts) == 2:
        lower = ops.get("ge") or ops.get("gt")
        upper = ops.get("lt") or ops.get("le")
        start = "from " if "ge" in ops else "above "
        joint = " to under " if "lt" in ops else " up to "
        return f"{start}{lower}{joint}{upper} {unit}"
    op, a = parts[0]
    return _WORDS[op].format(a=f"{a} {unit}")


def _flag(
    spec: Mapping[str, Any],
    flag: Mapping[str, Any],
    judged: Fraction,
    entered_unit_key: str,
    shown: str,
    *,
    say_converted: bool = True,
) -> LabFlag | None:
    parts: list[tuple[str, str]] = []
    word_unit = ""
    converted = ""
    for op in _BOUND_OPS:
        if op not in flag:
            continue
        limits = _limits(spec, flag, op)
        unit = _compare_unit(spec, limits, entered_unit_key)
        ukey = _unit_key(spec, unit)
        if ukey is None:
            raise ValueError(f"labs.json: limit unit {unit!r} is not a unit of the test")
        value = from_canonical(spec, judged, ukey)
        limit = limits[unit]
        holds = {
            "lt": value < limit,
            "le": value <= limit,
            "gt": value > limit,
            "ge": value >= limit,
        }
        if not holds[op]:
            return None
        if _same_scale(spec, ukey, entered_unit_key):
            # Same scale (e.g. ng/mL and µg/L): say the limit in the unit the person used.
            word_unit = entered_unit_key
        else:
            word_unit = unit
            if say_converted:
                converted = f" (about {_num(value, 4)} {unit})"
        parts.append((op, _num(limit)))
    label = str(flag["label"])
    reason = f"{shown}{converted} is {label} ({_limit_words(parts, word_unit)})"
    if flag.get("says"):
        reason += f": {flag['says']}"
    sources = flag.get("source", [])
    return LabFlag(
        id=str(flag["id"]),
        label=label,
        abnormal=bool(flag["abnormal"]),
        reason=reason,
        critical=bool(flag.get("critical", False)),
        sources=(sources,) if isinstance(sources, str) else tuple(sources),
    )


def _groups(spec: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for f in spec["flags"]:
        groups.setdefault(str(f["id"]), []).append(f)
    return groups


def interpret_labs(
    labs: Mapping[str, Any] | str | Path,
    *,
    sex: str | None = None,
    age: float | None = None,
    answers: Mapping[str, Any] | None = None,
    knowledge: Knowledge | None = None,
) -> LabReport:
    """Convert and flag lab values.

    Parameters
    ----------
    labs : mapping or path of a JSON file
        Test -> ``{"value": number, "unit": str}``.
    sex : {"female", "male", "other"} or None
        For sex-specific limits; taken from ``answers`` when not given.
    age : float or None
        Years, for children's limits; taken from ``answers``. Not answered: adult limits.
    answers : mapping, optional
        Validated answers: pregnancy (``pregnancy_weeks``) for the pregnancy limit, and the
        caveats (e.g. a recent fever makes ferritin unreliable).

    Returns
    -------
    LabReport
        One :class:`LabResult` per test: flags with plain reasons, notes, and what could not
        be judged (no limit for this age).
    """
    kb = knowledge or load_knowledge()
    if isinstance(labs, str | Path):
        labs = read_json_object(labs, "lab values")
    parsed = parse_labs(labs, knowledge=kb)
    answers = dict(answers or {})
    sex = sex if sex is not None else answers.get("sex")
    age = age if age is not None else answers.get("age")
    weeks = answers.get("pregnancy_weeks")
    who = _Who(age=age, sex=sex, pregnant=None if weeks is None else weeks >= 1)
    notes: list[str] = []
    if age is None and parsed:
        notes.append("Age not answered: adult limits were used.")
    tests = kb.labs["tests"]
    canon = {
        t: to_canonical(tests[t], exact(e["value"]), str(_unit_key(tests[t], e["unit"])))
        for t, e in parsed.items()
    }
    facts = Facts(answers=answers)
    results: dict[str, LabResult] = {}
    for test, entry in parsed.items():
        spec = tests[test]
        ukey = str(_unit_key(spec, entry["unit"]))
        plain = str(spec.get("plain", spec["title"]))
        shown = f"{plain} {_num(exact(entry['value']))} {ukey}"
        corrected, tnotes = _albumin(test, canon, kb)
        judged = canon[test] if corrected is None else corrected
        if corrected is not None:
            shown = (
                f"{shown}, adjusted for albumin {_num(exact(parsed['albumin']['value']))} "
                f"{parsed['albumin']['unit']} to {_num(corrected, 4)} {spec['unit']}"
            )
        local_notes: list[str] = []
        unknowns: list[str] = []
        flags: list[LabFlag] = []
        for entries in _groups(spec).values():
            chosen = _choose(entries, who, local_notes)
            if chosen is None:
                if spec.get("no_limit_note") and any(e.get("abnormal") for e in entries):
                    unknowns.append(str(spec["no_limit_note"]))
                continue
            made = _flag(spec, chosen, judged, ukey, shown, say_converted=corrected is None)
            if made is not None:
                flags.append(made)
        flags = _critical_reasons(flags, spec)
        caveats = tuple(
            (str(c["id"]), str(c["text"]))
            for c in spec.get("caveats", [])
            if evaluate(c["when"], facts)[0] is True
        )
        digits = spec["units"][ukey].get("round_digits")
        value = float(canon[test])
        results[test] = LabResult(
            test=test,
            title=str(spec["title"]),
            value=value if digits is None else round(value, int(digits)),
            unit=str(spec["unit"]),
            entered_value=entry["value"],
            entered_unit=entry["unit"],
            flags=tuple(flags),
            caveats=caveats,
            notes=tuple(dict.fromkeys(tnotes + local_notes + unknowns)),
            corrected_value=None if corrected is None else float(corrected),
            plain_title=plain,
            unknowns=tuple(dict.fromkeys(local_notes + unknowns)),
            entered_text=f"{_num(exact(entry['value']))} {entry['unit']}",
        )
    return LabReport(results=results, notes=tuple(notes))


def _critical_reasons(flags: list[LabFlag], spec: Mapping[str, Any]) -> list[LabFlag]:
    """A critical flag's sentence also stands for the ordinary flag it implies (one reason)."""
    implies = {str(f["id"]): str(f["implies"]) for f in spec["flags"] if f.get("implies")}
    by_id = {f.id: f for f in flags}
    out = []
    for f in flags:
        crit = next((by_id[c] for c, base in implies.items() if base == f.id and c in by_id), None)
        if crit is not None:
            f = LabFlag(f.id, f.label, f.abnormal, crit.reason, f.critical, f.sources)
        out.append(f)
    return out


def _albumin(
    test: str, canon: Mapping[str, Fraction], kb: Knowledge
) -> tuple[Fraction | None, list[str]]:
    corr = kb.labs["albumin_correction"]
    if test != corr["test"]:
        return None, []
    if corr["albumin_test"] not in canon:
        return None, [
            "Not adjusted for albumin (no albumin given): a low albumin makes total calcium "
            "read low."
        ]
    alb = canon[corr["albumin_test"]]
    corrected = canon[test] + exact(corr["mmol_per_l_per_g"]) * (
        exact(corr["reference_albumin_g_per_l"]) - alb
    )
    return corrected, [f"Adjusted for albumin: {corr['rationale']}"]
