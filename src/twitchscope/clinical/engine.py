"""The clinical engine: answers + labs + diary patterns + recording -> :class:`Assessment`.

Every rule comes from ``rules.json`` (condition, finding, tier, source, rationale); several rules
may add to one finding, whose tier is then the highest of them. Triage is the highest tier of any
finding, in the order emergency > urgent > see_doctor > self_care. A skipped answer is never read
as "no": rules that it leaves undecided are listed in ``unknowns`` with the questions that would
decide them, and the next step says when emergency questions were not answered. No clinical
number is in this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from twitchscope.clinical.answers import validate_answers
from twitchscope.clinical.assessment import Assessment, Finding
from twitchscope.clinical.conditions import Facts, evaluate, supported, unknown_facts
from twitchscope.clinical.knowledge import TIERS, Knowledge, load_knowledge
from twitchscope.clinical.labs import LabReport, interpret_labs, parse_labs
from twitchscope.clinical.medicines import MedicineReport
from twitchscope.clinical.questions import QUESTIONS, QUESTIONS_BY_ID, emergency_questions
from twitchscope.clinical.recording_summary import (
    RecordingSummary,
    load_recording_summary,
    recording_facts,
)
from twitchscope.clinical.rls import RlsResult, assess_rls
from twitchscope.disclaimer import DISCLAIMER
from twitchscope.errors import ValidationError

DiaryInput = Any  # DiaryPatterns, its dict, or a diary path / database URL

#: Findings that make the restless-legs table worth showing.
_RLS_FINDINGS = frozenset(
    {
        "restless_legs_syndrome",
        "periodic_limb_movements",
        "plmd_possible",
        "plm_without_sleep_staging",
    }
)


def _diary_dict(diary: DiaryInput) -> dict[str, Any]:
    if isinstance(diary, str | Path):
        from twitchscope.clinical.diary import compute_patterns, load_diary

        return dict(compute_patterns(load_diary(diary)).to_dict())
    if hasattr(diary, "to_dict"):
        return dict(diary.to_dict())
    if isinstance(diary, Mapping):
        return dict(diary)
    raise ValidationError("diary", f"expected diary patterns, a diary file or URL; got {diary!r}")


def _diary_facts(
    d: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[tuple[str, str], str], dict[str, Any]]:
    facts = {
        k: d.get(k)
        for k in ("chronic", "spread", "evening_night_peak", "trend", "days_affected_last_90")
    }
    facts["n_episodes"] = d.get("n_episodes")
    reasons: dict[tuple[str, str], str] = {}
    if d.get("days_affected_last_90") is not None:
        reasons[("diary", "chronic")] = (
            f"{d['days_affected_last_90']} days with episodes in the last 90 days "
            f"({d.get('n_days_recorded', '?')} days recorded)"
        )
    if d.get("new_locations"):
        reasons[("diary", "spread")] = "new body parts: " + ", ".join(d["new_locations"])
    share = d.get("evening_night_share")
    if share is not None:
        reasons[("diary", "evening_night_peak")] = (
            f"{100 * float(share):.0f} % of {d.get('n_episodes', '?')} episodes in the "
            "evening or night"
        )
    factors = {
        str(a.get("factor")): a
        for a in d.get("factor_associations") or []
        if isinstance(a, Mapping)
    }
    return facts, reasons, factors


def _merge_labs(answers: Mapping[str, Any], labs: Any, kb: Knowledge) -> tuple[dict, list[str]]:
    merged = dict(answers.get("labs", {}))
    notes: list[str] = []
    if labs is not None:
        if isinstance(labs, str | Path):
            from twitchscope.clinical.jsonfile import read_json_object

            path = Path(labs)
            try:
                extra = parse_labs(read_json_object(path, "lab values"), knowledge=kb)
            except ValidationError as exc:
                raise ValidationError(exc.field, f"{exc.problem} (in {path})") from None
        else:
            extra = parse_labs(labs, knowledge=kb)
        both = sorted(set(merged) & set(extra))
        if both:
            notes.append(
                "Lab values given twice; the separate lab file was used for: " + ", ".join(both)
            )
        merged.update(extra)
    return merged, notes


def assess(
    answers: Mapping[str, Any] | str | Path,
    *,
    labs: Mapping[str, Any] | str | Path | None = None,
    diary: DiaryInput | None = None,
    recording: Mapping[str, Any] | RecordingSummary | str | Path | None = None,
    knowledge: Knowledge | None = None,
) -> Assessment:
    """Draw the clinical picture.

    Parameters
    ----------
    answers : mapping or path of a JSON file
        The answers of the answer contract (``questions.json``; validated here).
    labs : mapping or path, optional
        Test -> ``{"value", "unit"}``; merged with ``answers["labs"]`` (this one wins).
    diary : DiaryPatterns, its dict, or a diary path / URL, optional
        Patterns from the symptom diary.
    recording : mapping, RecordingSummary or path of ``summary.json``, optional
        The summary of ``twitchscope score``.

    Returns
    -------
    Assessment
        Triage tier, findings with plain reasons and folded sources, RLS, tests (ids and plain
        labels), self-care for the person's age, questions for the doctor, what is unknown,
        and the disclaimer.

    Raises
    ------
    ValidationError, InputFileError
        Bad answers, lab values, diary or recording (the field or file is named).
    """
    kb = knowledge or load_knowledge()
    ans = validate_answers(answers)
    lab_input, notes = _merge_labs(ans, labs, kb)
    report: LabReport = interpret_labs(lab_input, answers=ans, knowledge=kb)
    notes += list(report.notes)
    rls = assess_rls(ans, kb)
    medicines = None if "medications" not in ans else kb.medicines.match(ans["medications"])
    fact_reasons: dict[tuple[str, str], str] = {}
    rec_facts = None
    rec_summary = None
    if recording is not None:
        rec_summary = (
            recording
            if isinstance(recording, RecordingSummary)
            else load_recording_summary(recording, knowledge=kb)
        )
        rec_facts, rreasons, rnotes = recording_facts(rec_summary, ans.get("age"), kb)
        fact_reasons.update({("recording", k): v for k, v in rreasons.items()})
        notes += rnotes + [f"Recording warning: {w}" for w in rec_summary.warnings]
    diary_d = None if diary is None else _diary_dict(diary)
    diary_facts: dict[str, Any] | None = None
    factors: dict[str, Any] = {}
    if diary_d is not None:
        diary_facts, dreasons, factors = _diary_facts(diary_d)
        fact_reasons.update(dreasons)
    facts = Facts(
        answers=ans,
        labs={t: r.flag_ids for t, r in report.results.items()},
        lab_reasons={(t, f.id): f.reason for t, r in report.results.items() for f in r.flags}
        | {(t, c): text for t, r in report.results.items() for c, text in r.caveats},
        rls=rls.facts(),
        recording=rec_facts,
        diary=diary_facts,
        fact_reasons=fact_reasons,
        diary_factors=factors,
        lists=kb.lists,
        groups=kb.groups,
        medicines=medicines,
        class_labels={c: kb.medicines.class_label(c) for c in kb.medicines.classes},
    )
    findings, undecided = _findings(facts, kb)
    triage = min((f.tier for f in findings), key=TIERS.index, default="self_care")
    unanswered = [q.id for q in emergency_questions() if q.id not in ans]
    age = ans.get("age")
    group = "unknown" if age is None else ("child" if age < kb.child_below_years else "adult")
    rls_relevant = _rls_relevant(triage, rls, ans, findings)
    tests = _tests(findings, report, kb)
    return Assessment(
        triage=triage,
        next_step=_next_step(triage, findings, unanswered, kb),
        findings=findings,
        rls=rls.to_dict(),
        tests_to_discuss=tests,
        self_care=[] if triage == "emergency" else _self_care(findings, group, kb),
        questions_for_doctor=_questions(findings, facts, kb),
        unanswered_emergency_questions=unanswered,
        disclaimer=DISCLAIMER,
        labs=report.to_dict()["results"],
        diary=diary_d,
        recording=None if rec_summary is None else rec_summary.to_dict(),
        notes=list(dict.fromkeys(notes)),
        answers={k: v for k, v in ans.items() if k != "labs"},
        knowledge_version=kb.version,
        unknowns=_unknowns(
            triage, findings, undecided, unanswered, rls, report, medicines, facts, kb
        ),
        rls_relevant=rls_relevant,
        tests_to_discuss_plain=[{"id": t, "label": kb.test_label(t)} for t in tests],
        medicines=None if medicines is None else medicines.to_dict(),
        age_group=group,
    )


def _findings(facts: Facts, kb: Knowledge) -> tuple[list[Finding], list[dict[str, Any]]]:
    """The findings, and the rules left undecided by missing facts."""
    acc: dict[str, dict[str, Any]] = {}
    undecided: list[dict[str, Any]] = []
    for rule in kb.rules:
        value, reasons = evaluate(rule["when"], facts)
        if value is None:
            undecided.append(rule)
        if value is not True:
            continue
        fid = rule["finding"]
        entry = acc.setdefault(
            fid, {"tier": rule["tier"], "reasons": [], "sources": [], "rules": []}
        )
        if TIERS.index(rule["tier"]) < TIERS.index(entry["tier"]):
            entry["tier"] = rule["tier"]
        entry["reasons"] += reasons
        srcs = [rule["source"]] if isinstance(rule["source"], str) else rule["source"]
        entry["sources"] += list(srcs)
        entry["rules"].append(rule["id"])
    out = [
        Finding(
            id=fid,
            title=kb.findings[fid]["title"],
            tier=e["tier"],
            summary=kb.findings[fid]["summary"],
            reasons=list(dict.fromkeys(e["reasons"])),
            sources=[kb.citation(s) for s in dict.fromkeys(e["sources"])],
            rules=e["rules"],
            source_refs=[kb.source_ref(s) for s in dict.fromkeys(e["sources"])],
            next_step=str(kb.findings[fid].get("next_step", "")),
        )
        for fid, e in acc.items()
    ]
    return sorted(out, key=lambda f: TIERS.index(f.tier)), undecided


def _next_step(triage: str, findings: list[Finding], unanswered: list[str], kb: Knowledge) -> str:
    tier = kb.tiers[triage]
    if triage == "emergency":
        return str(tier["next_step"])
    if unanswered and triage == "self_care":
        return str(tier.get("next_step_when_unanswered", tier["next_step"]))
    # A finding at the triage tier may say more than the tier ("contact your doctor today").
    specific = next((f.next_step for f in findings if f.tier == triage and f.next_step), "")
    step = specific or str(tier["next_step"])
    if unanswered and kb.notes.get("unanswered_emergency"):
        step = f"{step} {kb.notes['unanswered_emergency']}"
    return step


def _rls_relevant(
    triage: str, rls: RlsResult, ans: Mapping[str, Any], findings: list[Finding]
) -> bool:
    if triage == "emergency":
        return False
    points = bool(rls.criteria_met) or "urge_to_move" in (ans.get("kind") or [])
    return points or any(f.id in _RLS_FINDINGS for f in findings)


def _unknowns(
    triage: str,
    findings: list[Finding],
    undecided: list[dict[str, Any]],
    unanswered: list[str],
    rls: RlsResult,
    report: LabReport,
    medicines: MedicineReport | None,
    facts: Facts,
    kb: Knowledge,
) -> list[dict[str, Any]]:
    """What is not known and could change the picture, in plain words.

    The unanswered emergency questions; then every unanswered question that leaves a rule
    undecided when that rule could raise the triage or its finding, and either the question is
    a red flag or something already known points towards the rule; then limits that could not
    be applied (age, pregnancy) and medicine names that were not recognised.
    """
    out: list[dict[str, Any]] = [
        {
            "id": q,
            "text": QUESTIONS_BY_ID[q].text,
            "emergency": True,
            "matters_for": ["emergency questions"],
        }
        for q in unanswered
    ]
    tier_of = {f.id: TIERS.index(f.tier) for f in findings}
    rls_missing = _rls_unanswered(rls, kb)
    matters: dict[str, list[str]] = {}
    for rule in undecided:
        rank = TIERS.index(rule["tier"])
        if rank > TIERS.index(triage) or tier_of.get(rule["finding"], len(TIERS)) <= rank:
            continue  # could neither raise the triage nor its own finding
        pointed = supported(rule["when"], facts)
        title = str(kb.findings[rule["finding"]]["title"])
        for kind, name in unknown_facts(rule["when"], facts):
            ids = [name] if kind == "answer" else []
            if kind == "rls":
                ids = [c for c in _RLS_QUESTIONS if c in rls_missing]
            for q in ids:
                # A red-flag question always matters; another one only when something already
                # known points towards the rule it would decide.
                red_flag = QUESTIONS_BY_ID[q].section in _RED_FLAG_SECTIONS
                if (pointed or red_flag) and q not in unanswered and q != "labs":
                    matters.setdefault(q, [])
                    if title not in matters[q]:
                        matters[q].append(title)
    order = {q.id: i for i, q in enumerate(QUESTIONS)}
    for q in sorted(matters, key=order.__getitem__):
        out.append(
            {
                "id": q,
                "text": QUESTIONS_BY_ID[q].text,
                "emergency": False,
                "matters_for": matters[q],
            }
        )
    for test, result in report.results.items():
        for text in result.unknowns:
            out.append({"id": f"labs.{test}", "text": text, "emergency": False, "matters_for": []})
    for text in report.notes:
        out.append({"id": "labs", "text": text, "emergency": False, "matters_for": []})
    if medicines is not None and medicines.unrecognised:
        out.append(
            {
                "id": "medications",
                "text": "These medicine names were not recognised, so they could not be checked: "
                + ", ".join(medicines.unrecognised)
                + ". A pharmacist can say what they are.",
                "emergency": False,
                "matters_for": [],
            }
        )
    return out


_RED_FLAG_SECTIONS = ("emergency", "urgent_signs")
_RLS_QUESTIONS = (
    "urge_to_move",
    "worse_at_rest",
    "relieved_by_movement",
    "worse_evening_night",
    "explained_by_mimic",
)


def _rls_unanswered(rls: RlsResult, kb: Knowledge) -> set[str]:
    by_id = {c["id"]: c["answer"] for c in kb.rls["criteria"]}
    return {by_id[c] for c in rls.criteria_unanswered}


def _tests(findings: list[Finding], report: LabReport, kb: Knowledge) -> list[str]:
    tests: list[str] = []
    for f in findings:
        if f.tier == "emergency":
            continue
        for t in kb.findings[f.id]["tests"]:
            done = report.results.get(t)
            if done is not None and not done.caveats:
                continue
            tests.append(t)
    return list(dict.fromkeys(tests))


def _for_group(items: list[Any], group: str) -> list[str]:
    """Self-care texts for the person's age group (an unknown age reads the adult texts)."""
    want = "child" if group == "child" else "adult"
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif item.get("for") in ("all", want):
            out.append(str(item["text"]))
    return out


def _self_care(findings: list[Finding], group: str, kb: Knowledge) -> list[str]:
    items = [s for f in findings for s in _for_group(kb.findings[f.id]["self_care"], group)]
    return list(dict.fromkeys(items + _for_group(kb.general_self_care, group)))


def _questions(findings: list[Finding], facts: Facts, kb: Knowledge) -> list[str]:
    items = [q for f in findings for q in kb.findings[f.id]["questions_for_doctor"]]
    items += [q["text"] for q in kb.conditional_questions if evaluate(q["when"], facts)[0] is True]
    return list(dict.fromkeys(items))
