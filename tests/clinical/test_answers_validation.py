"""Answer validation: unknown keys, wrong types and impossible values name the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from twitchscope.clinical import QUESTIONS, emergency_questions, validate_answers
from twitchscope.errors import InputFileError, ValidationError


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({"fevr": True}, "fevr", "did you mean 'fever'"),
        ({"age": 300}, "age", "impossible"),
        ({"age": -1}, "age", "impossible"),
        ({"age": 34.5}, "age", "whole number"),
        ({"age": "34"}, "age", "number"),
        ({"duration_days": -3}, "duration_days", "impossible"),
        ({"days_per_week": 8}, "days_per_week", "maximum is 7"),
        ({"stress": 11}, "stress", "maximum is 10"),
        ({"pregnancy_weeks": 45}, "pregnancy_weeks", "maximum is 42"),
        ({"sex": "male", "pregnancy_weeks": 20}, "pregnancy_weeks", "male"),
        ({"fever": "yes"}, "fever", "true or false"),
        ({"fever": 1}, "fever", "true or false"),
        ({"weakness": True, "seizure": "no"}, "seizure", "true or false"),
        ({"irls_score": True}, "irls_score", "number"),
        ({"sex": "f"}, "sex", "one of"),
        ({"locations": ["calf", "knee"]}, "locations", "'knee'"),
        ({"locations": "calf"}, "locations", "list"),
        ({"kind": ["twitches"]}, "kind", "did you mean 'twitch'"),
        ({"medications": ["", "x"]}, "medications", "non-empty"),
        ({"sleep_hours": float("nan")}, "sleep_hours", "finite"),
        ({"labs": {"feritin": {"value": 3, "unit": "ng/mL"}}}, "labs.feritin", "ferritin"),
        ({"labs": {"ferritin": 30}}, "labs.ferritin", "value"),
        ({"labs": {"ferritin": {"value": "30", "unit": "ng/mL"}}}, "labs.ferritin.value", "number"),
        (
            {"labs": {"ferritin": {"value": -5, "unit": "ng/mL"}}},
            "labs.ferritin.value",
            "impossible",
        ),
        (
            {"labs": {"ferritin": {"value": 30, "unit": "ng/mL", "x": 1}}},
            "labs.ferritin.x",
            "unknown",
        ),
    ],
)
def test_bad_answers_name_the_field(answers: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_answers(answers)
    assert info.value.field == field
    assert words in str(info.value)


def test_missing_answers_are_not_answered_and_null_is_missing() -> None:
    out = validate_answers({"fever": None, "age": 40, "days_per_week": 2})
    assert "fever" not in out
    assert out == {"age": 40, "days_per_week": 2.0}
    assert isinstance(out["days_per_week"], float)


def test_integral_float_is_accepted_for_int() -> None:
    assert validate_answers({"age": 40.0})["age"] == 40


def test_valid_full_answers_round_trip() -> None:
    ex = json.loads(Path("examples/answers_example.json").read_text())
    out = validate_answers(ex)
    assert out["locations"] == ["calf", "thigh"]
    assert out["urge_to_move"] is True


def test_file_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "answers.json"
    bad.write_text('{\n  "age": 40,\n  "fever": tru\n}\n')
    with pytest.raises(InputFileError) as info:
        validate_answers(bad)
    assert "answers.json" in str(info.value) and "line 3" in str(info.value)
    bad.write_text("[1, 2]")
    with pytest.raises(InputFileError, match="JSON object"):
        validate_answers(bad)
    bad.write_text('{"age": 300}')
    with pytest.raises(ValidationError) as vinfo:
        validate_answers(bad)
    assert vinfo.value.field == "age" and "answers.json" in str(vinfo.value)
    with pytest.raises(InputFileError, match="no such"):
        validate_answers(tmp_path / "missing.json")


def test_schema_covers_the_contract_and_emergency_first() -> None:
    ids = [q.id for q in QUESTIONS]
    contract = [
        "age",
        "sex",
        "pregnancy_weeks",
        "locations",
        "sides",
        "duration_days",
        "days_per_week",
        "timing",
        "kind",
        "urge_to_move",
        "worse_at_rest",
        "relieved_by_movement",
        "worse_evening_night",
        "explained_by_mimic",
        "irls_score",
        "weakness",
        "muscle_wasting",
        "speech_or_swallow_difficulty",
        "breathing_difficulty",
        "rising_weakness_days",
        "loss_of_consciousness",
        "seizure",
        "fever",
        "stiff_neck",
        "confusion",
        "severe_headache",
        "headache",
        "nausea",
        "vomiting",
        "numbness_mouth_fingers",
        "hand_foot_spasm",
        "falls",
        "tongue_twitching",
        "spreading",
        "serotonergic_drug_recent",
        "agitation_sweating",
        "area_weak_or_stiff",
        "new_medication",
        "medications",
        "caffeine_cups_per_day",
        "alcohol_units_per_week",
        "smoker",
        "stress",
        "sleep_hours",
        "heavy_exercise",
        "better_after_lifestyle_changes",
        "diagnoses",
        "labs",
    ]
    assert set(contract) <= set(ids)
    assert len(ids) == len(set(ids))
    n = len(emergency_questions())
    assert n > 0 and all(q.emergency for q in QUESTIONS[:n])
    assert [q.order for q in QUESTIONS] == sorted(q.order for q in QUESTIONS)
    for q in QUESTIONS:
        assert q.text.strip()
        if q.kind in ("choice", "multi"):
            assert q.choices


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({"clonus": "yes"}, "clonus", "true or false"),
        ({"recent_head_injury": 1}, "recent_head_injury", "true or false"),
        ({"timing": ["on standing"]}, "timing", "did you mean 'on_standing'"),
        ({"kind": ["ache"]}, "kind", "'ache'"),
        ({"dark_urin": True}, "dark_urin", "did you mean 'dark_urine'"),
    ],
)
def test_new_keys_keep_field_naming_errors(answers: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_answers(answers)
    assert info.value.field == field
    assert words in str(info.value)


def test_new_keys_and_choices_are_accepted() -> None:
    new = {
        "recent_head_injury": False,
        "sudden_onset": True,
        "one_side_only": False,
        "leg_swelling": False,
        "limp": False,
        "tingling_numb_feet": True,
        "palpitations": False,
        "clonus": False,
        "dark_urine": False,
        "snoring_or_apnoea": True,
        "cataplexy": False,
        "acts_out_dreams": False,
        "anticoagulant": False,
        "kind": ["ache_or_pain", "tic"],
        "timing": ["on_waking", "on_standing", "holding_or_moving"],
    }
    assert validate_answers(new) == {k: new[k] for k in validate_answers(new)}
    assert set(validate_answers(new)) == set(new)
    assert "recent_head_injury" in {q.id for q in emergency_questions()}
