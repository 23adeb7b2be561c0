"""Engine inputs other than answers: recording summaries, diaries, labs files, the HTML page."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from vignettes import NO_OTHER_SLEEP_DISORDER, RLS_ALL, person, summary

from twitchscope.clinical import assess, load_recording_summary
from twitchscope.disclaimer import DISCLAIMER
from twitchscope.errors import InputFileError, ValidationError
from twitchscope.report.assessment_report import render_assessment_html


def test_assessment_contract_keys_and_json() -> None:
    a = assess(person(**RLS_ALL, irls_score=14, sleep_complaint=True))
    d = json.loads(a.to_json())
    for key in (
        "triage",
        "findings",
        "tests_to_discuss",
        "self_care",
        "questions_for_doctor",
        "rls",
        "disclaimer",
        "unanswered_emergency_questions",
    ):
        assert key in d
    assert set(d["rls"]) >= {"criteria_met", "all_met", "chronic_persistent", "irls_band"}
    assert d["disclaimer"] == DISCLAIMER
    f = d["findings"][0]
    assert set(f) >= {"id", "title", "tier", "reasons", "sources"}
    assert "ferritin" in d["tests_to_discuss"]
    assert any("ferritin" in q for q in d["questions_for_doctor"])
    assert d["self_care"]
    texts = (
        [f["summary"] for f in d["findings"]]
        + d["self_care"]
        + [r for f in d["findings"] for r in f["reasons"]]
    )
    # Never diagnostic wording ("you have RLS"); "you have had it for ..." is plain speech.
    assert not any(re.search(r"\byou have (?!had\b)", t.lower()) for t in texts), texts


def test_tests_already_done_are_not_repeated_unless_unreliable() -> None:
    answers = person(**RLS_ALL, sleep_complaint=True)
    a = assess(answers, labs={"ferritin": {"value": 150, "unit": "ng/mL"}})
    assert "ferritin" not in a.tests_to_discuss
    b = assess(
        {**answers, "recent_fever_or_inflammation": True},
        labs={"ferritin": {"value": 150, "unit": "ng/mL"}},
    )
    assert "ferritin" in b.tests_to_discuss
    assert any("repeated" in q for q in b.questions_for_doctor)


def test_labs_in_answers_and_file_are_merged(tmp_path: Path) -> None:
    p = tmp_path / "labs.json"
    p.write_text(json.dumps({"ferritin": {"value": 10, "unit": "ng/mL"}}))
    a = assess(
        {
            **person(),
            "labs": {
                "ferritin": {"value": 100, "unit": "ng/mL"},
                "tsh": {"value": 9, "unit": "mIU/L"},
            },
        },
        labs=p,
    )
    assert a.finding_ids == {"iron_deficiency", "thyroid_abnormal"}
    assert any("twice" in n for n in a.notes)
    p.write_text(json.dumps({"ferritin": {"value": 10, "unit": "mmol/L"}}))
    with pytest.raises(ValidationError) as info:
        assess(person(), labs=p)
    assert info.value.field == "labs.ferritin.unit" and "labs.json" in str(info.value)


def test_recording_summary_validation(tmp_path: Path) -> None:
    p = tmp_path / "summary.json"
    good = summary(20)
    p.write_text(json.dumps(good))
    assert load_recording_summary(p).plms_index == 20
    bad = dict(good)
    del bad["plms_count"]
    p.write_text(json.dumps(bad))
    with pytest.raises(InputFileError, match="plms_count") as info:
        assess(person(), recording=p)
    assert "summary.json" in str(info.value)
    p.write_text(json.dumps({**good, "plms_index": "high"}))
    with pytest.raises(InputFileError, match="'plms_index'"):
        load_recording_summary(p)
    p.write_text(json.dumps({**good, "warnings": "none"}))
    with pytest.raises(InputFileError, match="'warnings'"):
        load_recording_summary(p)


def test_unstaged_recording_says_so() -> None:
    a = assess(person(sleep_complaint=True), recording=summary(30, staged=False))
    (f,) = a.findings
    assert "per hour of recording" in f.reasons[0] and "sleep study" in f.reasons[0]
    assert "/h" not in f.reasons[0] and ">" not in f.reasons[0]
    assert "polysomnography" in a.tests_to_discuss
    assert any("no sleep staging" in n for n in a.notes)


def test_plmd_reason_names_index_and_cutoff() -> None:
    a = assess(
        person(age=8, sleep_complaint=True, urge_to_move=False, **NO_OTHER_SLEEP_DISORDER),
        recording=summary(7),
    )
    plmd = next(f for f in a.findings if f.id == "plmd_possible")
    assert any(
        "7.0 periodic leg movements per hour of sleep" in r and "child cut-off of 5 an hour" in r
        for r in plmd.reasons
    ), plmd.reasons


def test_real_diary_end_to_end(tmp_path: Path) -> None:
    from twitchscope.clinical import diary as diary_mod

    if not hasattr(diary_mod, "DiaryStore"):
        pytest.skip("diary not available")
    db = tmp_path / "diary.sqlite"
    today = date.today()
    with diary_mod.DiaryStore(db) as store:
        for i in range(40):
            day = today - timedelta(days=i * 2)
            start = datetime.combine(day, datetime.min.time()) + timedelta(hours=22)
            store.add_episode(
                diary_mod.make_episode(
                    {
                        "start": start,
                        "duration_s": 600,
                        "locations": ["calf"],
                        "side": "both",
                        "kind": "urge_to_move",
                        "intensity": 5,
                        "context": "resting",
                    }
                )
            )
    a = assess(person(**RLS_ALL), diary=str(db))
    assert a.diary is not None and a.diary["n_episodes"] == 40
    assert a.diary["evening_night_peak"] is True
    rls = next(f for f in a.findings if f.id == "restless_legs_syndrome")
    assert any("evening/night peak" in r for r in rls.reasons)


def test_html_shows_tier_first_unanswered_and_disclaimer() -> None:
    a = assess({"seizure": True, "kind": ["jerk"]})
    page = render_assessment_html(a)
    assert page.index('class="triage emergency"') < page.index(
        "What the evidence is consistent with"
    )
    assert "Emergency questions not answered" in page
    assert "Do you have any difficulty breathing" in page
    assert "not diagnose" in page
    assert "<script" not in page


def test_html_escapes_user_text() -> None:
    a = assess(person(medications=["<script>alert(1)</script> lithium"]))
    page = render_assessment_html(a)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_html_folds_sources_and_shows_what_is_unknown() -> None:
    a = assess(
        person(age=25, kind=["twitch"], duration_days=30, weakness=False, muscle_wasting=False)
    )
    page = render_assessment_html(a)
    assert '<details class="sources"><summary>Sources: NHS: Twitching eyes and muscles' in page
    assert "reviewed October 2023" in page.split("<details")[1]  # the citation, folded
    assert "What is not known" in page and "Have you been tripping or falling" in page
    assert "restless legs syndrome (RLS) criteria" not in page.lower()  # nothing points to RLS


def test_html_rls_table_only_where_it_matters() -> None:
    rls = render_assessment_html(assess(person(**RLS_ALL, sleep_complaint=True)))
    assert "Restless legs syndrome (RLS) criteria" in rls
    assert "Begins or worsens at rest" in rls  # the criterion in words, not an id
    emergency = render_assessment_html(assess(person(**RLS_ALL, seizure=True)))
    assert "Restless legs syndrome (RLS) criteria" not in emergency


def test_html_plain_test_labels_and_lab_names() -> None:
    a = assess(person(duration_days=200), labs={"egfr": {"value": 50, "unit": "mL/min/1.73m2"}})
    page = render_assessment_html(a)
    assert "fasting blood sugar (glucose)" in page
    assert "eGFR (kidney function)" in page
    assert "<li>glucose_fasting</li>" not in page


def test_json_keeps_the_contract_and_adds_plain_data() -> None:
    a = assess(person(**RLS_ALL, medications=["Piriton"]))
    d = json.loads(a.to_json())
    assert {"unknowns", "rls_relevant", "tests_to_discuss_plain", "medicines", "age_group"} <= set(
        d
    )
    f = next(f for f in d["findings"] if f["id"] == "medication_related")
    assert all(isinstance(s, str) for s in f["sources"])  # contract: citations as strings
    assert f["source_refs"][0]["short"] and f["source_refs"][0]["citation"]
    assert d["medicines"]["recognised"][0] == {
        "written": "Piriton",
        "name": "chlorphenamine",
        "classes": ["sedating_antihistamine"],
        "note": "",
    }
    assert d["rls"]["status"] == "met" and len(d["rls"]["criteria"]) == 5
