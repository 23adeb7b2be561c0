"""Unknown stays unknown, every page says what is unknown, and everything reads in plain words."""

from __future__ import annotations

import re

import pytest
from vignettes import NO_EMERGENCY, NO_MND_FLAGS, RLS_ALL, VIGNETTES, assessed, person, summary

from twitchscope.clinical import assess
from twitchscope.clinical.knowledge import TIERS
from twitchscope.clinical.questions import QUESTIONS_BY_ID


def _rank(tier: str) -> int:
    return TIERS.index(tier)


#: The two questions whose "no" is itself the concerning answer ("not explained by a mimic" is an
#: RLS criterion met; "not better after lifestyle changes" is on the NHS list): skipping them
#: removes a reason, it does not hide one.
_NO_IS_THE_FINDING = ("explained_by_mimic", "better_after_lifestyle_changes")


def _skip_false_answers(answers: dict) -> dict:
    return {k: v for k, v in answers.items() if v is not False or k in _NO_IS_THE_FINDING}


@pytest.mark.parametrize("v", VIGNETTES, ids=[v.name for v in VIGNETTES])
def test_skipping_the_no_answers_never_lowers_the_tier(v) -> None:  # type: ignore[no-untyped-def]
    """Every "no" turned into "not answered" leaves the tier the same or more urgent."""
    before = assessed(v)
    after = assess(
        _skip_false_answers(v.answers), labs=v.labs, recording=v.recording, diary=v.diary
    )
    assert _rank(after.triage) <= _rank(before.triage)
    # and no urgent or emergency finding is hidden by a skipped answer (findings that by their
    # definition need a "no", such as RLS's "not explained by a mimic" or PLMD's "no sleep
    # apnoea", may wait for it; they are then listed as unknown)
    kept = {f.id for f in before.findings if f.tier in ("emergency", "urgent")}
    assert kept <= after.finding_ids


def test_nothing_here_needs_a_doctor_is_never_said_beside_unanswered_emergency_questions() -> None:
    a = assess({"kind": ["twitch"]})
    assert a.triage == "self_care"
    assert not a.next_step.startswith("Nothing here needs a doctor")
    assert "emergency questions were not answered" in a.next_step
    done = assess({**NO_EMERGENCY, "kind": ["twitch"]})
    assert done.next_step.startswith("Nothing here needs a doctor")
    routine = assess({"duration_days": 30})
    assert routine.triage == "see_doctor" and "not answered" in routine.next_step


def test_unknowns_name_the_questions_that_matter() -> None:
    toddler = assess(
        person(age=2, fever=True, kind=["jerk"], locations=["whole_body"], seizure=None)
    )
    emergency = [u["id"] for u in toddler.unknowns if u["emergency"]]
    assert emergency == ["seizure"]
    twitch = assess(
        person(age=25, kind=["twitch"], weakness=False, muscle_wasting=False, falls=None)
    )
    by_id = {u["id"]: u for u in twitch.unknowns}
    assert "Benign fasciculations" in by_id["falls"]["matters_for"]
    assert by_id["falls"]["text"] == QUESTIONS_BY_ID["falls"].text
    plms = assess(person(sleep_complaint=True), recording=summary(25))
    ids = {u["id"] for u in plms.unknowns}
    assert {"urge_to_move", "snoring_or_apnoea", "acts_out_dreams"} <= ids
    assert "plmd_possible" not in plms.finding_ids
    pregnant = assess(person(), labs={"haemoglobin": {"value": 125, "unit": "g/L"}})
    assert any("Pregnancy not answered" in u["text"] for u in pregnant.unknowns)
    meds = assess(person(medications=["Flurbo", "Lipitor"]))
    assert any("Flurbo" in u["text"] and "not recognised" in u["text"] for u in meds.unknowns)
    fully = assess(
        person(age=25, kind=["twitch"], weakness=False, muscle_wasting=False, **NO_MND_FLAGS)
    )
    assert "falls" not in {u["id"] for u in fully.unknowns}


def test_rls_unknown_is_not_rls_not_met() -> None:
    a = assess(person(urge_to_move=True))
    assert a.rls["status"] == "unknown" and a.rls["all_met"] is False
    assert a.rls_relevant
    b = assess(person(**{**RLS_ALL, "urge_to_move": False}))
    assert b.rls["status"] == "not_met"
    c = assess(person(**RLS_ALL))
    assert c.rls["status"] == "met"


def test_rls_table_only_where_it_matters() -> None:
    assert not assess(person(kind=["twitch"])).rls_relevant
    assert not assess(person(**RLS_ALL, seizure=True)).rls_relevant  # an emergency
    assert assess(person(**RLS_ALL)).rls_relevant
    assert assess(person(kind=["urge_to_move"])).rls_relevant
    assert assess(person(sleep_complaint=True), recording=summary(30)).rls_relevant


_FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")
_SYMBOLS = (">=", "<=", " > ", " < ", " = ", "/h ")


@pytest.mark.parametrize("v", VIGNETTES, ids=[v.name for v in VIGNETTES])
def test_reasons_are_plain_words(v) -> None:  # type: ignore[no-untyped-def]
    a = assessed(v)
    for f in a.findings:
        for reason in f.reasons:
            assert not _FIELD_NAME.search(reason), (f.id, reason)
            assert not any(s in reason for s in _SYMBOLS), (f.id, reason)
        assert f.source_refs and all(r["short"] and r["citation"] for r in f.source_refs)
        assert len(f.source_refs) == len(f.sources)
    for t in a.tests_to_discuss_plain:
        assert t["label"] and t["id"] in a.tests_to_discuss


def test_plain_duration_and_values() -> None:
    a = assess(person(duration_days=540))
    reasons = [r for f in a.findings for r in f.reasons]
    assert "lasting more than 2 weeks: you have had it for about a year and a half" in reasons
    labels = {t["id"]: t["label"] for t in assess(person(duration_days=200)).tests_to_discuss_plain}
    assert labels["glucose_fasting"] == "fasting blood sugar (glucose)"
    assert labels["egfr"] == "eGFR (kidney function)"


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "1 day"),
        (10, "10 days"),
        (21, "about 3 weeks"),
        (120, "about 4 months"),
        (364, "about a year"),
        (400, "about a year"),
        (540, "about a year and a half"),
        (800, "about 2 years"),
        (900, "about 2 and a half years"),
    ],
)
def test_humanise_days(days: int, words: str) -> None:
    from twitchscope.clinical.conditions import humanise_days

    assert humanise_days(days) == words


def test_self_care_fits_the_age() -> None:
    child = assess(person(age=7, caffeine_cups_per_day=4))
    adult = assess(person(caffeine_cups_per_day=4))
    assert child.age_group == "child" and adult.age_group == "adult"
    assert not any("alcohol" in s.lower() or "smoking" in s.lower() for s in child.self_care)
    assert any("children" in s.lower() or "child" in s.lower() for s in child.self_care)
    assert any("alcohol" in s.lower() for s in adult.self_care)


def test_a_finding_can_say_more_than_its_tier() -> None:
    a = assess(person(), labs={"sodium": {"value": 118, "unit": "mmol/L"}})
    assert a.triage == "urgent"
    assert a.next_step.startswith("Contact your doctor today")
    emergency = assess(person(), labs={"potassium": {"value": 6.8, "unit": "mmol/L"}})
    assert emergency.next_step.startswith("Call emergency services now")
