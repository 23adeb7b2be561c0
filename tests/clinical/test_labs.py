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
        ("magnesium", 2.0, "mg/dL", 0.8229),  # 2.0 / 2.4305 (Mg 24.305 g/mol)
        ("magnesium", 1.6, "mEq/L", 0.8),  # divalent: 1 mEq/L = 0.5 mmol/L
        ("calcium", 10.0, "mg/dL", 2.4951),  # 10 / 4.0078 (Ca 40.078 g/mol)
        ("glucose_fasting", 100, "mg/dL", 5.5506),  # 100 / 18.016 (glucose 180.16 g/mol)
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
    # Plain words, in the unit the person used (ng/mL = µg/L), with no field names or symbols.
    assert r.flags[0].reason == (
        "ferritin (iron stores) 32 ng/mL is at or below the level at which iron treatment is "
        "recommended for restless legs in adults (75 ng/mL or less)"
    )
    assert not r.abnormal
    low = interpret_labs({"ferritin": {"value": 18, "unit": "µg/L"}}).results["ferritin"]
    assert low.flags[0].reason.startswith("ferritin (iron stores) 18 µg/L is low")


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
    unknown = interpret_labs(hb).results["haemoglobin"]
    assert unknown.flag_ids == {"low"} and "stricter" in unknown.flags[0].reason
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
    # 1.90 + 0.02 x (40 - 30) = 2.10 mmol/L: low once adjusted, and the sentence says so
    low = interpret_labs(
        {"calcium": {"value": 1.90, "unit": "mmol/L"}, "albumin": {"value": 30, "unit": "g/L"}}
    ).results["calcium"]
    assert low.flag_ids == {"low"}
    assert low.flags[0].reason == (
        "calcium 1.9 mmol/L, adjusted for albumin 30 g/L to 2.1 mmol/L is low (below 2.15 mmol/L)"
    )


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


# Each limit lands where its source puts it, in the source's own unit (no rounding artefacts).
@pytest.mark.parametrize(
    ("test", "value", "unit", "flags"),
    [
        # ADA 2024 gives fasting glucose limits in mg/dL and mmol/L
        ("glucose_fasting", 126, "mg/dL", {"diabetes"}),
        ("glucose_fasting", 125.9, "mg/dL", {"prediabetes"}),
        ("glucose_fasting", 7.0, "mmol/L", {"diabetes"}),
        ("glucose_fasting", 6.99, "mmol/L", {"prediabetes"}),
        ("glucose_fasting", 100, "mg/dL", {"prediabetes"}),
        ("glucose_fasting", 99.9, "mg/dL", set()),
        ("glucose_fasting", 5.6, "mmol/L", {"prediabetes"}),
        ("glucose_fasting", 5.59, "mmol/L", set()),
        ("glucose_fasting", 70, "mg/dL", set()),
        ("glucose_fasting", 69.9, "mg/dL", {"low"}),
        ("glucose_fasting", 3.9, "mmol/L", set()),
        ("glucose_fasting", 3.89, "mmol/L", {"low"}),
        # RCPath critical glucose is in mmol/L: 2.5 x 18.016 = 45.04 mg/dL exactly
        ("glucose_fasting", 45.04, "mg/dL", {"low", "critical_low"}),
        ("glucose_fasting", 45.05, "mg/dL", {"low"}),
        # ADA HbA1c in % and mmol/mol
        ("hba1c", 6.5, "%", {"diabetes"}),
        ("hba1c", 6.49, "%", {"prediabetes"}),
        ("hba1c", 5.7, "%", {"prediabetes"}),
        ("hba1c", 5.69, "%", set()),
        ("hba1c", 48, "mmol/mol", {"diabetes"}),
        ("hba1c", 39, "mmol/mol", {"prediabetes"}),
        # BSH 2014: B12 below 148 pmol/L = 200 ng/L (pg/mL)
        ("b12", 200, "pg/mL", {"borderline"}),
        ("b12", 199.9, "pg/mL", {"deficient"}),
        ("b12", 200, "ng/L", {"borderline"}),
        ("b12", 148, "pmol/L", {"borderline"}),
        ("b12", 147.9, "pmol/L", {"deficient"}),
        ("b12", 350, "pg/mL", {"borderline"}),
        ("b12", 350.1, "pg/mL", set()),
        # IOM 2011: vitamin D below 30 nmol/L = 12 ng/mL at risk of deficiency, 30 to under
        # 50 nmol/L (12 to under 20 ng/mL) possibly inadequate for some, 50 (20) or more enough
        ("vitamin_d", 12, "ng/mL", {"inadequate"}),
        ("vitamin_d", 11.99, "ng/mL", {"deficient"}),
        ("vitamin_d", 30, "nmol/L", {"inadequate"}),
        ("vitamin_d", 29.9, "nmol/L", {"deficient"}),
        ("vitamin_d", 19.99, "ng/mL", {"inadequate"}),
        ("vitamin_d", 20, "ng/mL", set()),
        ("vitamin_d", 50, "nmol/L", set()),
        # Kost 1993 ionised calcium critical limits in mmol/L and mg/dL
        ("ionised_calcium", 0.82, "mmol/L", {"low", "critical_low"}),
        ("ionised_calcium", 3.29, "mg/dL", {"low", "critical_low"}),
        ("ionised_calcium", 6.21, "mg/dL", {"high", "critical_high"}),
        # RCPath critical limits converted exactly (Ca 40.078, Mg 24.305 g/mol)
        ("calcium", 7.21404, "mg/dL", {"low", "critical_low"}),
        ("calcium", 7.21405, "mg/dL", {"low"}),
        ("magnesium", 0.9722, "mg/dL", {"low", "critical_low"}),
        ("magnesium", 0.80, "mEq/L", {"low", "critical_low"}),
        ("haemoglobin", 7.0, "g/dL", {"low", "critical_low"}),
        ("potassium", 6.5, "mEq/L", {"high", "critical_high"}),
    ],
)
def test_limits_land_where_the_source_says(
    test: str, value: float, unit: str, flags: set[str]
) -> None:
    r = interpret_labs({test: {"value": value, "unit": unit}}, age=40, sex="female")
    assert r.results[test].flag_ids == flags


