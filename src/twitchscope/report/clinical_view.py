"""The clinical picture, the labs and the diary as the plain values the templates show.

:func:`assessment_context` turns an :class:`~twitchscope.clinical.Assessment` into dicts and
lists of text (triage, findings with reasons and sources, RLS criteria, labs table, diary
patterns, recording cards, tests, self-care, questions); the macros in ``macros/clinical.html``
and ``macros/diary.html`` lay them out. Text is left unescaped: the templates escape it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from twitchscope.report.templating import fmt_number, tier_label

if TYPE_CHECKING:
    import pandas as pd

    from twitchscope.clinical.assessment import Assessment

_RLS_CRITERIA: Final[tuple[tuple[str, str], ...]] = (
    ("urge_to_move", "An urge to move the legs, usually with unpleasant sensations"),
    ("worse_at_rest", "It begins or gets worse when resting or sitting still"),
    ("relieved_by_movement", "Moving (walking, stretching) relieves it while moving"),
    ("worse_evening_night", "It is worse, or only happens, in the evening or at night"),
    ("not_explained_by_mimic", "Not explained by another condition (cramps, positional pain)"),
)
LABS_NOTE: Final[str] = "Indicative adult thresholds; your laboratory's own range wins."
#: How many of the latest diary episodes the reports list.
RECENT_EPISODES: Final[int] = 8


def _texts(items: Any) -> list[str]:
    if not isinstance(items, Sequence) or isinstance(items, str):
        return []
    return [str(i) for i in items if str(i)]


def triage_context(tier: str, next_step: str) -> dict[str, str]:
    """The triage banner's values."""
    return {"tier": tier, "label": tier_label(tier), "next_step": next_step}


def finding_context(f: Any) -> dict[str, Any]:
    """One finding's values (title, tier, summary, reasons, sources, what is not known)."""
    return {
        "id": getattr(f, "id", ""),
        "title": getattr(f, "title", ""),
        "tier": getattr(f, "tier", "see_doctor"),
        "tier_label": str(getattr(f, "tier", "")).replace("_", " "),
        "summary": getattr(f, "summary", ""),
        "reasons": _texts(getattr(f, "reasons", [])),
        "sources": _texts(getattr(f, "sources", [])),
        "unknown": _texts(getattr(f, "unknown", [])),
    }


