"""The clinical engine: answers + labs + diary patterns + recording -> :class:`Assessment`.

Every rule comes from ``rules.json`` (condition, finding, tier, source, rationale); several rules
may add to one finding, whose tier is then the highest of them. Triage is the highest tier of any
finding, in the order emergency > urgent > see_doctor > self_care. No clinical number is in this
module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from twitchscope.clinical.answers import validate_answers
from twitchscope.clinical.assessment import Assessment, Finding
from twitchscope.clinical.conditions import Facts, evaluate
from twitchscope.clinical.knowledge import TIERS, Knowledge, load_knowledge
from twitchscope.clinical.labs import LabReport, interpret_labs, parse_labs
from twitchscope.clinical.questions import emergency_questions
from twitchscope.clinical.recording_summary import (
    RecordingSummary,
    load_recording_summary,
    recording_facts,
)
from twitchscope.clinical.rls import assess_rls
from twitchscope.disclaimer import DISCLAIMER
from twitchscope.errors import ValidationError

DiaryInput = Any  # DiaryPatterns, its dict, or a diary path / database URL


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
        The answers of CLINICAL.md section 9 (validated here).
    labs : mapping or path, optional
        Test -> ``{"value", "unit"}``; merged with ``answers["labs"]`` (this one wins).
    diary : DiaryPatterns, its dict, or a diary path / URL, optional
        Patterns from the symptom diary.
    recording : mapping, RecordingSummary or path of ``summary.json``, optional
        The summary of ``twitchscope score``.

    Returns
    -------
    Assessment
        Triage tier, findings with reasons and sources, RLS, tests, self-care, questions for the
        doctor, unanswered emergency questions and the disclaimer.

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
    )
    findings = _findings(facts, kb)
    triage = min((f.tier for f in findings), key=TIERS.index, default="self_care")
    unanswered = [q.id for q in emergency_questions() if q.id not in ans]
    return Assessment(
        triage=triage,
        next_step=kb.tiers[triage]["next_step"],
        findings=findings,
        rls=rls.to_dict(),
        tests_to_discuss=_tests(findings, report, kb),
        self_care=[] if triage == "emergency" else _self_care(findings, kb),
        questions_for_doctor=_questions(findings, facts, kb),
        unanswered_emergency_questions=unanswered,
        disclaimer=DISCLAIMER,
        labs=report.to_dict()["results"],
        diary=diary_d,
        recording=None if rec_summary is None else rec_summary.to_dict(),
        notes=notes,
        answers={k: v for k, v in ans.items() if k != "labs"},
        knowledge_version=kb.version,
    )


def _findings(facts: Facts, kb: Knowledge) -> list[Finding]:
    acc: dict[str, dict[str, Any]] = {}
    for rule in kb.rules:
        value, reasons = evaluate(rule["when"], facts)
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
        entry["sources"] += [kb.citation(s) for s in srcs]
        entry["rules"].append(rule["id"])
    out = [
        Finding(
            id=fid,
            title=kb.findings[fid]["title"],
            tier=e["tier"],
            summary=kb.findings[fid]["summary"],
            reasons=list(dict.fromkeys(e["reasons"])),
            sources=list(dict.fromkeys(e["sources"])),
            rules=e["rules"],
        )
        for fid, e in acc.items()
    ]
    return sorted(out, key=lambda f: TIERS.index(f.tier))


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


def _self_care(findings: list[Finding], kb: Knowledge) -> list[str]:
    items = [s for f in findings for s in kb.findings[f.id]["self_care"]]
    return list(dict.fromkeys(items + list(kb.general_self_care)))


def _questions(findings: list[Finding], facts: Facts, kb: Knowledge) -> list[str]:
    items = [q for f in findings for q in kb.findings[f.id]["questions_for_doctor"]]
    items += [q["text"] for q in kb.conditional_questions if evaluate(q["when"], facts)[0] is True]
    return list(dict.fromkeys(items))
