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

LABS_NOTE: Final[str] = (
    "Indicative limits from the sources named under each finding; your laboratory's own range wins."
)
#: How many of the latest diary episodes the reports list.
RECENT_EPISODES: Final[int] = 8


def _texts(items: Any) -> list[str]:
    if not isinstance(items, Sequence) or isinstance(items, str):
        return []
    return [str(i) for i in items if str(i)]


def triage_context(tier: str, next_step: str) -> dict[str, str]:
    """The triage banner's values."""
    return {"tier": tier, "label": tier_label(tier), "next_step": next_step}


def _source_refs(f: Any) -> list[dict[str, str]]:
    """Each source as ``{short, citation, url}`` (from ``source_refs``, else the citations)."""
    refs = getattr(f, "source_refs", None) or []
    out = []
    for r in refs:
        if isinstance(r, Mapping) and (r.get("citation") or r.get("short")):
            citation = str(r.get("citation") or r.get("short"))
            out.append(
                {
                    "short": str(r.get("short") or citation),
                    "citation": citation,
                    "url": str(r.get("url") or ""),
                }
            )
    if out:
        return out
    return [{"short": c, "citation": c, "url": ""} for c in _texts(getattr(f, "sources", []))]


def finding_context(f: Any) -> dict[str, Any]:
    """One finding's values: title, tier, summary, what to do, reasons, sources.

    ``sources`` are the full citations (with the address when there is one); ``source_refs``
    keep them apart as ``{short, citation, url}`` so a page can show the short names and fold
    the citations under them.
    """
    tier = str(getattr(f, "tier", "see_doctor"))
    refs = _source_refs(f)
    next_step = str(getattr(f, "next_step", "") or "")
    return {
        "id": getattr(f, "id", ""),
        "title": getattr(f, "title", ""),
        "tier": tier,
        "tier_label": tier.replace("_", " "),
        "summary": getattr(f, "summary", ""),
        # the tier banner already says what to do for an emergency; self-care needs no visit
        "next_step": next_step if tier not in ("emergency", "self_care") else "",
        "reasons": _texts(getattr(f, "reasons", [])),
        "sources": [f"{r['citation']} {r['url']}".strip() for r in refs],
        "source_refs": refs,
        "source_names": "; ".join(r["short"] for r in refs),
    }


def rls_context(rls: Mapping[str, Any] | None, relevant: bool = True) -> dict[str, Any] | None:
    """RLS criteria rows (``met``, ``not``, ``unknown``) and a summary line.

    None when there is nothing to show, or when the restless-legs table would only distract
    (``relevant`` False: an emergency, or nothing points to restless legs).
    """
    if not isinstance(rls, Mapping) or not rls or not relevant:
        return None
    states = {"met": "met", "not_met": "not", "unknown": "unknown"}
    rows = [
        (str(c.get("text", c.get("id", ""))), states.get(str(c.get("state")), "unknown"))
        for c in rls.get("criteria") or []
        if isinstance(c, Mapping)
    ]
    cp = rls.get("chronic_persistent")
    cp_txt = "not answered" if cp is None else ("yes" if cp else "no")
    band = rls.get("irls_band") or "no IRLS score given"
    score = rls.get("irls_score")
    score_txt = f" ({score}/40)" if score is not None else ""
    all_met = {"met": "yes", "not_met": "no"}.get(
        str(rls.get("status")), "not known (not all answered)"
    )
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
            value += " corrected"  # the notes say how (albumin)
        entered = r.get("entered_text") or (
            f"{fmt_number(r.get('entered_value'), 'g')} {r.get('entered_unit', '')}".strip()
        )
        rows.append(
            {
                "title": str(r.get("plain_title") or r.get("title") or r.get("test", "")),
                "value": value,
                "entered": str(entered),
                "flags": "; ".join(flags) or "within the limits",
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


def unknowns_context(unknowns: Any) -> list[str]:
    """What is not known and could change the picture, in words (emergency ones left out:
    they have their own section)."""
    out = []
    for u in unknowns or []:
        if isinstance(u, Mapping):
            if u.get("emergency"):
                continue
            why = ", ".join(_texts(u.get("matters_for")))
            out.append(f"{u.get('text', '')} ({why})" if why else str(u.get("text", "")))
        elif str(u):
            out.append(str(u))
    return out


def tests_context(a: Any) -> list[str]:
    """Tests worth discussing, in plain words when the assessment has them."""
    plain = getattr(a, "tests_to_discuss_plain", None) or []
    labels = [str(t.get("label")) for t in plain if isinstance(t, Mapping) and t.get("label")]
    return labels or _texts(getattr(a, "tests_to_discuss", []))


def medicines_context(medicines: Any) -> list[str]:
    """Each medicine as written, with what it was recognised as (its classes in words), or a
    note that it was not recognised."""
    if not isinstance(medicines, Mapping):
        return []
    out = []
    for m in medicines.get("recognised") or []:
        if not isinstance(m, Mapping):
            continue
        written, name = str(m.get("written", "")), str(m.get("name", ""))
        text = written if not name or name == written else f"{written} ({name})"
        classes = [str(c).replace("_", " ") for c in m.get("classes") or []]
        if classes:
            text += ": " + ", ".join(classes)
        if m.get("note"):
            text += f" · {m['note']}"
        out.append(text)
    for m in medicines.get("unrecognised") or []:
        written = str(m.get("written", "")) if isinstance(m, Mapping) else str(m)
        out.append(f"{written} (not recognised: ask your pharmacist or doctor)")
    return out


def assessment_context(a: Assessment, *, episodes: pd.DataFrame | None = None) -> dict[str, Any]:
    """Everything ``assessment.html`` (and the doctor report's clinical part) shows.

    Keys: ``triage``, ``unanswered``, ``findings``, ``unknowns``, ``rls`` (None where restless
    legs do not matter), ``labs``, ``medicines``, ``diary``, ``recording``, ``tests``,
    ``self_care``, ``questions``, ``notes``, ``disclaimer``, ``knowledge_version``.
    """
    return {
        "triage": triage_context(a.triage, a.next_step),
        "unanswered": question_texts(a.unanswered_emergency_questions),
        "findings": [finding_context(f) for f in a.findings],
        "unknowns": unknowns_context(a.unknowns),
        "rls": rls_context(a.rls, a.rls_relevant),
        "labs": labs_context(a.labs),
        "medicines": medicines_context(getattr(a, "medicines", None)),
        "diary": diary_context(a.diary, episodes),
        "recording": recording_context(a.recording),
        "tests": tests_context(a),
        "self_care": _texts(a.self_care),
        "questions": _texts(a.questions_for_doctor),
        "notes": _texts(a.notes),
        "disclaimer": a.disclaimer,
        "knowledge_version": a.knowledge_version,
    }