def rls_context(rls: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """RLS criteria rows (``met``, ``not``, ``unknown``) and a summary line."""
    if not isinstance(rls, Mapping) or not rls:
        return None
    met = set(_texts(rls.get("criteria_met")))
    unanswered = set(_texts(rls.get("criteria_unanswered")))
    rows = []
    for key, name in _RLS_CRITERIA:
        state = "unknown" if key in unanswered else "met" if key in met else "not"
        rows.append((name, state))
    cp = rls.get("chronic_persistent")
    cp_txt = "not answered" if cp is None else ("yes" if cp else "no")
    band = rls.get("irls_band") or "no IRLS score given"
    score = rls.get("irls_score")
    score_txt = f" ({score}/40)" if score is not None else ""
    all_met = "yes" if rls.get("all_met") else "no"
    summary = (
        f"All five criteria met: {all_met} · chronic-persistent: {cp_txt} · "
        f"IRLS severity: {band}{score_txt}"
    )
    return {
        "rows": rows,
        "summary": summary,
        "source": "Criteria: International RLS Study Group (Allen et al., Sleep Med 2014).",
    }


def labs_context(labs: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Rows of the labs table from interpreted lab results (``LabResult.to_dict()`` values)."""
    if not isinstance(labs, Mapping) or not labs:
        return None
    rows = []
    for r in labs.values():
        if not isinstance(r, Mapping):
            continue
        shown = r.get("corrected_value")
        shown = r.get("value") if shown is None else shown
        flags = [str(f.get("label", "")) for f in r.get("flags") or [] if isinstance(f, Mapping)]
        value = f"{fmt_number(shown, '.4g')} {r.get('unit', '')}".strip()
        if r.get("corrected_value") is not None:
            value += " (albumin-corrected)"
        rows.append(
            {
                "title": str(r.get("title", r.get("test", ""))),
                "value": value,
                "entered": f"{fmt_number(r.get('entered_value'), 'g')} "
                f"{r.get('entered_unit', '')}".strip(),
                "flags": "; ".join(flags) or "within the thresholds",
                "abnormal": bool(r.get("abnormal")),
                "notes": " ".join(_texts(r.get("caveats")) + _texts(r.get("notes"))),
            }
        )
    return {"rows": rows, "note": LABS_NOTE}


def _share(value: Any) -> str:
    text = fmt_number(value, ".0%")
    return text.replace("%", " %") if text != "n/a" else text


def diary_context(
    patterns: Mapping[str, Any] | None, episodes: pd.DataFrame | None = None
) -> dict[str, Any] | None:
    """Cards, statements, the by-hour figure and the latest episodes of a diary.

    Parameters
    ----------
    patterns : mapping or None
        ``DiaryPatterns.to_dict()``.
    episodes : DataFrame, optional
        ``Diary.episodes``; the latest :data:`RECENT_EPISODES` are listed (notes included).
    """
    if not isinstance(patterns, Mapping):
        return None
    from twitchscope.report.figures import diary_hours

    d = patterns
    cards = [
        {"label": "episodes", "value": str(d.get("n_episodes", "n/a")), "note": "", "state": None},
        {
            "label": "days recorded",
            "value": str(d.get("n_days_recorded", "n/a")),
            "note": "",
            "state": None,
        },
        {
            "label": "days with episodes, last 90",
            "value": str(d.get("days_affected_last_90", "n/a")),
            "note": "",
            "state": None,
        },
        {
            "label": "in the evening or at night",
            "value": _share(d.get("evening_night_share")),
            "note": "of episodes (18:00-06:00)",
            "state": None,
        },
        {"label": "trend", "value": str(d.get("trend") or "n/a"), "note": "", "state": None},
    ]
    statements = [
        str(x.get("statement"))
        for x in d.get("factor_associations") or []
        if isinstance(x, Mapping) and x.get("statement")
    ]
    if d.get("new_locations"):
        statements.append(
            "new body parts since the first two weeks: " + ", ".join(_texts(d.get("new_locations")))
        )
    profile = d.get("hourly_profile")
    fig = diary_hours(profile) if isinstance(profile, Sequence) and sum(profile) > 0 else None
    first, last = d.get("first_day"), d.get("last_day")
    period = f"Diary from {first} to {last}." if first and last else ""
    return {
        "cards": cards,
        "statements": statements,
        "warnings": _texts(d.get("warnings")),
        "figure": fig,
        "period": period,
        "recent": _recent(episodes),
    }


def _recent(episodes: pd.DataFrame | None) -> list[dict[str, str]]:
    if episodes is None or episodes.empty:
        return []
    tail = episodes.sort_values("start").tail(RECENT_EPISODES).iloc[::-1]
    out = []
    for row in tail.to_dict("records"):
        locations = row.get("locations") or ()
        side = row.get("side")
        where = ", ".join(str(x) for x in locations)
        if side:
            where = f"{where} ({side})" if where else str(side)
        start: Any = row.get("start")
        out.append(
            {
                "start": start.strftime("%Y-%m-%d %H:%M") if start is not None else "",
                "kind": str(row.get("kind") or "").replace("_", " "),
                "where": where,
                "intensity": fmt_number(row.get("intensity"), ".0f", missing=""),
                "note": str(row.get("note") or ""),
            }
        )
    return out


def recording_context(recording: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Cards of the recording summary an assessment used."""
    if not isinstance(recording, Mapping):
        return None
    r = recording
    staged = r.get("index_basis") != "recording_time"
    name = "PLMS index (/h of sleep)" if staged else "PLM per hour of recording"

    def card(label: str, value: str) -> dict[str, Any]:
        return {"label": label, "value": value, "note": "", "state": None}

    cards = [
        card(name, fmt_number(r.get("plms_index"))),
        card("PLMS count", fmt_number(r.get("plms_count"), ".0f")),
        card("PLMW index (/h)", fmt_number(r.get("plmw_index"))),
        card("periodicity index", fmt_number(r.get("periodicity_index"), ".2f")),
        card("total sleep time (h)", fmt_number(r.get("total_sleep_time_h"))),
    ]
    note = "" if staged else "No sleep staging: not a PLMS index."
    return {"cards": cards, "note": note}


def question_texts(ids: Sequence[str]) -> list[str]:
    """The text of each question id (the id itself when unknown)."""
    from twitchscope.clinical.questions import QUESTIONS_BY_ID

    return [QUESTIONS_BY_ID[q].text if q in QUESTIONS_BY_ID else str(q) for q in ids]


def assessment_context(a: Assessment, *, episodes: pd.DataFrame | None = None) -> dict[str, Any]:
    """Everything ``assessment.html`` (and the doctor report's clinical part) shows.

    Keys: ``triage``, ``unanswered``, ``findings``, ``unknowns``, ``rls``, ``labs``, ``diary``,
    ``recording``, ``tests``, ``self_care``, ``questions``, ``notes``, ``disclaimer``,
    ``knowledge_version``.
    """
    return {
        "triage": triage_context(a.triage, a.next_step),
        "unanswered": question_texts(a.unanswered_emergency_questions),
        "findings": [finding_context(f) for f in a.findings],
        "unknowns": _texts(getattr(a, "unknowns", [])),
        "rls": rls_context(a.rls),
        "labs": labs_context(a.labs),
        "diary": diary_context(a.diary, episodes),
        "recording": recording_context(a.recording),
        "tests": _texts(a.tests_to_discuss),
        "self_care": _texts(a.self_care),
        "questions": _texts(a.questions_for_doctor),
        "notes": _texts(a.notes),
        "disclaimer": a.disclaimer,
        "knowledge_version": a.knowledge_version,
    }
