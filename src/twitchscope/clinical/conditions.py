"""A small evaluator for rule conditions written as data.

A condition is a JSON object. Composites: ``{"all": [...]}``, ``{"any": [...]}``,
``{"not": {...}}``.
Leaves name one fact and one comparison, e.g. ``{"answer": "fever", "is": true}``,
``{"answer": "duration_days", "gt": 14, "label": "lasting more than 2 weeks"}``,
``{"lab": "ferritin", "flag": "low"}``, ``{"lab": "magnesium", "missing": true}``,
``{"rls": "all_met", "is": true}``, ``{"recording": "plms_above_cutoff", "is": true}``,
``{"diary": "chronic", "is": true}``, ``{"diary_factor": "caffeine", "ratio_at_least": 1.5}``,
``{"answer": "medications", "medicine_class": ["statin"]}``,
``{"answer": "sides", "one_of": ["left", "right"]}``.

Logic is three-valued: a fact that is missing (a question not answered, no lab value, no diary)
makes a leaf *unknown* (``None``), and unknown never counts as "no". ``all`` is true only when
every part is true, ``any`` when one part is true; a rule fires only on true. Two comparisons
speak about missing facts on purpose: ``is_not`` is true for a missing fact ("not known to be
..."), and ``missing`` is true exactly when the fact was not given (``{"answer": "seizure",
"missing": true}`` lets a rule raise the tier when an emergency question was skipped).
:func:`unknown_facts` names the missing facts that leave a condition undecided, so a page can say
what is unknown. Reasons are plain sentences built from each leaf's ``label`` and the question's
``say`` template ("lasting more than 2 weeks: you have had it for about a year and a half").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from twitchscope.clinical.medicines import fold_words
from twitchscope.clinical.questions import QUESTIONS_BY_ID

if TYPE_CHECKING:
    from twitchscope.clinical.medicines import MedicineReport

Tri = bool | None

COMPOSITES: Final[tuple[str, ...]] = ("all", "any", "not")
FACT_KEYS: Final[tuple[str, ...]] = ("answer", "lab", "rls", "recording", "diary", "diary_factor")
OPS: Final[tuple[str, ...]] = (
    "is",
    "is_not",
    "eq",
    "gt",
    "ge",
    "lt",
    "le",
    "contains",
    "not_contains",
    "contains_any",
    "subset_of",
    "mentions_any",
    "groups_at_least",
    "flag",
    "ratio_at_least",
    "missing",
    "one_of",
    "medicine_class",
)
_SYMBOL: Final[dict[str, str]] = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "="}


@dataclass
class Facts:
    """Everything a condition can refer to.

    Attributes
    ----------
    answers : dict
        Validated answers (missing key = not answered).
    labs : dict
        Test name -> set of flag and caveat ids that hold; a test not given is absent.
    lab_reasons : dict
        (test, flag id) -> the plain sentence naming value, unit and limit.
    rls, recording, diary : dict or None
        Derived facts; ``None`` when there is no such input.
    fact_reasons : dict
        ("rls"|"recording"|"diary", field) -> a prepared sentence for that fact.
    diary_factors : dict
        Factor name -> association dict (``ratio``, ``enough_data``, ``statement`` ...).
    lists, groups : dict
        Named word lists and groupings from the knowledge base.
    medicines : MedicineReport or None
        The medicines recognised in ``answers["medications"]`` (None when not answered).
    class_labels : dict
        Medicine class -> plain label (``"a statin"``).
    """

    answers: Mapping[str, Any]
    labs: Mapping[str, set[str]] = field(default_factory=dict)
    lab_reasons: Mapping[tuple[str, str], str] = field(default_factory=dict)
    rls: Mapping[str, Any] | None = None
    recording: Mapping[str, Any] | None = None
    diary: Mapping[str, Any] | None = None
    fact_reasons: Mapping[tuple[str, str], str] = field(default_factory=dict)
    diary_factors: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    lists: Mapping[str, Sequence[str]] = field(default_factory=dict)
    groups: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    medicines: MedicineReport | None = None
    class_labels: Mapping[str, str] = field(default_factory=dict)


def evaluate(cond: Mapping[str, Any], facts: Facts) -> tuple[Tri, list[str]]:
    """Evaluate a condition.

    Parameters
    ----------
    cond : mapping
        The condition (see the module docstring).
    facts : Facts
        The facts it may refer to.

    Returns
    -------
    value : bool or None
        True, False, or None when it cannot be decided (a fact is missing).
    reasons : list of str
        When true: plain sentences naming the answers, lab values or figures that made it true.
    """
    if "all" in cond:
        results = [evaluate(c, facts) for c in cond["all"]]
        values = [v for v, _ in results]
        if any(v is False for v in values):
            return False, []
        if all(v is True for v in values):
            reasons = [r for _, rs in results for r in rs]
            return True, _labelled(cond, reasons)
        return None, []
    if "any" in cond:
        results = [evaluate(c, facts) for c in cond["any"]]
        true_reasons = [r for v, rs in results if v is True for r in rs]
        if any(v is True for v, _ in results):
            return True, _labelled(cond, true_reasons)
        if all(v is False for v, _ in results):
            return False, []
        return None, []
    if "not" in cond:
        value, _ = evaluate(cond["not"], facts)
        out = None if value is None else not value
        return out, ([str(cond["label"])] if out and "label" in cond else [])
    return _leaf(cond, facts)


def _labelled(cond: Mapping[str, Any], reasons: list[str]) -> list[str]:
    return [str(cond["label"])] if "label" in cond else _unique(reasons)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _leaf(cond: Mapping[str, Any], facts: Facts) -> tuple[Tri, list[str]]:
    if "lab" in cond:
        test = str(cond["lab"])
        if "missing" in cond:
            holds = (test not in facts.labs) == bool(cond["missing"])
            return holds, ([str(cond["label"])] if holds and "label" in cond else [])
        flag = str(cond["flag"])
        if test not in facts.labs:
            return None, []
        if flag in facts.labs[test]:
            return True, [facts.lab_reasons.get((test, flag), f"{test}: {flag}")]
        return False, []
    if "diary_factor" in cond:
        return _diary_factor(cond, facts)
    for key in ("answer", "rls", "recording", "diary"):
        if key in cond:
            name = str(cond[key])
            value = _fact(key, name, facts)
            result = _compare(cond, value, facts)
            if result is not True:
                return result, []
            return True, _leaf_reason(cond, key, name, value, facts)
    raise ValueError(f"condition names no fact: {dict(cond)!r}")


def _fact(key: str, name: str, facts: Facts) -> Any:
    if key == "answer":
        return facts.answers.get(name)
    source = {"rls": facts.rls, "recording": facts.recording, "diary": facts.diary}[key]
    return None if source is None else source.get(name)


def _diary_factor(cond: Mapping[str, Any], facts: Facts) -> tuple[Tri, list[str]]:
    assoc = facts.diary_factors.get(str(cond["diary_factor"]))
    if assoc is None or not assoc.get("enough_data"):
        return None, []
    # Only a difference the diary's own test found counts; "no clear difference" never fires.
    if assoc.get("direction") != "more":
        return False, []
    ratio = assoc.get("ratio")
    # No episodes on days without the factor leaves the ratio undefined but unbounded.
    if ratio is None or float(ratio) >= float(cond["ratio_at_least"]):
        label = str(cond.get("label", cond["diary_factor"]))
        statement = str(assoc.get("statement", "")).strip()
        return True, [f"{label}: {statement}" if statement else label]
    return False, []


def _compare(cond: Mapping[str, Any], value: Any, facts: Facts) -> Tri:
    if "is_not" in cond:
        return value != cond["is_not"]
    if "missing" in cond:
        return (value is None) == bool(cond["missing"])
    if value is None:
        return None
    if "is" in cond:
        return bool(value == cond["is"])
    if "one_of" in cond:
        return value in cond["one_of"]
    if "medicine_class" in cond:
        return bool(_class_matches(cond, facts))
    for op in ("eq", "gt", "ge", "lt", "le"):
        if op in cond:
            return _numeric(op, value, cond[op])
    if "contains" in cond:
        return cond["contains"] in value
    if "not_contains" in cond:
        return cond["not_contains"] not in value
    if "contains_any" in cond:
        return any(v in value for v in cond["contains_any"])
    if "subset_of" in cond:
        return set(value) <= set(cond["subset_of"])
    if "mentions_any" in cond:
        return bool(_mentions(value, _words(cond["mentions_any"], facts)))
    if "groups_at_least" in cond:
        spec = cond["groups_at_least"]
        return len(_groups_hit(value, facts.groups[spec["groups"]])) >= int(spec["n"])
    raise ValueError(f"condition has no known comparison: {dict(cond)!r}")


def _numeric(op: str, value: Any, ref: Any) -> bool:
    v, r = float(value), float(ref)
    return {"eq": v == r, "gt": v > r, "ge": v >= r, "lt": v < r, "le": v <= r}[op]


def _words(spec: Any, facts: Facts) -> list[str]:
    if isinstance(spec, Mapping):
        return [str(w) for w in facts.lists[str(spec["list"])]]
    return [str(w) for w in spec]


def _mentions(value: Sequence[str], words: list[str]) -> list[str]:
    """Entries of ``value`` that mention one of ``words`` as whole words (never part of a word)."""
    out = []
    for v in value:
        have = fold_words(str(v))
        for w in words:
            want = fold_words(w)
            n = len(want)
            if n and any(have[i : i + n] == want for i in range(len(have) - n + 1)):
                out.append(v)
                break
    return out


def _class_matches(cond: Mapping[str, Any], facts: Facts) -> list[str]:
    """Plain descriptions of the medicines written that belong to the condition's classes."""
    if facts.medicines is None:
        return []
    classes = [str(c) for c in cond["medicine_class"]]
    out = []
    for m in facts.medicines.in_classes(classes):
        cls = next(c for c in classes if c in m.classes)
        # The rule's label names a single class already; name it again only among several.
        out.append(m.describe(facts.class_labels.get(cls) if len(classes) > 1 else None))
    return out