def test_a_critical_value_reads_once_in_plain_words() -> None:
    r = interpret_labs({"potassium": {"value": 6.8, "unit": "mmol/L"}}).results["potassium"]
    assert r.critical and r.flag_ids == {"high", "critical_high"}
    reasons = {f.reason for f in r.flags}
    assert len(reasons) == 1
    (reason,) = reasons
    assert reason.startswith("potassium 6.8 mmol/L is dangerously high (6.5 mmol/L or more)")
    assert "same day" in reason and "emergency treatment" in reason
    for symbol in (">", "<", "=", "_"):
        assert symbol not in reason


def test_a_converted_value_shows_the_unit_it_was_compared_in() -> None:
    r = interpret_labs({"b12": {"value": 150, "unit": "pmol/L"}}).results["b12"]
    assert r.flags[0].reason == "vitamin B12 150 pmol/L is borderline (from 148 up to 258 pmol/L)"
    g = interpret_labs({"creatinine": {"value": 1.2, "unit": "mg/dL"}}, age=40, sex="male")
    (flag,) = g.results["creatinine"].flags
    assert "1.2 mg/dL (about 106.1 µmol/L) is high for a man (above 106 µmol/L)" in flag.reason


@pytest.mark.parametrize(
    ("answers", "value", "flagged", "word"),
    [
        ({"age": 3}, 109, True, "6 months to 4 years"),
        ({"age": 3}, 110, False, ""),
        ({"age": 8}, 114, True, "5 to 11"),
        ({"age": 8}, 115, False, ""),
        ({"age": 13, "sex": "male"}, 119, True, "12 to 14"),
        ({"age": 30, "sex": "female", "pregnancy_weeks": 12}, 109, True, "pregnancy"),
        ({"age": 30, "sex": "female", "pregnancy_weeks": 12}, 110, False, ""),
        ({"age": 30, "sex": "female", "pregnancy_weeks": 0}, 119, True, "not pregnant"),
        ({"age": 30, "sex": "female"}, 119, True, "not pregnant"),
        ({"age": 30, "sex": "male"}, 129, True, "for a man"),
        ({"age": 30}, 129, True, "stricter"),
    ],
)
def test_who_2011_haemoglobin_limits_by_age_sex_and_pregnancy(
    answers: dict, value: float, flagged: bool, word: str
) -> None:
    r = interpret_labs({"haemoglobin": {"value": value, "unit": "g/L"}}, answers=answers)
    res = r.results["haemoglobin"]
    assert ("low" in res.flag_ids) is flagged
    if flagged:
        assert word in res.flags[0].reason


def test_unknown_pregnancy_and_missing_child_limits_are_said() -> None:
    r = interpret_labs(
        {"haemoglobin": {"value": 115, "unit": "g/L"}}, answers={"age": 30, "sex": "female"}
    ).results["haemoglobin"]
    assert any("Pregnancy not answered" in u for u in r.unknowns)
    man = interpret_labs(
        {"haemoglobin": {"value": 115, "unit": "g/L"}}, answers={"age": 30, "sex": "male"}
    ).results["haemoglobin"]
    assert man.unknowns == ()
    baby = interpret_labs(
        {"haemoglobin": {"value": 100, "unit": "g/L"}}, answers={"age": 0}
    ).results["haemoglobin"]
    assert baby.flag_ids == set() and any("6 months" in u for u in baby.unknowns)
    child = interpret_labs(
        {"creatinine": {"value": 150, "unit": "µmol/L"}}, answers={"age": 9}
    ).results["creatinine"]
    assert child.flag_ids == set() and any("child" in u for u in child.unknowns)


def test_exact_arithmetic() -> None:
    from fractions import Fraction

    from twitchscope.clinical.labs import exact

    assert exact(0.1) == Fraction(1, 10)
    assert exact(7.0) == 7
    assert exact(45.04) / exact(18.016) == Fraction(5, 2)
    with pytest.raises(TypeError):
        exact(True)
