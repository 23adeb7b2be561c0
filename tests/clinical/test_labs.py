"""Lab units, conversion, flags, albumin correction, sex and age thresholds, caveats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twitchscope.clinical import convert, interpret_labs
from twitchscope.clinical.labs import normalise_unit
from twitchscope.errors import ValidationError


@pytest.mark.parametrize(
    ("test", "value", "unit", "expected"),
    [
        ("ferritin", 32, "ng/mL", 32.0),
        ("ferritin", 32, "µg/L", 32.0),
        ("ferritin", 32, "μg/l", 32.0),  # Greek mu, lower case
        ("ferritin", 32, "mcg/L", 32.0),
        ("ferritin", 32, " UG / L ", 32.0),
        ("magnesium", 2.0, "mg/dL", 0.8228),  # 2.0 x 0.4114
        ("magnesium", 1.6, "mEq/L", 0.8),  # divalent: 1 mEq/L = 0.5 mmol/L
        ("calcium", 10.0, "mg/dL", 2.495),
        ("glucose_fasting", 100, "mg/dL", 5.55),
        ("haemoglobin", 13.5, "g/dL", 135.0),
        ("b12", 300, "pg/mL", 221.4),
        ("vitamin_d", 20, "ng/mL", 49.92),
        ("creatinine", 1.0, "mg/dL", 88.4),
        ("hba1c", 7.0, "%", 53.0),  # (7.0 - 2.15) x 10.929 = 53.0
        ("tsh", 2.5, "µIU/mL", 2.5),
        ("tsh", 2.5, "mU/L", 2.5),
        ("potassium", 4.1, "mEq/L", 4.1),
        ("egfr", 75, "mL/min/1.73m2", 75.0),
        ("albumin", 4.0, "g/dL", 40.0),
    ],
)
def test_conversions_by_hand(test: str, value: float, unit: str, expected: float) -> None:
    assert convert(test, value, unit) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize(
    ("test", "unit"),
    [("ferritin", "mmol/L"), ("ferritin", "furlongs"), ("haemoglobin", "%"), ("tsh", "ng/mL")],
)
def test_wrong_or_unknown_unit_lists_accepted_units(test: str, unit: str) -> None:
    with pytest.raises(ValidationError) as info:
        interpret_labs({test: {"value": 1.0, "unit": unit}})
    assert info.value.field == f"labs.{test}.unit"
    assert "accepted:" in str(info.value) and test in str(info.value)


def test_missing_unit_is_an_error() -> None:
    with pytest.raises(ValidationError, match="missing unit"):
        interpret_labs({"ferritin": {"value": 30}})


def test_unit_normalisation() -> None:
    assert normalise_unit("mL/min/1.73 m²") == normalise_unit("ml/min/1.73m2")
    assert normalise_unit("µmol/L") == normalise_unit("umol/l")


def test_reason_names_value_threshold_and_label() -> None:
    r = interpret_labs({"ferritin": {"value": 32, "unit": "ng/mL"}}, age=40).results["ferritin"]
    assert [f.id for f in r.flags] == ["rls_iron_threshold_adult"]
    assert "ferritin 32 µg/L" in r.flags[0].reason
    assert "<= 75 µg/L (RLS iron threshold, adult)" in r.flags[0].reason
    assert not r.abnormal


def test_ferritin_adult_and_child_thresholds() -> None:
    adult = interpret_labs({"ferritin": {"value": 60, "unit": "ng/mL"}}, age=30)
    child = interpret_labs({"ferritin": {"value": 60, "unit": "ng/mL"}}, age=12)
    assert adult.results["ferritin"].flag_ids == {"rls_iron_threshold_adult"}
    assert child.results["ferritin"].flag_ids == set()
    child45 = interpret_labs({"ferritin": {"value": 45, "unit": "ng/mL"}}, age=12)
    assert child45.results["ferritin"].flag_ids == {"rls_iron_threshold_child"}
    unknown = interpret_labs({"ferritin": {"value": 60, "unit": "ng/mL"}})
    assert "Age not answered" in unknown.notes[0]


def test_ferritin_unreliable_after_fever() -> None:
    r = interpret_labs(
        {"ferritin": {"value": 120, "unit": "ng/mL"}},
        answers={"recent_fever_or_inflammation": True},
    ).results["ferritin"]
    assert "unreliable" in r.caveats[0][1]
    assert "unreliable" in r.flag_ids


def test_sex_specific_haemoglobin_and_creatinine() -> None:
    hb = {"haemoglobin": {"value": 125, "unit": "g/L"}}
    assert interpret_labs(hb, sex="female").results["haemoglobin"].flag_ids == set()
    assert interpret_labs(hb, sex="male").results["haemoglobin"].flag_ids == {"low"}
    other = interpret_labs(hb, sex="other").results["haemoglobin"]
    assert other.flag_ids == {"low"} and "stricter" in other.flags[0].reason
    cr = {"creatinine": {"value": 100, "unit": "µmol/L"}}
    assert interpret_labs(cr, sex="female").results["creatinine"].flag_ids == {"high"}
    assert interpret_labs(cr, sex="male").results["creatinine"].flag_ids == set()


def test_albumin_corrected_calcium() -> None:
    # 2.05 + 0.02 x (40 - 30) = 2.25 mmol/L: normal once corrected
    rep = interpret_labs(
        {"calcium": {"value": 2.05, "unit": "mmol/L"}, "albumin": {"value": 30, "unit": "g/L"}}
    )
    ca = rep.results["calcium"]
    assert ca.corrected_value == pytest.approx(2.25)
    assert ca.flag_ids == set()
    alone = interpret_labs({"calcium": {"value": 2.05, "unit": "mmol/L"}}).results["calcium"]
    assert alone.flag_ids == {"low"} and "albumin" in alone.notes[0]


def test_ranges_and_both_ends() -> None:
    g = interpret_labs({"glucose_fasting": {"value": 5.6, "unit": "mmol/L"}})
    assert g.results["glucose_fasting"].flag_ids == {"prediabetes"}
    g = interpret_labs({"glucose_fasting": {"value": 7.0, "unit": "mmol/L"}})
    assert g.results["glucose_fasting"].flag_ids == {"diabetes"}
    b = interpret_labs({"b12": {"value": 148, "unit": "pmol/L"}})
    assert b.results["b12"].flag_ids == {"borderline"}
    k = interpret_labs({"potassium": {"value": 5.0, "unit": "mmol/L"}})
    assert k.results["potassium"].flag_ids == set()


def test_labs_from_file(tmp_path: Path) -> None:
    p = tmp_path / "labs.json"
    p.write_text(json.dumps({"tsh": {"value": 9, "unit": "mIU/L"}}))
    assert interpret_labs(p).results["tsh"].flag_ids == {"high"}
    d = interpret_labs(p).to_dict()
    assert d["results"]["tsh"]["abnormal"] is True
