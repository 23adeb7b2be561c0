"""Knowledge base integrity: sources, rationales, vocabulary, question ids, no numbers in code."""

from __future__ import annotations

import dataclasses
import json
import tokenize
from importlib import resources
from pathlib import Path

import pytest

from twitchscope.clinical import load_knowledge
from twitchscope.clinical.conditions import Facts, evaluate, referenced_facts
from twitchscope.clinical.knowledge import CONTRACT_FINDING_IDS, DATA_FILES, check_knowledge
from twitchscope.clinical.questions import QUESTIONS_BY_ID


def test_every_data_file_is_versioned() -> None:
    for name in DATA_FILES:
        doc = json.loads(
            resources.files("twitchscope.clinical").joinpath(f"data/{name}").read_text()
        )
        assert str(doc["version"]).strip(), name


def test_knowledge_is_consistent() -> None:
    kb = load_knowledge()
    assert check_knowledge(kb) == []


def test_every_rule_has_source_rationale_and_known_ids() -> None:
    kb = load_knowledge()
    assert len(kb.rules) >= 40
    for rule in kb.rules:
        assert rule["rationale"].strip()
        sources = [rule["source"]] if isinstance(rule["source"], str) else rule["source"]
        assert sources and all(s in kb.sources for s in sources)
        assert rule["finding"] in kb.findings
        for kind, leaf in referenced_facts(rule["when"]):
            if kind == "answer":
                assert leaf["answer"] in QUESTIONS_BY_ID, rule["id"]


def test_contract_vocabulary_present() -> None:
    kb = load_knowledge()
    assert set(CONTRACT_FINDING_IDS) <= set(kb.findings)


def test_every_lab_test_has_source_rationale_and_plausible_range() -> None:
    kb = load_knowledge()
    contract = [
        "ferritin",
        "transferrin_saturation",
        "haemoglobin",
        "magnesium",
        "potassium",
        "sodium",
        "calcium",
        "ionised_calcium",
        "albumin",
        "glucose_fasting",
        "hba1c",
        "tsh",
        "b12",
        "vitamin_d",
        "egfr",
        "creatinine",
    ]
    assert set(kb.labs["tests"]) == set(contract)
    for name, test in kb.labs["tests"].items():
        assert test["source"] and test["rationale"].strip(), name
        assert test["plausible"]["min"] < test["plausible"]["max"]


def test_a_broken_knowledge_base_is_reported() -> None:
    kb = load_knowledge()
    bad_rule = {
        "id": "x",
        "finding": "not_a_finding",
        "tier": "soon",
        "source": ["nowhere"],
        "rationale": "",
        "when": {"answer": "fevr", "is": True},
    }
    broken = dataclasses.replace(kb, rules=[*kb.rules, bad_rule])
    problems = " | ".join(check_knowledge(broken))
    for words in ("not_a_finding", "soon", "nowhere", "no rationale", "fevr"):
        assert words in problems


def test_engine_code_holds_no_clinical_numbers() -> None:
    src = Path(resources.files("twitchscope.clinical").joinpath("engine.py").__fspath__())
    with src.open("rb") as fh:
        numbers = {t.string for t in tokenize.tokenize(fh.readline) if t.type == tokenize.NUMBER}
    # only list positions and the percent scale: every threshold lives in the data files
    assert numbers <= {"0", "1", "100"}, numbers


@pytest.mark.parametrize(
    ("cond", "answers", "value"),
    [
        ({"answer": "fever", "is": True}, {}, None),
        ({"answer": "fever", "is": True}, {"fever": False}, False),
        (
            {"any": [{"answer": "fever", "is": True}, {"answer": "seizure", "is": True}]},
            {"seizure": True},
            True,
        ),
        (
            {"any": [{"answer": "fever", "is": True}, {"answer": "seizure", "is": True}]},
            {"seizure": False},
            None,
        ),
        (
            {"all": [{"answer": "fever", "is": True}, {"answer": "seizure", "is": True}]},
            {"seizure": False},
            False,
        ),
        ({"not": {"answer": "fever", "is": True}}, {}, None),
        ({"answer": "falls", "is_not": True}, {}, True),
        ({"answer": "age", "lt": 40}, {"age": 39}, True),
    ],
)
def test_three_valued_logic(cond: dict, answers: dict, value: bool | None) -> None:
    assert evaluate(cond, Facts(answers=answers))[0] is value
