"""The clinical knowledge base: versioned JSON data files shipped in ``clinical/data``.

Files: ``sources.json`` (citations), ``rules.json`` (rules with conditions, tier, source and
rationale; named word lists and groupings), ``findings.json`` (the finding vocabulary with titles,
tests, self-care and questions for the doctor), ``labs.json`` (units, conversions, thresholds),
``rls.json`` (IRLSSG criteria, IRLS bands), ``plm.json`` (PLMS cut-offs, the recording summary
keys), ``medicines.json`` (generic and brand names with their classes) and ``questions.json``
(the answer schema). :func:`load_knowledge` reads them once and checks that they fit together;
every clinical number lives in these files, none in code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Final

from twitchscope.clinical.conditions import OPS, referenced_facts
from twitchscope.clinical.medicines import MedicineMatch, MedicineVocabulary
from twitchscope.clinical.questions import QUESTIONS_BY_ID

DATA_FILES: Final[tuple[str, ...]] = (
    "sources.json",
    "rules.json",
    "findings.json",
    "labs.json",
    "rls.json",
    "plm.json",
    "medicines.json",
    "questions.json",
)
TIERS: Final[tuple[str, ...]] = ("emergency", "urgent", "see_doctor", "self_care")
#: Finding ids of the assessment contract; never renamed (new ids are only added).
CONTRACT_FINDING_IDS: Final[tuple[str, ...]] = (
    "guillain_barre_pattern",
    "seizure",
    "serotonin_toxicity",
    "tetany_low_calcium",
    "meningitis_signs",
    "possible_motor_neurone_disease",
    "see_doctor_rules",
    "restless_legs_syndrome",
    "periodic_limb_movements",
    "plmd_possible",
    "hypnic_jerks",
    "benign_fasciculations",
    "night_cramps",
    "tremor",
    "iron_deficiency",
    "anaemia",
    "magnesium_low",
    "potassium_abnormal",
    "sodium_abnormal",
    "calcium_abnormal",
    "glucose_high",
    "thyroid_abnormal",
    "b12_low",
    "vitamin_d_low",
    "kidney_function_reduced",
    "medication_related",
    "stimulant_related",
    "stress_or_sleep_loss",
    "exercise_related",
    "pregnancy_related",
    "chronic",
)
EXTRA_TESTS: Final[tuple[str, ...]] = ("polysomnography", "emg", "creatine_kinase")
RLS_FACTS: Final[tuple[str, ...]] = ("all_met", "n_met", "chronic_persistent", "irls_band")
DIARY_FACTS: Final[tuple[str, ...]] = (
    "chronic",
    "spread",
    "evening_night_peak",
    "trend",
    "days_affected_last_90",
    "n_episodes",
)


class KnowledgeBaseError(Exception):
    """The shipped knowledge base is inconsistent (a bug in the data files, not user input)."""


@dataclass(frozen=True)
class Knowledge:
    """The loaded knowledge base (plain JSON structures, checked for consistency)."""

    sources: dict[str, dict[str, str]]
    rules: list[dict[str, Any]]
    lists: dict[str, list[str]]
    groups: dict[str, dict[str, list[str]]]
    child_below_years: float
    findings: dict[str, dict[str, Any]]
    tiers: dict[str, dict[str, str]]
    general_self_care: list[Any]
    conditional_questions: list[dict[str, Any]]
    labs: dict[str, Any]
    rls: dict[str, Any]
    plm: dict[str, Any]
    versions: dict[str, str]
    medicines: MedicineVocabulary
    extra_tests: dict[str, str]
    notes: dict[str, str]

    @property
    def version(self) -> str:
        """One string naming the version of every data file."""
        return ", ".join(f"{k} {v}" for k, v in sorted(self.versions.items()))

    def citation(self, source_id: str) -> str:
        """The citation of a source id, with its address when there is one."""
        src = self.sources[source_id]
        return f"{src['citation']} {src['url']}".strip() if src.get("url") else src["citation"]

    def tier_rank(self, tier: str) -> int:
        """0 for emergency ... 3 for self_care."""
        return TIERS.index(tier)

    def source_ref(self, source_id: str) -> dict[str, str]:
        """A source as ``{id, short, citation, url}`` (short: a name a patient can read)."""
        src = self.sources[source_id]
        return {
            "id": source_id,
            "short": str(src.get("short", src["citation"])),
            "citation": str(src["citation"]),
            "url": str(src.get("url", "")),
        }

    def test_label(self, test: str) -> str:
        """A test in plain words (``"eGFR (kidney function)"``)."""
        spec = self.labs["tests"].get(test)
        if spec is not None:
            return str(spec.get("plain", spec["title"]))
        return self.extra_tests.get(test, test.replace("_", " "))


def _read(name: str) -> dict[str, Any]:
    text = resources.files("twitchscope.clinical").joinpath(f"data/{name}").read_text("utf-8")
    doc = json.loads(text)
    if not isinstance(doc, dict) or "version" not in doc:
        raise KnowledgeBaseError(f"{name}: must be an object with a 'version'")
    return doc


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """Load and check the knowledge base (cached).

    Returns
    -------
    Knowledge
        Rules, findings, lab definitions, RLS and PLM data, and sources.

    Raises
    ------
    KnowledgeBaseError
        When the data files do not fit together (unknown source, finding, question or lab flag).
    """
    docs = {name: _read(name) for name in DATA_FILES}
    rules_doc, findings_doc = docs["rules.json"], docs["findings.json"]
    kb = Knowledge(
        sources=docs["sources.json"]["sources"],
        rules=rules_doc["rules"],
        lists=rules_doc["lists"],
        groups=rules_doc["groups"],
        child_below_years=float(rules_doc["age_groups"]["child_below_years"]),
        findings=findings_doc["findings"],
        tiers=findings_doc["tiers"],
        general_self_care=findings_doc["general_self_care"],
        conditional_questions=findings_doc["conditional_questions"],
        labs=docs["labs.json"],
        rls=docs["rls.json"],
        plm=docs["plm.json"],
        versions={name.removesuffix(".json"): str(doc["version"]) for name, doc in docs.items()},
        medicines=MedicineVocabulary(docs["medicines.json"]),
        extra_tests=dict(findings_doc.get("extra_tests", {})),
        notes={
            "unanswered_emergency": str(findings_doc.get("unanswered_emergency_note", "")),
        },
    )
    problems = check_knowledge(kb)
    if problems:
        raise KnowledgeBaseError("; ".join(problems))
    return kb


def _source_ids(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def check_knowledge(kb: Knowledge) -> list[str]:
    """Return every consistency problem of a knowledge base (empty when it is sound)."""
    problems: list[str] = []
    missing = [f for f in CONTRACT_FINDING_IDS if f not in kb.findings]
    problems += [f"findings.json lacks contract finding {f!r}" for f in missing]
    tests = set(kb.labs["tests"]) | set(EXTRA_TESTS)
    problems += [
        f"extra test {t!r} has no plain label" for t in EXTRA_TESTS if t not in kb.extra_tests
    ]
    problems += [f"source {s}: no short name" for s, v in kb.sources.items() if not v.get("short")]
    for fid, finding in kb.findings.items():
        problems += [
            f"finding {fid}: unknown test {t!r}" for t in finding["tests"] if t not in tests
        ]
        problems += [f"finding {fid}: {p}" for p in _check_texts(finding["self_care"])]
    problems += [f"general self-care: {p}" for p in _check_texts(kb.general_self_care)]
    problems += kb.medicines.problems
    for cls, spec in kb.medicines.classes.items():
        problems += [
            f"medicine class {cls}: unknown source {s!r}"
            for s in _source_ids(spec.get("source", []))
            if s not in kb.sources
        ]
    if tuple(kb.tiers) != TIERS:
        problems.append("findings.json tiers must be " + ", ".join(TIERS))
    seen: set[str] = set()
    for rule in kb.rules:
        rid = rule.get("id", "?")
        if rid in seen:
            problems.append(f"rule {rid}: duplicate id")
        seen.add(rid)
        if not str(rule.get("rationale", "")).strip():
            problems.append(f"rule {rid}: no rationale")
        srcs = _source_ids(rule.get("source", []))
        if not srcs:
            problems.append(f"rule {rid}: no source")
        problems += [f"rule {rid}: unknown source {s!r}" for s in srcs if s not in kb.sources]
        if rule.get("finding") not in kb.findings:
            problems.append(f"rule {rid}: finding {rule.get('finding')!r} not in the vocabulary")
        if rule.get("tier") not in TIERS:
            problems.append(f"rule {rid}: unknown tier {rule.get('tier')!r}")
        problems += [f"rule {rid}: {p}" for p in _check_condition(rule.get("when", {}), kb)]
    for q in kb.conditional_questions:
        problems += [f"conditional question: {p}" for p in _check_condition(q["when"], kb)]
        if q.get("source") not in kb.sources:
            problems.append(f"conditional question {q['text'][:30]!r}: unknown source")
    for name, test in kb.labs["tests"].items():
        problems += [
            f"lab {name}: unknown source {s!r}"
            for s in _source_ids(test.get("source", []))
            if s not in kb.sources
        ]
        if not test.get("source") or not str(test.get("rationale", "")).strip():
            problems.append(f"lab {name}: needs a source and a rationale")
        if test["unit"] not in test["units"]:
            problems.append(f"lab {name}: canonical unit {test['unit']!r} not among its units")
        problems += [f"lab {name}: {p}" for p in _check_flags(test, kb)]
    return problems


_POPULATION_KEYS: Final[tuple[str, ...]] = ("age_min", "age_below", "sex", "pregnant")


def _check_flags(test: dict[str, Any], kb: Knowledge) -> list[str]:
    problems: list[str] = []
    units = set(test["units"])
    for flag in test["flags"]:
        fid = flag.get("id", "?")
        ops = [op for op in ("ge", "gt", "le", "lt") if op in flag]
        if not ops:
            problems.append(f"flag {fid}: no limit")
        for op in ops:
            limit = flag[op]
            named = set(limit) if isinstance(limit, dict) else {flag.get("unit", test["unit"])}
            problems += [
                f"flag {fid}: limit unit {u!r} is not a unit of the test" for u in named - units
            ]
        srcs = _source_ids(flag.get("source", []))
        if not srcs:
            problems.append(f"flag {fid}: no source")
        problems += [f"flag {fid}: unknown source {s!r}" for s in srcs if s not in kb.sources]
        pop = flag.get("for", {})
        problems += [
            f"flag {fid}: unknown population key {k!r}" for k in pop if k not in _POPULATION_KEYS
        ]
    return problems


def _check_texts(items: list[Any]) -> list[str]:
    problems = []
    for item in items:
        if isinstance(item, dict) and (
            not str(item.get("text", "")).strip()
            or item.get("for") not in ("adult", "child", "all")
        ):
            problems.append(f"self-care item {item!r} needs a text and 'for' adult|child|all")
    return problems


def _check_condition(cond: Any, kb: Knowledge) -> list[str]:
    if not isinstance(cond, dict) or not cond:
        return ["empty condition"]
    try:
        leaves = referenced_facts(cond)
    except ValueError as exc:
        return [str(exc)]
    from twitchscope.clinical.recording_facts import recording_fact_names

    problems: list[str] = []
    for kind, leaf in leaves:
        ops = [k for k in leaf if k in OPS]
        if kind in ("answer", "rls", "recording", "diary") and len(ops) != 1:
            problems.append(f"leaf {dict(leaf)!r} needs exactly one comparison")
        for cls in leaf.get("medicine_class", []):
            if cls not in kb.medicines.classes:
                problems.append(f"unknown medicine class {cls!r}")
        name = str(leaf[kind])
        if kind == "answer" and name not in QUESTIONS_BY_ID:
            problems.append(f"unknown question id {name!r}")
        elif kind == "lab":
            problems += _check_lab_leaf(leaf, kb)
        elif kind == "rls" and name not in RLS_FACTS:
            problems.append(f"unknown RLS fact {name!r}")
        elif kind == "recording" and name not in recording_fact_names():
            problems.append(f"unknown recording fact {name!r}")
        elif kind == "diary" and name not in DIARY_FACTS:
            problems.append(f"unknown diary fact {name!r}")
        for key in ("mentions_any",):
            spec = leaf.get(key)
            if isinstance(spec, dict) and spec.get("list") not in kb.lists:
                problems.append(f"unknown word list {spec.get('list')!r}")
        spec = leaf.get("groups_at_least")
        if isinstance(spec, dict) and spec.get("groups") not in kb.groups:
            problems.append(f"unknown grouping {spec.get('groups')!r}")
    return problems


def _check_lab_leaf(leaf: Any, kb: Knowledge) -> list[str]:
    test = kb.labs["tests"].get(str(leaf["lab"]))
    if test is None:
        return [f"unknown lab test {leaf['lab']!r}"]
    if "missing" in leaf:
        return []
    ids = {f["id"] for f in test["flags"]} | {c["id"] for c in test.get("caveats", [])}
    return (
        [] if leaf.get("flag") in ids else [f"lab {leaf['lab']}: unknown flag {leaf.get('flag')!r}"]
    )


def match_medicines(entries: Sequence[str]) -> list[MedicineMatch]:
    """Recognise medicines in ``entries`` with the shipped vocabulary (``medicines.json``)."""
    return list(load_knowledge().medicines.match(entries).matches)
