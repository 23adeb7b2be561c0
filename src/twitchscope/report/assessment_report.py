"""``assessment.html``: the clinical picture as one self-contained, printable page.

Order: the triage tier and next step (an emergency is unmistakable), emergency questions still
unanswered, findings with plain reasons and their sources folded underneath, what else is
unknown, the RLS criteria (only where restless legs matter), lab values, diary and recording,
tests to discuss (in plain words), self-care, questions for the doctor, notes, and the
disclaimer. Everything shown is computed in :class:`~twitchscope.clinical.Assessment`; this
module only lays it out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from twitchscope.clinical.assessment import Assessment
from twitchscope.clinical.questions import QUESTIONS_BY_ID
from twitchscope.report.page import escape, render_page

TIER_LABELS: Final[dict[str, str]] = {
    "emergency": "Emergency",
    "urgent": "Urgent: see a doctor within days",
    "see_doctor": "See a doctor",
    "self_care": "Self-care",
}
_EXTRA_CSS: Final[str] = """<style>
.triage { border-radius:12px; padding:20px 24px; margin:0 0 18px; color:#fff; }
.triage h2 { margin:0 0 6px; font-size:26px; } .triage p { margin:0; font-size:17px; }
.triage.emergency { background:#8e0f1b; border:4px solid #ff3b3b; }
.triage.urgent { background:#c62f3b; } .triage.see_doctor { background:#b87d00; }
.triage.self_care { background:#1f9d55; }
.unanswered { border:2px solid #c62f3b; background:#fff4f4; }
.finding { border-left:6px solid #5b6577; padding:8px 14px; margin:0 0 14px; }
.finding.emergency { border-color:#8e0f1b; } .finding.urgent { border-color:#c62f3b; }
.finding.see_doctor { border-color:#c98a00; } .finding.self_care { border-color:#1f9d55; }
.finding h3 { margin:0 0 4px; font-size:16px; }
.sources { font-size:12px; color:#5b6577; }
.sources summary { cursor:pointer; }
.todo { font-weight:600; }
.yes { color:#1f9d55; font-weight:700; } .no { color:#c62f3b; font-weight:700; }
.unk { color:#5b6577; }
</style>"""


def _list(items: list[str], cls: str = "") -> str:
    if not items:
        return '<p class="muted">None.</p>'
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _section(title: str, body: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<section{attr}><h2>{escape(title)}</h2>{body}</section>"


def _triage(a: Assessment) -> str:
    return (
        f'<div class="triage {escape(a.triage)}" id="triage">'
        f"<h2>{escape(TIER_LABELS.get(a.triage, a.triage))}</h2>"
        f"<p>{escape(a.next_step)}</p></div>"
    )


def _unanswered(a: Assessment) -> str:
    if not a.unanswered_emergency_questions:
        return ""
    items = [
        QUESTIONS_BY_ID[q].text if q in QUESTIONS_BY_ID else q
        for q in a.unanswered_emergency_questions
    ]
    body = (
        "<p><strong>These emergency questions were not answered, so they could not be ruled "
        "out.</strong> If any answer is yes, get help now.</p>" + _list(items)
    )
    return _section("Emergency questions not answered", body, "unanswered")


def _sources(refs: list[dict[str, str]]) -> str:
    if not refs:
        return ""
    names = "; ".join(r["short"] for r in refs)
    items = "".join(
        f"<li>{escape(r['citation'])}"
        + (f' <a href="{escape(r["url"])}">{escape(r["url"])}</a>' if r.get("url") else "")
        + "</li>"
        for r in refs
    )
    return (
        f'<details class="sources"><summary>Sources: {escape(names)}</summary>'
        f"<ul>{items}</ul></details>"
    )


def _findings(a: Assessment) -> str:
    if not a.findings:
        return _section("Findings", '<p class="muted">No rule fired on these answers.</p>')
    parts = []
    for f in a.findings:
        todo = (
            f'<p class="todo">{escape(f.next_step)}</p>'
            if f.next_step and f.tier not in ("emergency", "self_care")
            else ""
        )
        parts.append(
            f'<div class="finding {escape(f.tier)}"><h3>{escape(f.title)} '
            f'<span class="badge {escape(f.tier)}">{escape(f.tier.replace("_", " "))}</span></h3>'
            f"<p>{escape(f.summary)}</p>{todo}<p><strong>Why:</strong></p>{_list(f.reasons)}"
            f"{_sources(f.source_refs)}</div>"
        )
    return _section("Findings", "".join(parts))


def _unknowns(a: Assessment) -> str:
    items = [u for u in a.unknowns if not u.get("emergency")]
    if not items:
        return _section(
            "What is not known",
            '<p class="muted">Nothing else that could change this picture was left unanswered.</p>',
        )
    rows = []
    for u in items:
        why = ", ".join(u.get("matters_for") or [])
        rows.append(
            escape(u["text"]) + (f' <span class="muted">({escape(why)})</span>' if why else "")
        )
    body = (
        "<p>These were not answered or could not be judged; an unanswered question is never "
        "taken as a no. Answering them could change the picture.</p><ul>"
        + "".join(f"<li>{r}</li>" for r in rows)
        + "</ul>"
    )
    return _section("What is not known", body)


def _tests(a: Assessment) -> str:
    labels = [t["label"] for t in a.tests_to_discuss_plain] or list(a.tests_to_discuss)
    return _section("Tests worth discussing", _list(labels))


def _mark(state: str) -> str:
    return {"met": '<span class="yes">met</span>', "not": '<span class="no">not met</span>'}.get(
        state, '<span class="unk">not answered</span>'
    )


def _rls(a: Assessment) -> str:
    if not a.rls_relevant:
        return ""
    rls = a.rls
    state = {"met": "met", "not_met": "not", "unknown": "unk"}
    table = "<table><tr><th>IRLSSG 2014 criterion</th><th></th></tr>" + "".join(
        f"<tr><td>{escape(c['text'])}</td><td>{_mark(state[c['state']])}</td></tr>"
        for c in rls["criteria"]
    )
    table += "</table>"
    cp = rls.get("chronic_persistent")
    cp_txt = "not answered" if cp is None else ("yes" if cp else "no")
    band = rls.get("irls_band") or "no IRLS score given"
    score = "" if rls.get("irls_score") is None else f" ({rls['irls_score']}/40)"
    summary = (
        f"<p>All five criteria met: <strong>{_all_met(rls)}</strong> · "
        f"chronic-persistent: {escape(cp_txt)} · IRLS severity: {escape(band)}{escape(score)}</p>"
    )
    return _section("Restless legs syndrome (RLS) criteria", summary + table)


def _all_met(rls: dict[str, Any]) -> str:
    words = {"met": "yes", "not_met": "no"}
    return words.get(rls.get("status", ""), "not known (not all answered)")


def _labs(a: Assessment) -> str:
    if not a.labs:
        return ""
    rows = []
    for r in a.labs.values():
        shown = r["corrected_value"] if r["corrected_value"] is not None else r["value"]
        flags = "; ".join(f["label"] for f in r["flags"]) or "within the limits"
        cls = "above" if r["abnormal"] else ""
        extra = " ".join(r["caveats"] + r["notes"])
        rows.append(
            f"<tr><td>{escape(r.get('plain_title') or r['title'])}</td>"
            f"<td>{escape(f'{shown:.4g}')} {escape(r['unit'])}"
            f"</td><td>{escape(r.get('entered_text') or r['entered_value'])}</td>"
            f'<td class="{cls}">{escape(flags)}</td><td class="muted">{escape(extra)}</td></tr>'
        )
    table = (
        "<table><tr><th>test</th><th>value</th><th>entered</th><th>flags</th><th>notes</th></tr>"
        + "".join(rows)
        + '</table><p class="muted">Indicative limits from the sources named under each '
        "finding; your laboratory's own range wins.</p>"
    )
    return _section("Lab values", table)


def _cards(items: list[tuple[str, Any]]) -> str:
    cards = "".join(
        f'<div class="card"><div class="value">{escape(v)}</div><div class="label">'
        f"{escape(k)}</div></div>"
        for k, v in items
    )
    return f'<div class="cards">{cards}</div>'


def _fmt(v: Any, spec: str = ".1f") -> str:
    return "n/a" if v is None else format(v, spec)


def _diary(a: Assessment) -> str:
    d = a.diary
    if d is None:
        return ""
    items = [
        ("episodes", d.get("n_episodes", "n/a")),
        ("days recorded", d.get("n_days_recorded", "n/a")),
        ("days affected, last 90", d.get("days_affected_last_90", "n/a")),
        ("evening/night share", _fmt(d.get("evening_night_share"), ".0%")),
        ("trend", d.get("trend") or "n/a"),
    ]
    statements = [
        str(x.get("statement", ""))
        for x in d.get("factor_associations") or []
        if x.get("statement")
    ]
    return _section("Symptom diary", _cards(items) + _list(statements))


def _recording(a: Assessment) -> str:
    r = a.recording
    if r is None:
        return ""
    staged = r.get("index_basis") != "recording_time"
    name = "PLMS index (/h sleep)" if staged else "PLM per hour of recording"
    items = [
        (name, _fmt(r.get("plms_index"))),
        ("PLMS count", r.get("plms_count")),
        ("PLMW index (/h)", _fmt(r.get("plmw_index"))),
        ("periodicity index", _fmt(r.get("periodicity_index"), ".2f")),
        ("total sleep time (h)", _fmt(r.get("total_sleep_time_h"))),
    ]
    note = "" if staged else '<p class="muted">No sleep staging: not a PLMS index.</p>'
    return _section("Recording", _cards(items) + note)


def render_assessment_html(assessment: Assessment) -> str:
    """Render an assessment as a complete HTML page (self-contained, escaped).

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`twitchscope.clinical.assess`.

    Returns
    -------
    str
        The HTML document.
    """
    a = assessment
    body = [
        _EXTRA_CSS,
        _triage(a),
        _unanswered(a),
        _findings(a),
        _unknowns(a),
        _rls(a),
        _labs(a),
        _diary(a),
        _recording(a),
        _tests(a),
        _section("Self-care", _list(a.self_care)),
        _section("Questions for the doctor", _list(a.questions_for_doctor)),
        _section("Notes", _list(a.notes)) if a.notes else "",
        _section("Not a diagnosis", f"<p>{escape(a.disclaimer)}</p>"),
        f'<p class="muted">Knowledge base: {escape(a.knowledge_version)}</p>',
    ]
    subtitle = f"Triage: {TIER_LABELS.get(a.triage, a.triage)}"
    return render_page("Why do my legs twitch? Clinical picture", "".join(body), subtitle)


def write_assessment_html(assessment: Assessment, path: str | Path) -> Path:
    """Write ``assessment.html``; return its path."""
    p = Path(path)
    p.write_text(render_assessment_html(assessment), encoding="utf-8")
    return p
