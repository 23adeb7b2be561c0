"""Medicines by any name: brand and generic names, spellings, doses, and no part-word matches."""

from __future__ import annotations

import pytest

from twitchscope.clinical import load_knowledge
from twitchscope.clinical.knowledge import match_medicines
from twitchscope.clinical.medicines import MedicineVocabulary, fold_words


@pytest.mark.parametrize(
    ("written", "generic", "cls"),
    [
        ("Piriton", "chlorphenamine", "sedating_antihistamine"),
        ("chlorpheniramine", "chlorphenamine", "sedating_antihistamine"),  # US spelling
        ("Benadryl", "diphenhydramine", "sedating_antihistamine"),
        ("NYTOL One-A-Night 50 mg", "diphenhydramine", "sedating_antihistamine"),
        ("Zyprexa Velotab", "olanzapine", "dopamine_antagonist"),
        ("seroquel", "quetiapine", "dopamine_antagonist"),
        ("Stemetil 5mg", "prochlorperazine", "dopamine_antagonist"),
        ("Maxolon", "metoclopramide", "dopamine_antagonist"),
        ("Lustral", "sertraline", "serotonergic_antidepressant"),
        ("Zoloft", "sertraline", "serotonergic_antidepressant"),
        ("sertraline50mg", "sertraline", "serotonergic_antidepressant"),  # dose glued on
        ("Cipramil", "citalopram", "serotonergic_antidepressant"),
        ("Efexor XL 75mg", "venlafaxine", "serotonergic_antidepressant"),
        ("Zispin SolTab", "mirtazapine", "mirtazapine"),
        ("Priadel", "lithium", "lithium"),
        ("lithium carbonate", "lithium", "lithium"),
        ("Lipitor", "atorvastatin", "statin"),
        ("Crestor 10mg", "rosuvastatin", "statin"),
        ("Losec", "omeprazole", "proton_pump_inhibitor"),
        ("Nexium", "esomeprazole", "proton_pump_inhibitor"),
        ("Zoton FasTab", "lansoprazole", "proton_pump_inhibitor"),
        ("Glucophage SR", "metformin", "metformin"),
        ("frusemide", "furosemide", "diuretic_lowers_potassium"),  # old UK spelling
        ("Lasix", "furosemide", "diuretic_lowers_potassium"),
        ("bendrofluazide", "bendroflumethiazide", "diuretic_lowers_sodium"),
        ("Aldactone", "spironolactone", "diuretic_raises_potassium"),
        ("Eliquis", "apixaban", "anticoagulant"),
        ("co-careldopa", "levodopa", "dopamine_agonist"),
        ("Sinemet", "levodopa", "dopamine_agonist"),
        ("Mirapexin", "pramipexole", "dopamine_agonist"),
        ("albuterol", "salbutamol", "twitch_causing"),  # US name
        ("St. John's Wort", "st john's wort", "serotonergic"),
        ("Zydol", "tramadol", "serotonergic"),
    ],
)
def test_brand_generic_and_spelling(written: str, generic: str, cls: str) -> None:
    (m,) = match_medicines([written])
    assert m.name == generic
    assert cls in m.classes
    assert m.written == written.strip()


@pytest.mark.parametrize(
    "written",
    [
        "escitalopram",  # contains "citalopram"
        "lithiumx",
        "salbutamolol",
        "Zocortex",
        "metforminish",
        "vitamin D",
        "paracetamol",
        "nothing",
    ],
)
def test_no_part_word_matches(written: str) -> None:
    names = [m.name for m in match_medicines([written])]
    assert "citalopram" not in names
    assert names in ([], ["escitalopram"])


def test_several_medicines_in_one_entry_and_unrecognised_ones() -> None:
    kb = load_knowledge()
    report = kb.medicines.match(["Lipitor and Losec", "Flurbo 10mg", "  omeprazole  "])
    # Each entry keeps its own wording, so the same medicine written twice is listed twice.
    assert [(m.written, m.name) for m in report.matches] == [
        ("Lipitor and Losec", "atorvastatin"),
        ("Lipitor and Losec", "omeprazole"),
        ("omeprazole", "omeprazole"),
    ]
    assert report.unrecognised == ("Flurbo 10mg",)
    d = report.to_dict()
    assert d["recognised"][0]["written"] == "Lipitor and Losec"


def test_describe_names_the_medicine_as_written() -> None:
    (m,) = match_medicines(["Piriton 4mg"])
    assert m.describe("a sedating antihistamine") == (
        "Piriton 4mg (chlorphenamine, a sedating antihistamine)"
    )
    (same,) = match_medicines(["Sertraline"])
    assert same.describe("a serotonergic antidepressant") == (
        "Sertraline (a serotonergic antidepressant)"
    )
    (benadryl,) = match_medicines(["Benadryl"])
    assert "check the pack" in benadryl.describe()
    (nytol,) = match_medicines(["Nytol"])  # same medicine, but the Benadryl note is not about it
    assert nytol.note == "" and nytol.name == "diphenhydramine"
    (lithium,) = match_medicines(["Priadel"])
    assert lithium.describe("lithium") == "Priadel (lithium)"


def test_folding() -> None:
    assert fold_words("Co-Careldopa 12.5mg/50mg") == (
        "co",
        "careldopa",
        "12",
        "5",
        "mg",
        "50",
        "mg",
    )
    assert fold_words("Pirìton®") == ("piriton",)
    assert fold_words("ST JOHN’S WORT") == ("st", "johns", "wort")


def test_vocabulary_problems_are_reported() -> None:
    vocab = MedicineVocabulary(
        {
            "classes": {"statin": {"label": "a statin", "source": []}},
            "medicines": [
                {"name": "a", "other_names": ["Same"], "classes": ["statin"]},
                {
                    "name": "b",
                    "other_names": ["same", "!!"],
                    "classes": ["nope"],
                    "name_notes": {"Other": "x"},
                },
            ],
        }
    )
    text = " | ".join(vocab.problems)
    assert "'same' means both 'a' and 'b'" in text
    assert "empty name '!!'" in text
    assert "unknown class 'nope'" in text
    assert "note for 'Other'" in text
    assert load_knowledge().medicines.problems == []


def test_every_class_is_used_by_a_rule_or_documented() -> None:
    kb = load_knowledge()
    used = set()
    for rule in kb.rules:
        used |= set(_classes(rule["when"]))
    for q in kb.conditional_questions:
        used |= set(_classes(q["when"]))
    assert set(kb.medicines.classes) <= used


def _classes(cond: dict) -> list[str]:
    out = list(cond.get("medicine_class", []))
    for key in ("all", "any"):
        for c in cond.get(key, []):
            out += _classes(c)
    if "not" in cond:
        out += _classes(cond["not"])
    return out