def _groups_hit(value: Sequence[str], groups: Mapping[str, Sequence[str]]) -> list[str]:
    return [g for g, members in groups.items() if any(v in members for v in value)]


def humanise_days(days: float) -> str:
    """A duration in plain words: ``540`` -> ``"about a year and a half"``."""
    d = float(days)
    if d < 1:
        return "less than a day"
    if d < 14:
        n = round(d)
        return f"{n} day" + ("s" if n != 1 else "")
    if d < 60:
        return f"about {round(d / 7)} weeks"
    if d < 365:
        n = round(d / 30.4375)
        return "about a year" if n >= 12 else f"about {n} months"
    halves = round(d / 365.25 * 2) / 2
    whole, half = int(halves), halves != int(halves)
    if whole == 1:
        return "about a year and a half" if half else "about a year"
    return f"about {whole} and a half years" if half else f"about {whole} years"


def plain_answer(name: str, value: Any) -> str:
    """An answer in plain words, from the question's ``say`` template and choice labels."""
    q = QUESTIONS_BY_ID.get(name)
    if q is None:
        return _fmt_value(value)
    if isinstance(value, list | tuple):
        return ", ".join(q.choice_label(str(v)) for v in value)
    if isinstance(value, str):
        return q.choice_label(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    shown = humanise_days(value) if q.unit == "days" else _fmt_value(value)
    return q.say.format(value=shown) if q.say else f"{shown} {q.unit}".strip()


def _fmt_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _leaf_reason(
    cond: Mapping[str, Any], key: str, name: str, value: Any, facts: Facts
) -> list[str]:
    label = str(cond["label"]) if "label" in cond else ""
    if "medicine_class" in cond:
        return [f"{label}: {m}" if label else m for m in _class_matches(cond, facts)]
    prepared = facts.fact_reasons.get((key, name))
    if prepared:
        return [f"{label}: {prepared}" if label else prepared]
    if not label:
        return []
    if key != "answer" or value is None or isinstance(value, bool | str):
        return [label]
    if isinstance(value, list | tuple):
        if "groups_at_least" in cond:
            return [f"{label}: {plain_answer(name, value)}"]
        if "mentions_any" in cond:
            return [f"{label}: {', '.join(_mentions(value, _words(cond['mentions_any'], facts)))}"]
        return [label]
    return [f"{label}: {plain_answer(name, value)}"]


def unknown_facts(cond: Mapping[str, Any], facts: Facts) -> list[tuple[str, str]]:
    """The missing facts that leave ``cond`` undecided, as ``(kind, name)`` pairs.

    Empty when the condition is decided (true or false). For an undecided ``all`` these are its
    undecided parts (none is false); for an undecided ``any``, every undecided part.
    """
    return _undecided(cond, facts)[1]


def _undecided(cond: Mapping[str, Any], facts: Facts) -> tuple[Tri, list[tuple[str, str]]]:
    """One pass: the condition's value and, when undecided, the missing facts behind it."""
    for key in ("all", "any"):
        if key in cond:
            parts = [_undecided(c, facts) for c in cond[key]]
            values = [v for v, _ in parts]
            decisive = key == "any"  # the value one part settles the whole with
            if decisive in values:
                return decisive, []
            if all(v is (not decisive) for v in values):
                return not decisive, []
            missing = [m for v, ms in parts if v is None for m in ms]
            return None, list(dict.fromkeys(missing))
    if "not" in cond:
        value, missing = _undecided(cond["not"], facts)
        return (None if value is None else not value), missing
    value, _ = _leaf(cond, facts)
    if value is not None:
        return value, []
    kind = next(k for k in FACT_KEYS if k in cond)
    return None, [(kind, str(cond[kind]))]


def supported(cond: Mapping[str, Any], facts: Facts) -> bool:
    """True when some part of ``cond`` is known to hold (a fact points towards it).

    Leaves about missing facts (``missing``, ``is_not``) do not count: they say what is not
    known, not what is.
    """
    for key in ("all", "any"):
        if key in cond:
            return any(supported(c, facts) for c in cond[key])
    if "not" in cond:
        return False
    if "missing" in cond or "is_not" in cond:
        return False
    return _leaf(cond, facts)[0] is True


def referenced_facts(cond: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Every leaf of a condition as ``(fact kind, leaf)``; used to check the knowledge base."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for key in ("all", "any"):
        if key in cond:
            for c in cond[key]:
                out.extend(referenced_facts(c))
            return out
    if "not" in cond:
        return referenced_facts(cond["not"])
    kinds = [k for k in FACT_KEYS if k in cond]
    if len(kinds) != 1:
        raise ValueError(f"a condition leaf must name exactly one fact: {dict(cond)!r}")
    return [(kinds[0], cond)]


def describe_op(op: str) -> str:
    """The symbol for a comparison (``gt`` -> ``>``)."""
    return _SYMBOL.get(op, op)
