"""Lab values: units, conversion, flags against thresholds (all from ``labs.json``).

Input is ``{"ferritin": {"value": 32, "unit": "ng/mL"}, ...}``. Units are matched case- and
space-insensitively (``µg/L`` = ``ug/L`` = ``mcg/L``); an unknown unit, or one that does not fit
the test, is a :class:`~twitchscope.errors.ValidationError` listing the accepted units. Values are
converted to the test's canonical unit, total calcium is corrected for albumin when albumin is
given, haemoglobin and creatinine use the sex-specific limit, ferritin the adult or child
threshold, and notes such as "ferritin is unreliable after a fever" are added.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from twitchscope.clinical.conditions import Facts, describe_op, evaluate
from twitchscope.clinical.jsonfile import read_json_object
from twitchscope.clinical.knowledge import Knowledge, load_knowledge
from twitchscope.errors import ValidationError

ENTRY_KEYS: Final[tuple[str, ...]] = ("value", "unit", "date")
_BOUND_OPS: Final[tuple[str, ...]] = ("ge", "gt", "le", "lt")


@dataclass(frozen=True)
class LabFlag:
    """One threshold a lab value crossed.

    Attributes
    ----------
    id : str
        Flag id from ``labs.json`` (``low``, ``high``, ``rls_iron_threshold_adult`` ...).
    label : str
        What it means (``"no iron stores"``).
    abnormal : bool
        True for an out-of-range value; False for decision thresholds (e.g. the RLS iron level).
    reason : str
        The sentence naming value, unit and threshold.
    """

    id: str
    label: str
    abnormal: bool
    reason: str


@dataclass(frozen=True)
class LabResult:
    """One interpreted lab value (``value`` in the canonical ``unit``)."""

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

    @property
    def abnormal(self) -> bool:
        """True when a flag marks the value as outside the range."""
        return any(f.abnormal for f in self.flags)

    @property
    def flag_ids(self) -> set[str]:
        """Ids of the flags and caveats that hold."""
        return {f.id for f in self.flags} | {c for c, _ in self.caveats}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out = asdict(self)
        out["flags"] = [asdict(f) for f in self.flags]
        out["caveats"] = [text for _, text in self.caveats]
        out["notes"] = list(self.notes)
        out["abnormal"] = self.abnormal
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


def _fmt(x: float) -> str:
    return f"{x:.4g}"


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
                f"{_fmt(float(value))} {unit} is impossible for {name} "
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
    """Convert a value of ``test`` from ``unit`` to the test's canonical unit.

    Raises
    ------
    ValidationError
        The unit is unknown or wrong for this test (the accepted units are listed).
    """
    kb = knowledge or load_knowledge()
    spec = kb.labs["tests"][test]
    wanted = normalise_unit(unit)
    for name, conv in spec["units"].items():
        if normalise_unit(name) == wanted:
            out = (value + float(conv.get("offset_before", 0.0))) * float(conv["factor"])
            digits = conv.get("round_digits")
            return out if digits is None else round(out, int(digits))
    raise ValidationError(
        f"{field or 'labs.' + test}.unit",
        f"unit {unit!r} is unknown or wrong for {test}; accepted: {_accepted(spec)}",
    )


def _threshold(raw: Any, sex: str | None) -> tuple[float, str]:
    if not isinstance(raw, Mapping):
        return float(raw), ""
    if sex in ("male", "female"):
        return float(raw[sex]), f", {sex}"
    return float(raw["default"]), ", sex not given: the stricter limit"


def _flag(
    test: str,
    spec: Mapping[str, Any],
    flag: Mapping[str, Any],
    shown: str,
    value: float,
    sex: str | None,
) -> LabFlag | None:
    parts: list[str] = []
    note = ""
    for op in _BOUND_OPS:
        if op not in flag:
            continue
        limit, note_op = _threshold(flag[op], sex)
        note = note or note_op
        ok = {"lt": value < limit, "le": value <= limit, "gt": value > limit, "ge": value >= limit}
        if not ok[op]:
            return None
        parts.append(f"{describe_op(op)} {_fmt(limit)}")
    unit = spec["unit"]
    reason = f"{shown} {' and '.join(parts)} {unit} ({flag['label']}{note})"
    return LabFlag(
        id=str(flag["id"]), label=str(flag["label"]), abnormal=bool(flag["abnormal"]), reason=reason
    )


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
        For haemoglobin and creatinine limits; taken from ``answers`` when not given.
    age : float or None
        Years; below the child age the child thresholds apply. Taken from ``answers``.
    answers : mapping, optional
        Validated answers, for the caveats (e.g. recent fever makes ferritin unreliable).

    Returns
    -------
    LabReport
        One :class:`LabResult` per test, values in canonical units.
    """
    kb = knowledge or load_knowledge()
    if isinstance(labs, str | Path):
        labs = read_json_object(labs, "lab values")
    parsed = parse_labs(labs, knowledge=kb)
    answers = dict(answers or {})
    sex = sex if sex is not None else answers.get("sex")
    age = age if age is not None else answers.get("age")
    notes: list[str] = []
    if age is None:
        group = "adult"
        if parsed:
            notes.append("Age not answered: adult thresholds used.")
    else:
        group = "child" if age < kb.child_below_years else "adult"
    canon = {t: convert(t, e["value"], e["unit"], knowledge=kb) for t, e in parsed.items()}
    facts = Facts(answers=answers)
    results: dict[str, LabResult] = {}
    for test, entry in parsed.items():
        spec = kb.labs["tests"][test]
        value = canon[test]
        shown = f"{spec['title']} {_fmt(value)} {spec['unit']}"
        if normalise_unit(entry["unit"]) != normalise_unit(spec["unit"]):
            shown += f" (entered {_fmt(entry['value'])} {entry['unit']})"
        corrected, tnotes = _albumin(test, value, canon, kb)
        if corrected is not None:
            shown = (
                f"{spec['title']} {_fmt(corrected)} {spec['unit']} albumin-corrected "
                f"(measured {_fmt(value)} {spec['unit']}, albumin {_fmt(canon['albumin'])} g/L)"
            )
        judged = value if corrected is None else corrected
        flags = []
        for f in spec["flags"]:
            if f.get("age_group") not in (None, group):
                continue
            made = _flag(test, spec, f, shown, judged, sex)
            if made is not None:
                flags.append(made)
        caveats = tuple(
            (str(c["id"]), str(c["text"]))
            for c in spec.get("caveats", [])
            if evaluate(c["when"], facts)[0] is True
        )
        results[test] = LabResult(
            test=test,
            title=str(spec["title"]),
            value=value,
            unit=str(spec["unit"]),
            entered_value=entry["value"],
            entered_unit=entry["unit"],
            flags=tuple(flags),
            caveats=caveats,
            notes=tuple(tnotes),
            corrected_value=corrected,
        )
    return LabReport(results=results, notes=tuple(notes))


def _albumin(
    test: str, value: float, canon: Mapping[str, float], kb: Knowledge
) -> tuple[float | None, list[str]]:
    corr = kb.labs["albumin_correction"]
    if test != corr["test"]:
        return None, []
    if corr["albumin_test"] not in canon:
        return None, ["Not corrected for albumin (no albumin given)."]
    alb = canon[corr["albumin_test"]]
    corrected = value + float(corr["mmol_per_l_per_g"]) * (
        float(corr["reference_albumin_g_per_l"]) - alb
    )
    return corrected, [f"Corrected for albumin: {corr['rationale']}"]
