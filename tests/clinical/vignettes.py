"""Clinical vignettes written from the sources clinical/data/sources.json cites, as data.

Each vignette is a short case (answers, optional labs, recording summary and diary patterns) with
the triage tier and the exact set of finding ids the sources call for. Lab values in other units
were converted by hand (the arithmetic is in the comment next to each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from twitchscope.clinical.questions import emergency_questions

#: Every emergency question, in the order asked (the schema is the single source of truth).
EMERGENCY_IDS: tuple[str, ...] = tuple(q.id for q in emergency_questions())
#: Every emergency question answered "no": a quiet starting point.
NO_EMERGENCY: dict[str, Any] = dict.fromkeys(EMERGENCY_IDS, False)
#: The sleep disorders that must be excluded before PLMD, answered as absent.
NO_OTHER_SLEEP_DISORDER: dict[str, Any] = {
    "snoring_or_apnoea": False,
    "acts_out_dreams": False,
    "cataplexy": False,
}
#: The motor neurone disease red flags other than weakness and wasting, answered as absent.
NO_MND_FLAGS: dict[str, Any] = {
    "falls": False,
    "loss_of_dexterity": False,
    "tongue_twitching": False,
}
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
        "jerks in the daytime too: myoclonus, not hypnic jerks",
        person(kind=["jerk"], timing=["falling_asleep", "daytime"]),
        D,
        {"myoclonus"},
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
            **NO_MND_FLAGS,
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
            **NO_MND_FLAGS,
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
            **NO_MND_FLAGS,
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
        person(sleep_complaint=True, urge_to_move=False, **NO_OTHER_SLEEP_DISORDER),
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
        person(age=9, sleep_complaint=True, urge_to_move=False, **NO_OTHER_SLEEP_DISORDER),
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


def labs_of(**tests: tuple[float, str]) -> dict[str, Any]:
    """``labs_of(potassium=(6.5, "mmol/L"))`` -> the labs mapping."""
    return {name: lab(value, unit) for name, (value, unit) in tests.items()}


# Every critical limit at its exact edge, in each unit the engine accepts for it: the value on the
# limit is critical (urgent), the next step inward is only abnormal (see_doctor). Conversions are
# exact: calcium 1.80 mmol/L = 1.80 x 4.0078 = 7.21404 mg/dL; magnesium 0.40 mmol/L = 0.40 x 2.4305
# = 0.9722 mg/dL = 0.80 mEq/L; glucose 2.5 mmol/L = 2.5 x 18.016 = 45.04 mg/dL; haemoglobin
# 70 g/L = 7.0 g/dL. Ionised calcium has its source's own mg/dL limits (3.29 and 6.21, Kost 1993).
CRITICAL_EDGES: list[tuple[str, str, float, str, str, str]] = [
    # (test, finding, value, unit, tier at this value, what it shows)
    ("potassium", "potassium_abnormal", 2.5, "mmol/L", U, "critical low"),
    ("potassium", "potassium_abnormal", 2.5, "mEq/L", U, "critical low"),
    ("potassium", "potassium_abnormal", 2.6, "mmol/L", D, "low, not critical"),
    ("potassium", "potassium_abnormal", 6.5, "mmol/L", E, "severe high: emergency"),
    ("potassium", "potassium_abnormal", 6.5, "mEq/L", E, "severe high: emergency"),
    ("potassium", "potassium_abnormal", 6.4, "mmol/L", D, "high, not critical"),
    ("sodium", "sodium_abnormal", 120, "mmol/L", U, "critical low"),
    ("sodium", "sodium_abnormal", 120, "mEq/L", U, "critical low"),
    ("sodium", "sodium_abnormal", 121, "mmol/L", D, "low, not critical"),
    ("sodium", "sodium_abnormal", 155, "mmol/L", U, "critical high"),
    ("sodium", "sodium_abnormal", 154, "mmol/L", D, "high, not critical"),
    ("calcium", "calcium_abnormal", 1.80, "mmol/L", U, "critical low"),
    ("calcium", "calcium_abnormal", 7.21404, "mg/dL", U, "critical low"),
    ("calcium", "calcium_abnormal", 7.2141, "mg/dL", D, "low, not critical"),
    ("calcium", "calcium_abnormal", 1.81, "mmol/L", D, "low, not critical"),
    ("calcium", "calcium_abnormal", 3.50, "mmol/L", U, "critical high"),
    ("calcium", "calcium_abnormal", 14.0273, "mg/dL", U, "critical high"),
    ("calcium", "calcium_abnormal", 3.49, "mmol/L", D, "high, not critical"),
    ("ionised_calcium", "calcium_abnormal", 0.82, "mmol/L", U, "critical low"),
    ("ionised_calcium", "calcium_abnormal", 3.29, "mg/dL", U, "critical low"),
    ("ionised_calcium", "calcium_abnormal", 3.30, "mg/dL", D, "low, not critical"),
    ("ionised_calcium", "calcium_abnormal", 0.83, "mmol/L", D, "low, not critical"),
    ("ionised_calcium", "calcium_abnormal", 1.55, "mmol/L", U, "critical high"),
    ("ionised_calcium", "calcium_abnormal", 6.21, "mg/dL", U, "critical high"),
    ("ionised_calcium", "calcium_abnormal", 6.20, "mg/dL", D, "high, not critical"),
    ("magnesium", "magnesium_low", 0.40, "mmol/L", U, "critical low"),
    ("magnesium", "magnesium_low", 0.9722, "mg/dL", U, "critical low"),
    ("magnesium", "magnesium_low", 0.80, "mEq/L", U, "critical low"),
    ("magnesium", "magnesium_low", 0.9723, "mg/dL", D, "low, not critical"),
    ("magnesium", "magnesium_low", 0.41, "mmol/L", D, "low, not critical"),
    ("glucose_fasting", "glucose_low", 2.5, "mmol/L", U, "critical low"),
    ("glucose_fasting", "glucose_low", 45.04, "mg/dL", U, "critical low"),
    ("glucose_fasting", "glucose_low", 45.05, "mg/dL", D, "low, not critical"),
    ("glucose_fasting", "glucose_low", 2.6, "mmol/L", D, "low, not critical"),
    ("haemoglobin", "anaemia", 70, "g/L", U, "critical low"),
    ("haemoglobin", "anaemia", 7.0, "g/dL", U, "critical low"),
    ("haemoglobin", "anaemia", 71, "g/L", D, "anaemia, not critical"),
    ("haemoglobin", "anaemia", 7.1, "g/dL", D, "anaemia, not critical"),
]
VIGNETTES += [
    V(
        f"{test} {value:g} {unit}: {what}",
        person(),
        tier,
        {finding},
        labs={test: lab(value, unit)},
    )
    for test, finding, value, unit, tier, what in CRITICAL_EDGES
]

VIGNETTES += [
    # --- units: each limit in its source's unit (ADA mg/dL and mmol/L, BSH, IOM)
    V(
        "fasting glucose 126 mg/dL: the ADA diabetes limit exactly",
        person(),
        D,
        {"glucose_high"},
        labs=labs_of(glucose_fasting=(126, "mg/dL")),
    ),
    V(
        "fasting glucose 100 mg/dL: the ADA prediabetes limit exactly",
        person(),
        D,
        {"glucose_high"},
        labs=labs_of(glucose_fasting=(100, "mg/dL")),
    ),
    V(
        "fasting glucose 99 mg/dL: normal",
        person(),
        S,
        set(),
        labs=labs_of(glucose_fasting=(99, "mg/dL")),
    ),
    V(
        "vitamin B12 200 pg/mL: borderline, not deficient (BSH limit in pg/mL)",
        person(),
        D,
        {"b12_low"},
        labs=labs_of(b12=(200, "pg/mL")),
    ),
    V(
        "vitamin D 12 ng/mL: not deficient (IOM limit in ng/mL)",
        person(),
        S,
        set(),
        labs=labs_of(vitamin_d=(12, "ng/mL")),
    ),
    V(
        "vitamin D 11.9 ng/mL: deficient",
        person(),
        D,
        {"vitamin_d_low"},
        labs=labs_of(vitamin_d=(11.9, "ng/mL")),
    ),
    # --- labs together with the symptom they explain (SfE 2016, Spasovski 2014, UKKA 2020, NHS)
    V(
        "low calcium with tingling round the mouth: emergency",
        person(numbness_mouth_fingers=True),
        E,
        {"tetany_low_calcium", "calcium_abnormal"},
        labs=labs_of(calcium=(2.05, "mmol/L")),
    ),
    V(
        "low ionised calcium with hand spasm: emergency",
        person(hand_foot_spasm=True),
        E,
        {"tetany_low_calcium", "calcium_abnormal"},
        labs=labs_of(ionised_calcium=(1.05, "mmol/L")),
    ),
    V(
        "low sodium with vomiting: emergency",
        person(vomiting=True),
        E,
        {"symptomatic_low_sodium", "sodium_abnormal", "see_doctor_rules"},
        labs=labs_of(sodium=(128, "mmol/L")),
    ),
    V(
        "low sodium with confusion: emergency",
        person(confusion=True),
        E,
        {"symptomatic_low_sodium", "sodium_abnormal", "acute_confusion"},
        labs=labs_of(sodium=(126, "mmol/L")),
    ),
    V(
        "low potassium with palpitations: urgent",
        person(palpitations=True),
        U,
        {"potassium_with_symptoms", "potassium_abnormal"},
        labs=labs_of(potassium=(3.2, "mmol/L")),
    ),
    V(
        "critical potassium with palpitations: emergency",
        person(palpitations=True),
        E,
        {"potassium_with_symptoms", "potassium_abnormal"},
        labs=labs_of(potassium=(2.4, "mmol/L")),
    ),
    V(
        "low blood sugar with confusion: emergency",
        person(confusion=True),
        E,
        {"symptomatic_low_glucose", "glucose_low", "acute_confusion"},
        labs=labs_of(glucose_fasting=(60, "mg/dL")),
    ),
    # --- children (NHS, NICE NG143, WHO 2011, AASM 2016)
    V(
        "febrile seizure in a toddler",
        person(age=2, fever=True, seizure=True),
        E,
        {"febrile_seizure", "seizure", "see_doctor_rules"},
    ),
    V(
        "toddler with fever and whole-body jerks, seizure question skipped: emergency",
        person(age=2, fever=True, kind=["jerk"], locations=["whole_body"], seizure=None),
        E,
        {"febrile_seizure", "see_doctor_rules"},
        unanswered=("seizure",),
    ),
    V(
        "toddler with fever and whole-body jerks, not a fit: urgent",
        person(age=2, fever=True, kind=["jerk"], locations=["whole_body"]),
        U,
        {"febrile_seizure", "see_doctor_rules"},
    ),
    V(
        "growing pains at 7",
        person(
            age=7,
            sex="male",
            kind=["ache_or_pain"],
            sides="both",
            timing=["evening", "night"],
            limp=False,
            urge_to_move=False,
        ),
        S,
        {"growing_pains"},
    ),
    V(
        "child's leg ache with the limp question skipped: no reassurance",
        person(
            age=7,
            kind=["ache_or_pain"],
            sides="both",
            timing=["evening", "night"],
            urge_to_move=False,
        ),
        S,
        set(),
    ),
    V(
        "child's leg pain in one leg with a limp",
        person(age=8, kind=["ache_or_pain"], sides="left", limp=True),
        D,
        {"child_leg_pain_needs_doctor"},
    ),
    V(
        "child's leg pain with a limp and fever: urgent",
        person(age=8, kind=["ache_or_pain"], sides="right", limp=True, fever=True),
        U,
        {"child_leg_pain_needs_doctor", "see_doctor_rules"},
    ),
    V(
        "child of 8 with restless legs is not growing pains",
        person(
            age=8,
            **RLS_ALL,
            kind=["ache_or_pain", "urge_to_move"],
            sides="both",
            timing=["evening"],
            limp=False,
        ),
        S,
        {"restless_legs_syndrome"},
    ),
    V(
        "child of 8 sleeping 8 hours: too little for the age",
        person(age=8, sleep_hours=8),
        S,
        {"stress_or_sleep_loss"},
    ),
    V("adult sleeping 8 hours: enough", person(sleep_hours=8), S, set()),
    V(
        "teenager of 15 sleeping 7.5 hours: too little",
        person(age=15, sleep_hours=7.5),
        S,
        {"stress_or_sleep_loss"},
    ),
    V(
        "child of 3, haemoglobin 105 g/L: below the WHO limit of 110",
        person(age=3),
        D,
        {"anaemia"},
        labs=labs_of(haemoglobin=(105, "g/L")),
    ),
    V(
        "child of 8, haemoglobin 116 g/L: above the WHO limit of 115",
        person(age=8),
        S,
        set(),
        labs=labs_of(haemoglobin=(116, "g/L")),
    ),
    V(
        "child of 8, haemoglobin 11.4 g/dL: below 115 g/L",
        person(age=8),
        D,
        {"anaemia"},
        labs=labs_of(haemoglobin=(11.4, "g/dL")),
    ),
    V(
        "child of 13, haemoglobin 118 g/L: below the WHO limit of 120",
        person(age=13, sex="male"),
        D,
        {"anaemia"},
        labs=labs_of(haemoglobin=(118, "g/L")),
    ),
    V(
        "child of 10, creatinine 120: adult limits not applied",
        person(age=10),
        S,
        set(),
        labs=labs_of(creatinine=(120, "µmol/L")),
    ),
    # --- pregnancy (WHO 2011, NHS)
    V(
        "pregnant at 20 weeks, haemoglobin 112 g/L: not anaemia in pregnancy",
        person(pregnancy_weeks=20),
        D,
        {"pregnancy_related"},
        labs=labs_of(haemoglobin=(112, "g/L")),
    ),
    V(
        "pregnant at 20 weeks, haemoglobin 109 g/L: anaemia in pregnancy",
        person(pregnancy_weeks=20),
        D,
        {"pregnancy_related", "anaemia"},
        labs=labs_of(haemoglobin=(109, "g/L")),
    ),
    V(
        "not pregnant, haemoglobin 112 g/L: anaemia",
        person(pregnancy_weeks=0),
        D,
        {"anaemia"},
        labs=labs_of(haemoglobin=(112, "g/L")),
    ),
    V(
        "pregnancy not answered, haemoglobin 115 g/L: the stricter non-pregnant limit",
        person(),
        D,
        {"anaemia"},
        labs=labs_of(haemoglobin=(115, "g/L")),
    ),
    V(
        "pregnant at 32 weeks with a severe headache: pre-eclampsia signs",
        person(pregnancy_weeks=32, severe_headache=True),
        U,
        {"preeclampsia_signs", "pregnancy_related", "see_doctor_rules"},
    ),
    V(
        "pregnant at 30 weeks with clonus: pre-eclampsia signs",
        person(pregnancy_weeks=30, clonus=True),
        U,
        {"preeclampsia_signs", "pregnancy_related"},
    ),
    # --- medicines by any name (AASM 2024, NICE NG238, MHRA 2012 and 2022, BNF)
    V(
        "urge to move on Piriton (chlorphenamine)",
        person(urge_to_move=True, medications=["Piriton 4mg"]),
        D,
        {"medication_related"},
    ),
    V(
        "urge to move on NYTOL One-A-Night (diphenhydramine)",
        person(urge_to_move=True, medications=["NYTOL One-A-Night"]),
        D,
        {"medication_related"},
    ),
    V(
        "RLS on Zyprexa (olanzapine)",
        person(**RLS_ALL, medications=["Zyprexa"]),
        D,
        {"restless_legs_syndrome", "medication_related"},
    ),
    V(
        "RLS on Seroquel XL 50mg (quetiapine)",
        person(**RLS_ALL, medications=["Seroquel XL 50mg"]),
        D,
        {"restless_legs_syndrome", "medication_related"},
    ),
    V(
        "RLS on Zispin (mirtazapine)",
        person(**RLS_ALL, medications=["zispin soltab"]),
        D,
        {"restless_legs_syndrome", "medication_related"},
    ),
    V(
        "RLS on Priadel (lithium)",
        person(**RLS_ALL, medications=["Priadel 400 mg"]),
        D,
        {"restless_legs_syndrome", "medication_related"},
    ),
    V(
        "RLS on domperidone: not a medicine that worsens RLS",
        person(**RLS_ALL, medications=["Motilium"]),
        S,
        {"restless_legs_syndrome"},
    ),
    V(
        "RLS on Mirapexin (pramipexole): augmentation",
        person(**RLS_ALL, medications=["Mirapexin"]),
        D,
        {"restless_legs_syndrome", "medication_related"},
    ),
    V("Ventolin inhaler", person(medications=["Ventolin inhaler"]), S, {"medication_related"}),
    V(
        "muscle aches on Lipitor (atorvastatin): urgent",
        person(kind=["ache_or_pain"], medications=["Lipitor 20mg"]),
        U,
        {"statin_muscle_symptoms"},
    ),
    V(
        "cramps on simvastatin: urgent",
        person(kind=["cramp"], medications=["simvastatin"]),
        U,
        {"statin_muscle_symptoms"},
    ),
    V(
        "twitching on omeprazole, magnesium not measured",
        person(kind=["twitch"], medications=["Omeprazole 20 mg"]),
        D,
        {"ppi_low_magnesium"},
    ),
    V(
        "Losec (omeprazole) with low magnesium",
        person(medications=["Losec"]),
        D,
        {"ppi_low_magnesium", "magnesium_low"},
        labs=labs_of(magnesium=(0.6, "mmol/L")),
    ),
    V(
        "Glucophage (metformin) with low B12",
        person(medications=["Glucophage SR 500mg"]),
        D,
        {"metformin_low_b12", "b12_low"},
        labs=labs_of(b12=(130, "pmol/L")),
    ),
    V(
        "metformin with tingling feet, B12 not measured",
        person(medications=["metformin"], tingling_numb_feet=True),
        D,
        {"metformin_low_b12", "polyneuropathy_pattern"},
    ),
    V(
        "frusemide (UK spelling) with low potassium",
        person(medications=["frusemide 40mg"]),
        D,
        {"diuretic_electrolytes", "potassium_abnormal"},
        labs=labs_of(potassium=(3.1, "mmol/L")),
    ),
    V(
        "Aldactone (spironolactone) with high potassium",
        person(medications=["Aldactone"]),
        D,
        {"diuretic_electrolytes", "potassium_abnormal"},
        labs=labs_of(potassium=(5.6, "mmol/L")),
    ),
    V(
        "bendroflumethiazide with low sodium",
        person(medications=["Bendroflumethiazide 2.5mg"]),
        D,
        {"diuretic_electrolytes", "sodium_abnormal"},
        labs=labs_of(sodium=(131, "mmol/L")),
    ),
    V(
        "cramps on indapamide, salts not measured",
        person(kind=["cramp"], medications=["indapamide"]),
        D,
        {"diuretic_electrolytes"},
    ),
    V(
        "serotonin toxicity: new Zoloft (sertraline) with clonus",
        person(new_medication=True, medications=["Zoloft"], clonus=True),
        E,
        {"serotonin_toxicity", "medication_related", "see_doctor_rules"},
    ),
    V(
        "twitching after a new SSRI, clonus question skipped: urgent",
        person(serotonergic_drug_recent=True, kind=["twitch"]),
        U,
        {"serotonin_toxicity", "medication_related"},
    ),
    V(
        "twitching after a new SSRI, every sign answered no",
        person(serotonergic_drug_recent=True, kind=["twitch"], clonus=False),
        D,
        {"medication_related"},
    ),
    V(
        "jerks on Lyrica (pregabalin)",
        person(kind=["jerk"], medications=["Lyrica"]),
        D,
        {"myoclonus_secondary"},
    ),
    # --- head injury, stroke, clots, muscle breakdown (NHS, MSD Manual)
    V(
        "head injury on Eliquis (apixaban): emergency",
        person(recent_head_injury=True, medications=["Eliquis 5mg"]),
        E,
        {"head_injury"},
    ),
    V(
        "head injury on a blood thinner (answered): emergency",
        person(recent_head_injury=True, anticoagulant=True),
        E,
        {"head_injury"},
    ),
    V("head injury alone: urgent", person(recent_head_injury=True), U, {"head_injury"}),
    V(
        "sudden one-sided weakness: stroke signs",
        person(sudden_onset=True, one_side_only=True, weakness=True),
        E,
        {"stroke_signs", "possible_motor_neurone_disease"},
    ),
    V(
        "sudden one-sided twitching without weakness: urgent",
        person(sudden_onset=True, one_side_only=True),
        U,
        {"stroke_signs"},
    ),
    V(
        "muscle pain with dark urine: rhabdomyolysis signs",
        person(kind=["ache_or_pain"], dark_urine=True),
        E,
        {"rhabdomyolysis_signs"},
    ),
    V(
        "a swollen left leg: DVT signs",
        person(leg_swelling=True, sides="left"),
        U,
        {"dvt_signs"},
    ),
    V(
        "rising weakness with breathing and swallowing skipped: emergency",
        person(
            rising_weakness_days=True, breathing_difficulty=None, speech_or_swallow_difficulty=None
        ),
        E,
        {"guillain_barre_pattern"},
        unanswered=("breathing_difficulty", "speech_or_swallow_difficulty"),
    ),
    # --- every twitch the sources name
    V(
        "cramps after exercise",
        person(kind=["cramp"], timing=["after_exercise"]),
        S,
        {"muscle_cramps", "exercise_related"},
    ),
    V(
        "night cramps that disturb sleep",
        person(kind=["cramp"], timing=["night"], sleep_complaint=True),
        D,
        {"night_cramps", "muscle_cramps"},
    ),
    V("tics", person(age=10, kind=["tic"]), S, {"tics"}),
    V(
        "tremor at rest",
        person(age=68, kind=["tremor"], timing=["rest"]),
        D,
        {"tremor", "tremor_rest", "see_doctor_rules"},
    ),
    V(
        "tremor when holding a cup",
        person(kind=["tremor"], timing=["holding_or_moving"]),
        D,
        {"tremor", "tremor_action"},
    ),
    V(
        "shaking legs on standing",
        person(age=64, kind=["tremor"], timing=["on_standing"]),
        D,
        {"tremor", "orthostatic_tremor"},
    ),
    V(
        "jerks soon after waking at 16",
        person(age=16, kind=["jerk"], timing=["on_waking"]),
        U,
        {"myoclonic_jerks_on_waking"},
    ),
    V(
        "jerks with kidney disease",
        person(kind=["jerk"], diagnoses=["kidney_disease"]),
        D,
        {"myoclonus_secondary"},
    ),
    V(
        "jerks with eGFR 25",
        person(kind=["jerk"]),
        D,
        {"myoclonus_secondary", "kidney_function_reduced"},
        labs=labs_of(egfr=(25, "mL/min/1.73m2")),
    ),
    V(
        "aching legs with varicose veins",
        person(kind=["ache_or_pain"], diagnoses=["varicose_veins"]),
        D,
        {"venous_symptoms"},
    ),
    V(
        "widespread pain for 6 months with poor sleep",
        person(
            kind=["ache_or_pain"],
            locations=["whole_body"],
            duration_days=180,
            sleep_complaint=True,
        ),
        D,
        {"fibromyalgia_pattern", "see_doctor_rules", "chronic"},
    ),
    V(
        "spasms with multiple sclerosis",
        person(kind=["cramp"], diagnoses=["multiple_sclerosis"]),
        D,
        {"ms_related"},
    ),
    V(
        "tremor with Parkinson's disease",
        person(age=70, kind=["tremor"], diagnoses=["parkinsons"]),
        D,
        {"parkinsons_related", "tremor"},
    ),
    V(
        "jerks with epilepsy",
        person(kind=["jerk"], diagnoses=["epilepsy"]),
        D,
        {"epilepsy_related"},
    ),
    V(
        "tingling feet",
        person(tingling_numb_feet=True),
        D,
        {"polyneuropathy_pattern"},
    ),
    V(
        "cramps with known neuropathy",
        person(kind=["cramp"], diagnoses=["neuropathy"]),
        D,
        {"polyneuropathy_pattern"},
    ),
    V("loud snoring", person(snoring_or_apnoea=True), D, {"sleep_apnoea_possible"}),
    V(
        "daytime sleepiness with cataplexy",
        person(daytime_sleepiness=True, cataplexy=True),
        D,
        {"narcolepsy_possible"},
    ),
    V(
        "acting out dreams",
        person(age=66, acts_out_dreams=True),
        D,
        {"rem_sleep_behaviour_disorder_possible"},
    ),
    # --- PLMD only once the other explanations are answered (ICSD-3)
    V(
        "PLMS 25/h with a sleep complaint, RLS questions skipped: no PLMD",
        person(sleep_complaint=True, **NO_OTHER_SLEEP_DISORDER),
        D,
        {"periodic_limb_movements"},
        recording=summary(25),
    ),
    V(
        "PLMS 25/h with a sleep complaint and loud snoring: apnoea first, no PLMD",
        person(
            sleep_complaint=True,
            urge_to_move=False,
            **{**NO_OTHER_SLEEP_DISORDER, "snoring_or_apnoea": True},
        ),
        D,
        {"periodic_limb_movements", "sleep_apnoea_possible"},
        recording=summary(25),
    ),
    V(
        "PLMS 25/h with a sleep complaint, snoring question skipped: no PLMD",
        person(sleep_complaint=True, urge_to_move=False, acts_out_dreams=False, cataplexy=False),
        D,
        {"periodic_limb_movements"},
        recording=summary(25),
    ),
    # --- benign fasciculations need every red flag answered
    V(
        "twitches at 25 with the falls question skipped: no reassurance",
        person(
            age=25,
            kind=["twitch"],
            locations=["calf"],
            duration_days=7,
            weakness=False,
            muscle_wasting=False,
            loss_of_dexterity=False,
            tongue_twitching=False,
        ),
        S,
        set(),
    ),
]

VIGNETTES += [
    V(
        "four RLS signs, the mimic question skipped: RLS stays possible",
        person(**{**RLS_ALL, "explained_by_mimic": None}),
        D,
        {"restless_legs_syndrome"},
    ),
    V(
        "twitches at 55 with weakness not answered: worth an examination",
        person(age=55, kind=["twitch"], locations=["calf"], duration_days=10),
        D,
        {"fasciculations_need_examination"},
    ),
]


def with_twitches(rec: dict[str, Any], counts: dict[str, Any], efm: str) -> dict[str, Any]:
    """``rec`` with a ``twitches`` block as `twitchscope score` writes it."""
    efm_block = {"verdict": efm, "minutes_meeting_rule": 25.0}
    return {**rec, "twitches": {"counts": counts, "efm": efm_block}}


_NO_TWITCH = {"hypnic_jerk": 0, "alma": 0, "hypnagogic_foot_tremor": 0, "tremor": 0,
              "long_movement": 0, "fragmentary_myoclonus": 0}  # fmt: skip

# --- other twitch kinds on a recording (ICSD-3 sleep starts; AASM 2020; MDS tremor consensus)
VIGNETTES += [
    V(
        "hypnic jerks on a recording, below the PLMS cut-off: benign sleep starts",
        person(sleep_complaint=False),
        S,
        {"hypnic_jerks"},
        recording=with_twitches(summary(4), {**_NO_TWITCH, "hypnic_jerk": 3}, "not excessive"),
    ),
    V(
        "excessive fragmentary myoclonus and a leg tremor on a recording",
        person(sleep_complaint=False),
        D,
        {"excessive_fragmentary_myoclonus", "rhythmic_leg_tremor"},
        recording=with_twitches(summary(4), {**_NO_TWITCH, "tremor": 2}, "excessive"),
    ),
    V(
        "ALMA and hypnagogic foot tremor on a recording: usually benign",
        person(sleep_complaint=False),
        S,
        {"alma_or_foot_tremor"},
        recording=with_twitches(
            summary(4), {**_NO_TWITCH, "alma": 2, "hypnagogic_foot_tremor": 1}, "not excessive"
        ),
    ),
]


_ASSESSED: dict[str, Any] = {}


def assessed(v: Vignette) -> Any:
    """The assessment of a vignette, computed once per test session (tests share it)."""
    from twitchscope.clinical import assess

    if v.name not in _ASSESSED:
        _ASSESSED[v.name] = assess(v.answers, labs=v.labs, recording=v.recording, diary=v.diary)
    return _ASSESSED[v.name]
