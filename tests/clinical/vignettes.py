"""Clinical vignettes written from the sources of CLINICAL.md, as data.

Each vignette is a short case (answers, optional labs, recording summary and diary patterns) with
the triage tier and the exact set of finding ids the sources call for. Lab values in other units
were converted by hand (the arithmetic is in the comment next to each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EMERGENCY_IDS = (
    "breathing_difficulty",
    "rising_weakness_days",
    "speech_or_swallow_difficulty",
    "loss_of_consciousness",
    "seizure",
    "fever",
    "stiff_neck",
    "confusion",
    "severe_headache",
    "numbness_mouth_fingers",
    "hand_foot_spasm",
    "throat_tightness",
    "serotonergic_drug_recent",
    "agitation_sweating",
    "muscle_rigidity",
)
#: Every emergency question answered "no": a quiet starting point.
NO_EMERGENCY: dict[str, Any] = dict.fromkeys(EMERGENCY_IDS, False)
RLS_ALL = {
    "urge_to_move": True,
    "worse_at_rest": True,
    "relieved_by_movement": True,
    "worse_evening_night": True,
    "explained_by_mimic": False,
}


@dataclass(frozen=True)
class Vignette:
    name: str
    answers: dict[str, Any]
    tier: str
    ids: frozenset[str]
    labs: dict[str, Any] | None = None
    recording: dict[str, Any] | None = None
    diary: dict[str, Any] | None = None
    rls: dict[str, Any] = field(default_factory=dict)
    unanswered: tuple[str, ...] = ()


def person(**answers: Any) -> dict[str, Any]:
    """A 35-year-old woman who answered no to every emergency question, plus ``answers``."""
    base: dict[str, Any] = {**NO_EMERGENCY, "age": 35, "sex": "female"}
    for key in [k for k, v in answers.items() if v is None]:
        base.pop(key, None)
        answers.pop(key)
    base.update(answers)
    return base


def lab(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def summary(plms: float, *, staged: bool = True) -> dict[str, Any]:
    """A summary.json of `twitchscope score` with this PLMS index."""
    return {
        "plms_index": plms,
        "plmw_index": 3.0 if staged else None,
        "lm_index": plms + 5,
        "plms_count": int(plms * 6.5),
        "periodicity_index": 0.5,
        "total_sleep_time_h": 6.5 if staged else None,
        "time_in_bed_h": 8.0 if staged else None,
        "rules": {"preset": "wasm2016"},
        "channels": {"left": "LAT", "right": "RAT"},
        "warnings": [],
        "index_basis": "total_sleep_time" if staged else "recording_time",
    }


def V(name: str, answers: dict[str, Any], tier: str, ids: set[str], **kw: Any) -> Vignette:
    return Vignette(name=name, answers=answers, tier=tier, ids=frozenset(ids), **kw)


E, U, D, S = "emergency", "urgent", "see_doctor", "self_care"

VIGNETTES: list[Vignette] = [
    # --- emergency red flags, alone (NHS, MSD Manual)
    V(
        "breathing difficulty alone",
        person(breathing_difficulty=True),
        E,
        {"airway_or_breathing_difficulty"},
    ),
    V(
        "throat tightness alone",
        person(throat_tightness=True),
        E,
        {"airway_or_breathing_difficulty"},
    ),
    V("seizure alone", person(seizure=True), E, {"seizure"}),
    V("jerking with loss of consciousness", person(loss_of_consciousness=True), E, {"seizure"}),
    V("sudden confusion alone", person(confusion=True), E, {"acute_confusion"}),
    V(
        "rising weakness alone is urgent, not emergency",
        person(rising_weakness_days=True),
        U,
        {"guillain_barre_pattern"},
    ),
    V("serotonergic drug alone", person(serotonergic_drug_recent=True), D, {"medication_related"}),
    V("agitation and sweating alone", person(agitation_sweating=True), S, set()),
    V(
        "numbness around the mouth alone",
        person(numbness_mouth_fingers=True),
        D,
        {"tetany_low_calcium"},
    ),
    V("hand or foot spasm alone", person(hand_foot_spasm=True), D, {"tetany_low_calcium"}),
    V("fever alone", person(fever=True), D, {"see_doctor_rules"}),
    V("stiff neck alone", person(stiff_neck=True), D, {"see_doctor_rules"}),
    V("severe headache alone", person(severe_headache=True), D, {"see_doctor_rules"}),
    # --- emergency red flags, combined
    V(
        "Guillain-Barre: rising weakness and breathing difficulty",
        person(rising_weakness_days=True, breathing_difficulty=True),
        E,
        {"guillain_barre_pattern", "airway_or_breathing_difficulty"},
    ),
    V(
        "Guillain-Barre: rising weakness and swallowing difficulty",
        person(rising_weakness_days=True, speech_or_swallow_difficulty=True),
        E,
        {"guillain_barre_pattern", "possible_motor_neurone_disease"},
    ),
    V(
        "serotonin toxicity: SSRI and fever",
        person(serotonergic_drug_recent=True, fever=True, medications=["sertraline"]),
        E,
        {"serotonin_toxicity", "medication_related", "see_doctor_rules"},
    ),
    V(
        "serotonin toxicity: tramadol and agitation/sweating",
        person(serotonergic_drug_recent=True, agitation_sweating=True, medications=["tramadol"]),
        E,
        {"serotonin_toxicity", "medication_related"},
    ),
    V(
        "serotonin toxicity: rigidity",
        person(serotonergic_drug_recent=True, muscle_rigidity=True),
        E,
        {"serotonin_toxicity", "medication_related"},
    ),
    V(
        "tetany: perioral numbness and carpopedal spasm",
        person(numbness_mouth_fingers=True, hand_foot_spasm=True),
        E,
        {"tetany_low_calcium"},
    ),
    V(
        "tetany: numbness and throat tightness",
        person(numbness_mouth_fingers=True, throat_tightness=True),
        E,
        {"tetany_low_calcium", "airway_or_breathing_difficulty"},
    ),
    V(
        "meningitis: fever and stiff neck",
        person(fever=True, stiff_neck=True),
        E,
        {"meningitis_signs", "see_doctor_rules"},
    ),
    V(
        "meningitis: fever and severe headache",
        person(fever=True, severe_headache=True),
        E,
        {"meningitis_signs", "see_doctor_rules"},
    ),
    V(
        "meningitis: fever and confusion",
        person(fever=True, confusion=True),
        E,
        {"meningitis_signs", "acute_confusion", "see_doctor_rules"},
    ),
    V(
        "several emergencies at once",
        person(seizure=True, breathing_difficulty=True, fever=True, stiff_neck=True),
        E,
        {"seizure", "airway_or_breathing_difficulty", "meningitis_signs", "see_doctor_rules"},
    ),
    V(
        "emergency outranks typical RLS",
        person(**RLS_ALL, irls_score=25, numbness_mouth_fingers=True, hand_foot_spasm=True),
        E,
        {"tetany_low_calcium", "restless_legs_syndrome"},
        rls={"irls_band": "severe"},
    ),
    V(
        "emergency with unanswered questions still emergency",
        {"seizure": True},
        E,
        {"seizure"},
        unanswered=tuple(q for q in EMERGENCY_IDS if q != "seizure"),
    ),
    # --- urgent: motor neurone disease red flags (NICE NG42, MND Association)
    V("twitching with true weakness", person(weakness=True), U, {"possible_motor_neurone_disease"}),
    V("muscle wasting", person(muscle_wasting=True), U, {"possible_motor_neurone_disease"}),
    V("falls", person(falls=True), U, {"possible_motor_neurone_disease"}),
    V("loss of dexterity", person(loss_of_dexterity=True), U, {"possible_motor_neurone_disease"}),
    V("tongue twitching", person(tongue_twitching=True), U, {"possible_motor_neurone_disease"}),
    V(
        "twitching located in the tongue",
        person(locations=["tongue"], kind=["twitch"]),
        U,
        {"possible_motor_neurone_disease"},
    ),
    V(
        "slurred speech without rising weakness",
        person(speech_or_swallow_difficulty=True),
        U,
        {"possible_motor_neurone_disease"},
    ),
    V(
        "MND pattern: 62, spreading twitches, weakness and wasting for 4 months",
        person(
            age=62,
            sex="male",
            kind=["twitch"],
            locations=["calf", "arm", "hand"],
            weakness=True,
            muscle_wasting=True,
            spreading=True,
            duration_days=120,
        ),
        U,
        {"possible_motor_neurone_disease", "see_doctor_rules", "chronic"},
    ),
    # --- restless legs syndrome (IRLSSG 2014, IRLS 2003)
    V(
        "RLS criteria met, no impact",
        person(**RLS_ALL),
        S,
        {"restless_legs_syndrome"},
        rls={"all_met": True, "chronic_persistent": None, "irls_band": None},
    ),
    V(
        "RLS with disturbed sleep",
        person(**RLS_ALL, sleep_complaint=True),
        D,
        {"restless_legs_syndrome"},
    ),
    V(
        "RLS IRLS 8 (mild), no complaint",
        person(**RLS_ALL, irls_score=8),
        S,
        {"restless_legs_syndrome"},
        rls={"irls_band": "mild"},
    ),
    V(
        "RLS IRLS 15 (moderate)",
        person(**RLS_ALL, irls_score=15),
        D,
        {"restless_legs_syndrome"},
        rls={"irls_band": "moderate"},
    ),
    V(
        "RLS IRLS 35 (very severe)",
        person(**RLS_ALL, irls_score=35),
        D,
        {"restless_legs_syndrome"},
        rls={"irls_band": "very_severe"},
    ),
    V(
        "RLS IRLS 0",
        person(**RLS_ALL, irls_score=0),
        S,
        {"restless_legs_syndrome"},
        rls={"irls_band": "none"},
    ),
    V(
        "RLS chronic-persistent: 3 days a week for 400 days",
        person(**RLS_ALL, days_per_week=3, duration_days=400),
        D,
        {"restless_legs_syndrome", "see_doctor_rules", "chronic"},
        rls={"chronic_persistent": True},
    ),
    V(
        "RLS intermittent: 1 day a week for 400 days",
        person(**RLS_ALL, days_per_week=1, duration_days=400),
        D,
        {"restless_legs_syndrome", "see_doctor_rules", "chronic"},
        rls={"chronic_persistent": False},
    ),
    V(
        "RLS explained by cramps: not RLS",
        person(**{**RLS_ALL, "explained_by_mimic": True}),
        S,
        set(),
        rls={"all_met": False},
    ),
    V(
        "RLS with one criterion unanswered",
        person(**{**RLS_ALL, "worse_evening_night": None}),
        S,
        set(),
        rls={"all_met": False},
    ),
    V(
        "RLS in pregnancy at 28 weeks",
        person(**RLS_ALL, pregnancy_weeks=28),
        D,
        {"restless_legs_syndrome", "pregnancy_related"},
    ),
    # --- benign patterns (ICSD-3, Turner & Talbot 2013)
    V(
        "hypnic jerks",
        person(age=25, kind=["jerk"], timing=["falling_asleep"]),
        S,
        {"hypnic_jerks"},
    ),
    V(
        "jerks in the daytime too: not hypnic jerks",
        person(kind=["jerk"], timing=["falling_asleep", "daytime"]),
        S,
        set(),
    ),
    V(
        "benign fasciculations, 25, no weakness",
        person(
            age=25,
            kind=["twitch"],
            locations=["calf"],
            timing=["daytime"],
            duration_days=7,
            weakness=False,
            muscle_wasting=False,
        ),
        S,
        {"benign_fasciculations"},
    ),
    V(
        "twitches with weakness not answered: no reassurance",
        person(age=25, kind=["twitch"], locations=["calf"], duration_days=7),
        S,
        set(),
    ),
    V(
        "fasciculations at 55 without weakness",
        person(
            age=55,
            kind=["twitch"],
            locations=["calf"],
            duration_days=10,
            weakness=False,
            muscle_wasting=False,
        ),
        D,
        {"benign_fasciculations"},
    ),
    V(
        "eyelid flicker for a month",
        person(
            age=30,
            kind=["flicker"],
            locations=["eyelid"],
            duration_days=30,
            weakness=False,
            muscle_wasting=False,
        ),
        D,
        {"benign_fasciculations", "see_doctor_rules"},
    ),
    V("night cramps", person(kind=["cramp"], timing=["night"]), S, {"night_cramps"}),
    V("tremor", person(kind=["tremor"]), D, {"tremor"}),
    # --- lifestyle (FDA, UK CMO, AASM/SRS)
    V("5 cups of coffee", person(caffeine_cups_per_day=5), S, {"stimulant_related"}),
    V("3 cups of coffee", person(caffeine_cups_per_day=3), S, set()),
    V("20 units of alcohol a week", person(alcohol_units_per_week=20), S, {"stimulant_related"}),
    V("smoker", person(smoker=True), S, {"stimulant_related"}),
    V("high stress", person(stress=8), S, {"stress_or_sleep_loss"}),
    V("5.5 hours of sleep", person(sleep_hours=5.5), S, {"stress_or_sleep_loss"}),
    V("heavy exercise", person(heavy_exercise=True), S, {"exercise_related"}),
    V("twitching after exercise", person(timing=["after_exercise"]), S, {"exercise_related"}),
    # --- medicines (NHS, AASM 2024)
    V(
        "started after a new medicine",
        person(new_medication=True),
        D,
        {"medication_related", "see_doctor_rules"},
    ),
    V(
        "urge to move on an antidepressant",
        person(urge_to_move=True, medications=["Sertraline 50mg"]),
        D,
        {"medication_related"},
    ),
    V("salbutamol inhaler", person(medications=["salbutamol inhaler"]), S, {"medication_related"}),
    V(
        "RLS on pramipexole (augmentation)",
        person(**RLS_ALL, medications=["pramipexole"]),
        D,
        {"restless_legs_syndrome", "medication_related"},
    ),
    # --- NHS list of reasons to see a doctor
    V("starts at rest", person(timing=["rest"]), D, {"see_doctor_rules"}),
    V("calf and arm", person(locations=["calf", "arm"]), D, {"see_doctor_rules"}),
    V("whole body", person(locations=["whole_body"]), D, {"see_doctor_rules"}),
    V("calf and thigh are one region", person(locations=["calf", "thigh"]), S, set()),
    V(
        "not better after lifestyle changes",
        person(better_after_lifestyle_changes=False),
        D,
        {"see_doctor_rules"},
    ),
    V("area weak or stiff", person(area_weak_or_stiff=True), D, {"see_doctor_rules"}),
    V("with nausea and vomiting", person(nausea=True, vomiting=True), D, {"see_doctor_rules"}),
    # --- chronic
    V("120 days", person(duration_days=120), D, {"see_doctor_rules", "chronic"}),
    V("60 days", person(duration_days=60), D, {"see_doctor_rules"}),
    V("10 days", person(duration_days=10), S, set()),
    # --- labs (section 7), converted by hand
    V(
        "ferritin 10 ng/mL: no stores",
        person(),
        D,
        {"iron_deficiency"},
        labs={"ferritin": lab(10, "ng/mL")},
    ),
    V(
        "ferritin 20 ug/L: low",
        person(),
        D,
        {"iron_deficiency"},
        labs={"ferritin": lab(20, "ug/L")},
    ),
    V(
        "ferritin 50 mcg/L without RLS: fine",
        person(),
        S,
        set(),
        labs={"ferritin": lab(50, "mcg/L")},
    ),
    V(
        "ferritin 50 with RLS: below the RLS iron threshold",
        person(**RLS_ALL),
        D,
        {"restless_legs_syndrome", "iron_deficiency"},
        labs={"ferritin": lab(50, "µg/L")},
    ),
    V(
        "ferritin 80 with RLS: above 75",
        person(**RLS_ALL),
        S,
        {"restless_legs_syndrome"},
        labs={"ferritin": lab(80, "ng/mL")},
    ),
    V(
        "child of 10 with RLS, ferritin 45 (< 50)",
        person(age=10, **RLS_ALL),
        D,
        {"restless_legs_syndrome", "iron_deficiency"},
        labs={"ferritin": lab(45, "ng/mL")},
    ),
    V(
        "child of 10 with RLS, ferritin 60 (>= 50)",
        person(age=10, **RLS_ALL),
        S,
        {"restless_legs_syndrome"},
        labs={"ferritin": lab(60, "ng/mL")},
    ),
    V(
        "transferrin saturation 15 %",
        person(),
        D,
        {"iron_deficiency"},
        labs={"transferrin_saturation": lab(15, "%")},
    ),
    V(
        "haemoglobin 115 g/L, woman",
        person(),
        D,
        {"anaemia"},
        labs={"haemoglobin": lab(115, "g/L")},
    ),
    # 12.5 g/dL x 10 = 125 g/L: >= 120 (women) but < 130 (men)
    V(
        "haemoglobin 12.5 g/dL, woman: fine",
        person(),
        S,
        set(),
        labs={"haemoglobin": lab(12.5, "g/dL")},
    ),
    V(
        "haemoglobin 12.5 g/dL, man: anaemia",
        person(sex="male"),
        D,
        {"anaemia"},
        labs={"haemoglobin": lab(12.5, "g/dL")},
    ),
    # 1.6 mg/dL x 0.4114 = 0.658 mmol/L < 0.70
    V(
        "magnesium 1.6 mg/dL with night cramps",
        person(kind=["cramp"], timing=["night"]),
        D,
        {"night_cramps", "magnesium_low"},
        labs={"magnesium": lab(1.6, "mg/dL")},
    ),
    # 1.8 mg/dL x 0.4114 = 0.741 mmol/L
    V("magnesium 1.8 mg/dL: fine", person(), S, set(), labs={"magnesium": lab(1.8, "mg/dL")}),
    V(
        "potassium 3.2 mEq/L",
        person(),
        D,
        {"potassium_abnormal"},
        labs={"potassium": lab(3.2, "mEq/L")},
    ),
    V(
        "potassium 5.6 mmol/L",
        person(),
        D,
        {"potassium_abnormal"},
        labs={"potassium": lab(5.6, "mmol/L")},
    ),
    V("sodium 130", person(), D, {"sodium_abnormal"}, labs={"sodium": lab(130, "mmol/L")}),
    V("sodium 150", person(), D, {"sodium_abnormal"}, labs={"sodium": lab(150, "mmol / L")}),
    # 8.0 mg/dL x 0.2495 = 1.996 mmol/L < 2.15
    V(
        "calcium 8.0 mg/dL, no albumin: low",
        person(),
        D,
        {"calcium_abnormal"},
        labs={"calcium": lab(8.0, "mg/dL")},
    ),
    # corrected 1.996 + 0.02 x (40 - 30) = 2.196: in range
    V(
        "calcium 8.0 mg/dL, albumin 3.0 g/dL: corrected normal",
        person(),
        S,
        set(),
        labs={"calcium": lab(8.0, "mg/dL"), "albumin": lab(3.0, "g/dL")},
    ),
    # corrected 2.20 + 0.02 x (40 - 45) = 2.10 < 2.15
    V(
        "calcium 2.20 with albumin 45: corrected low",
        person(),
        D,
        {"calcium_abnormal"},
        labs={"calcium": lab(2.20, "mmol/L"), "albumin": lab(45, "g/L")},
    ),
    V(
        "calcium 2.7 mmol/L: high",
        person(),
        D,
        {"calcium_abnormal"},
        labs={"calcium": lab(2.7, "mmol/L")},
    ),
    V(
        "ionised calcium 1.05",
        person(),
        D,
        {"calcium_abnormal"},
        labs={"ionised_calcium": lab(1.05, "mmol/L")},
    ),
    # 110 mg/dL x 0.0555 = 6.105 mmol/L: prediabetes
    V(
        "fasting glucose 110 mg/dL",
        person(),
        D,
        {"glucose_high"},
        labs={"glucose_fasting": lab(110, "mg/dL")},
    ),
    V(
        "fasting glucose 7.5 mmol/L",
        person(),
        D,
        {"glucose_high"},
        labs={"glucose_fasting": lab(7.5, "mmol/L")},
    ),
    # 60 mg/dL x 0.0555 = 3.33 mmol/L < 3.9
    V(
        "fasting glucose 60 mg/dL: low",
        person(),
        D,
        {"glucose_low"},
        labs={"glucose_fasting": lab(60, "mg/dL")},
    ),
    # (6.5 - 2.15) x 10.929 = 47.5 -> 48 mmol/mol: diabetes
    V("HbA1c 6.5 %", person(), D, {"glucose_high"}, labs={"hba1c": lab(6.5, "%")}),
    # (5.4 - 2.15) x 10.929 = 35.5 -> 36 mmol/mol: normal
    V("HbA1c 5.4 %: fine", person(), S, set(), labs={"hba1c": lab(5.4, "%")}),
    V("TSH 0.1 (low)", person(), D, {"thyroid_abnormal"}, labs={"tsh": lab(0.1, "mIU/L")}),
    V("TSH 6 uIU/mL (high)", person(), D, {"thyroid_abnormal"}, labs={"tsh": lab(6, "uIU/mL")}),
    # 190 pg/mL x 0.738 = 140.2 pmol/L < 148
    V("B12 190 pg/mL: deficient", person(), D, {"b12_low"}, labs={"b12": lab(190, "pg/mL")}),
    V("B12 250 pmol/L: borderline", person(), D, {"b12_low"}, labs={"b12": lab(250, "pmol/L")}),
    # 10 ng/mL x 2.496 = 24.96 nmol/L < 30
    V("vitamin D 10 ng/mL", person(), D, {"vitamin_d_low"}, labs={"vitamin_d": lab(10, "ng/mL")}),
    # 20 ng/mL x 2.496 = 49.9 nmol/L
    V("vitamin D 20 ng/mL: fine", person(), S, set(), labs={"vitamin_d": lab(20, "ng/mL")}),
    V(
        "eGFR 45",
        person(),
        D,
        {"kidney_function_reduced"},
        labs={"egfr": lab(45, "mL/min/1.73 m²")},
    ),
    # 1.1 mg/dL x 88.4 = 97.24 umol/L: > 97 (women), <= 106 (men)
    V(
        "creatinine 1.1 mg/dL, woman",
        person(),
        D,
        {"kidney_function_reduced"},
        labs={"creatinine": lab(1.1, "mg/dL")},
    ),
    V(
        "creatinine 1.1 mg/dL, man",
        person(sex="male"),
        S,
        set(),
        labs={"creatinine": lab(1.1, "mg/dL")},
    ),
    # --- recordings (ICSD-3)
    V(
        "PLMS 25/h with a sleep complaint, no RLS: PLMD possible",
        person(sleep_complaint=True, urge_to_move=False),
        D,
        {"periodic_limb_movements", "plmd_possible"},
        recording=summary(25),
    ),
    V(
        "PLMS 25/h without a complaint: a finding only",
        person(sleep_complaint=False, daytime_sleepiness=False),
        D,
        {"periodic_limb_movements"},
        recording=summary(25),
    ),
    V(
        "PLMS 25/h with RLS: RLS with PLMS, not PLMD",
        person(**RLS_ALL, daytime_sleepiness=True),
        D,
        {"restless_legs_syndrome", "periodic_limb_movements"},
        recording=summary(25),
    ),
    V(
        "PLMS 10/h adult: below the cut-off",
        person(sleep_complaint=True),
        S,
        set(),
        recording=summary(10),
    ),
    V(
        "PLMS 8/h child with a complaint: above the child cut-off",
        person(age=9, sleep_complaint=True),
        D,
        {"periodic_limb_movements", "plmd_possible"},
        recording=summary(8),
    ),
    V(
        "PLM 25 per hour of recording without staging",
        person(sleep_complaint=True),
        D,
        {"plm_without_sleep_staging"},
        recording=summary(25, staged=False),
    ),
    # --- diary patterns (Consensus Sleep Diary)
    V(
        "diary: chronic, spreading, evening peak, caffeine days",
        person(**RLS_ALL),
        D,
        {"restless_legs_syndrome", "chronic", "see_doctor_rules", "stimulant_related"},
        diary={
            "n_episodes": 80,
            "n_days_recorded": 90,
            "days_affected_last_90": 60,
            "chronic": True,
            "spread": True,
            "new_locations": ["arm"],
            "evening_night_peak": True,
            "evening_night_share": 0.8,
            "trend": "stable",
            "factor_associations": [
                {
                    "factor": "caffeine",
                    "n_days_with": 30,
                    "n_days_without": 60,
                    "rate_with": 1.6,
                    "rate_without": 0.6,
                    "ratio": 2.7,
                    "p_value": 0.001,
                    "enough_data": True,
                    "direction": "more",
                    "statement": "1.6 episodes/day with caffeine vs 0.6 without (30 vs 60 days)",
                },
            ],
        },
    ),
    V(
        "diary: a large ratio the diary's own test did not confirm is no claim",
        person(),
        S,
        set(),
        diary={
            "n_episodes": 12,
            "n_days_recorded": 20,
            "days_affected_last_90": 9,
            "chronic": None,
            "spread": None,
            "evening_night_peak": None,
            "evening_night_share": None,
            "trend": None,
            "factor_associations": [
                {
                    "factor": "caffeine",
                    "n_days_with": 8,
                    "n_days_without": 12,
                    "rate_with": 0.9,
                    "rate_without": 0.4,
                    "ratio": 2.25,
                    "p_value": 0.21,
                    "enough_data": True,
                    "direction": "no_difference",
                    "statement": "no clear difference in episodes on days with caffeine",
                },
            ],
        },
    ),
    V(
        "diary: episodes only on caffeine days (no baseline, ratio undefined) is a claim",
        person(),
        S,
        {"stimulant_related"},
        diary={
            "n_episodes": 20,
            "n_days_recorded": 30,
            "days_affected_last_90": 15,
            "chronic": None,
            "spread": None,
            "evening_night_peak": None,
            "evening_night_share": None,
            "trend": None,
            "factor_associations": [
                {
                    "factor": "caffeine",
                    "n_days_with": 15,
                    "n_days_without": 15,
                    "rate_with": 1.3,
                    "rate_without": 0.0,
                    "ratio": None,
                    "p_value": 0.0001,
                    "enough_data": True,
                    "direction": "more",
                    "statement": "episodes were more frequent on days with caffeine",
                },
            ],
        },
    ),
    V(
        "diary: too few days for a factor claim",
        person(),
        S,
        set(),
        diary={
            "n_episodes": 5,
            "n_days_recorded": 6,
            "days_affected_last_90": 4,
            "chronic": None,
            "spread": None,
            "evening_night_peak": None,
            "evening_night_share": None,
            "trend": None,
            "factor_associations": [
                {
                    "factor": "stress",
                    "n_days_with": 2,
                    "n_days_without": 4,
                    "rate_with": 2.0,
                    "rate_without": 0.5,
                    "ratio": 4.0,
                    "enough_data": False,
                    "statement": "",
                },
            ],
        },
    ),
    # --- unanswered emergency questions
    V("nothing answered", {}, S, set(), unanswered=EMERGENCY_IDS),
    V(
        "only some emergency questions answered",
        {"fever": False, "seizure": False, "kind": ["cramp"], "timing": ["night"]},
        S,
        {"night_cramps"},
        unanswered=tuple(q for q in EMERGENCY_IDS if q not in ("fever", "seizure")),
    ),
]
