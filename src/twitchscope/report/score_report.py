"""``report.html`` of ``twitchscope score``: one night's leg movements, scored, on one page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from twitchscope.report.page import escape, render_page
from twitchscope.results import CUTOFF_SOURCE, CUTOFFS, PLMS_INDEX_CUTOFF_CHILD, unit_of

if TYPE_CHECKING:
    from twitchscope.results import ScoreResult

_LABELS: dict[str, str] = {
    "plms_index": "PLMS index",
    "plmw_index": "PLMW index",
    "lm_index": "LM index",
    "plms_count": "PLMS count",
    "periodicity_index": "Periodicity index",
    "plms_index_nonrespiratory": "PLMS index without respiratory-related LMs",
    "plms_arousal_index": "PLMS index with arousal",
    "total_sleep_time_h": "Total sleep time",
    "time_in_bed_h": "Time in bed",
    "lms_index_wake": "LM index in wake",
    "clm_index": "CLM index (candidate LMs in sleep)",
    "plmw_count": "PLMW count",
    "lm_count": "LM count (sleep)",
    "clm_count": "CLM count (sleep)",
    "plms_count_nonrespiratory": "PLMS count without respiratory-related LMs",
    "respiratory_lm_count": "Respiratory-related LMs in sleep",
    "plms_arousal_count": "PLMS with arousal",
    "plm_series_count": "PLM series",
    "mean_series_length": "Mean series length (movements)",
    "wake_after_sleep_onset_h": "Wake after sleep onset",
    "recording_time_h": "Recording length",
    "excluded_h": "Time excluded from scoring (artefact, noise)",
    "index_hours": "Hours behind the sleep indices",
    "wake_hours": "Hours behind the wake indices",
}


def _num(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return float("nan")
    return f


def _fmt(v: Any, unit: str = "") -> str:
    f = _num(v)
    if not np.isfinite(f):
        return "n/a"
    if unit == "count":
        return f"{f:.0f}"
    if unit == "ratio":
        return f"{f:.2f}"
    return f"{f:.1f}" + (f" {unit}" if unit in ("/h", "h") else "")


def _cards(result: ScoreResult) -> str:
    ind = result.indices
    accel = ind.get("index_basis") == "accelerometer_sleep"
    basis = (
        "per hour of sleep"
        if result.has_hypnogram
        else "per hour of accelerometer-estimated sleep"
        if accel
        else "per hour of recording"
    )
    out = ['<div class="cards">']
    for key in ("plms_index", "plmw_index", "lm_index", "periodicity_index"):
        unit = unit_of(key)
        v = ind.get(key)
        cut = CUTOFFS.get(key)
        extra = ""
        cls = ""
        if cut is not None and np.isfinite(_num(v)):
            above = _num(v) > cut
            cls = " above" if above else " below"
            extra = f"{'above' if above else 'not above'} the adult cut-off of {cut:g}/h"
        elif key == "periodicity_index":
            extra = escape(str(ind.get("periodicity_definition", "")))
        elif key == "plmw_index":
            extra = (
                "per hour of wake after sleep onset"
                if result.has_hypnogram
                else "per hour of accelerometer-estimated wake"
                if accel
                else basis
            )
        elif unit == "/h":
            extra = basis
        out.append(
            f'<div class="card"><div class="label">{escape(_LABELS.get(key, key))}</div>'
            f'<div class="value{cls}">{escape(_fmt(v, unit))}</div>'
            f'<div class="label">{escape(extra)}</div></div>'
        )
    out.append("</div>")
    return "".join(out)


def _indices_table(result: ScoreResult) -> str:
    rows = []
    for r in result.summary().to_dict(orient="records"):
        name, unit = str(r["index"]), str(r["unit"])
        if "." in name:
            continue  # by-stage / by-leg rows have their own table
        cutoff = _num(r["cutoff"])
        cut = f"&gt; {cutoff:g}/h" if np.isfinite(cutoff) else ""
        flag = ""
        if r["above_cutoff"] is True:
            flag = '<span class="above">above cut-off</span>'
        elif r["above_cutoff"] is False:
            flag = '<span class="below">not above</span>'
        rows.append(
            f"<tr><td>{escape(_LABELS.get(name, name))}</td>"
            f"<td>{escape(_fmt(r['value'], unit))}</td><td>{cut}</td><td>{flag}</td></tr>"
        )
    return (
        "<table><tr><th>index</th><th>value</th><th>adult cut-off</th><th></th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _dict_table(title: str, by: Any, unit: str = "/h") -> str:
    if not isinstance(by, Mapping) or not by:
        return ""
    head = "".join(f"<th>{escape(k)}</th>" for k in by)
    cells = "".join(f"<td>{escape(_fmt(v, unit))}</td>" for v in by.values())
    return f"<h3>{escape(title)}</h3><table><tr>{head}</tr><tr>{cells}</tr></table>"


def _warnings(result: ScoreResult) -> str:
    if not result.warnings:
        return (
            '<section><h2>Warnings</h2><p class="muted">No warning: the leg signals passed '
            "the quality checks.</p></section>"
        )
    items = "".join(f"<li>{escape(w)}</li>" for w in result.warnings)
    return (
        '<section style="border-color:#e5b84b;background:#fffaf0"><h2>Warnings '
        f"({len(result.warnings)})</h2><p>Read these before the indices: they say where the "
        f'figures may be wrong.</p><ul class="warnings">{items}</ul></section>'
    )


def _source_section(result: ScoreResult) -> str:
    ch = result.channels
    rows = [
        ("recording", result.source or "(in memory)"),
        (
            "recording start",
            result.recording_start.isoformat(sep=" ") if result.recording_start else "unknown",
        ),
        ("recording length", f"{result.recording_duration / 3600.0:.2f} h"),
        ("left leg channel", ch.get("left") or "none"),
        ("right leg channel", ch.get("right") or "none"),
        (
            "movements",
            "detected from the leg EMG"
            if result.mode == "detect"
            else f"scored from reference movements ({result.movements_source})",
        ),
        ("hypnogram", result.hypnogram_source or ("given" if result.has_hypnogram else "none")),
        ("events", result.events_source or f"{len(result.events)} events"),
    ]
    if result.excluded_s:
        for leg in ("left", "right"):
            rows.append(
                (f"excluded from detection ({leg})", f"{result.excluded_s.get(leg, 0.0):.0f} s")
            )
    for det in result.detections:
        rows.append(
            (
                f"resting EMG ({det.leg})",
                f"median {det.resting_uv_median:.1f} µV, 95th percentile "
                f"{det.resting_uv_p95:.1f} µV",
            )
        )
        if det.mains_notch_hz:
            hz = ", ".join(f"{f:g}" for f in det.mains_notch_hz)
            rows.append((f"mains interference ({det.leg})", f"{hz} Hz, notched out"))
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<section><h2>Recording and channels</h2><table>{body}</table></section>"


def _rules_section(result: ScoreResult) -> str:
    opts = result.rules.to_dict()
    body = "".join(
        f"<tr><td><code>{escape(k)}</code></td><td>{escape(v)}</td></tr>" for k, v in opts.items()
    )
    return (
        f"<section><h2>Rules used: {escape(result.rules.name)}</h2>"
        "<details><summary>every option</summary>"
        f"<table><tr><th>option</th><th>value</th></tr>{body}</table></details></section>"
    )


def render_score_report(result: ScoreResult) -> str:
    """The complete self-contained HTML report of a scored night.

    Sections: headline indices against the clinical cut-off (ICSD-3), warnings, night overview
    (hypnogram, movements per leg, PLM series), interval histogram (log scale), counts by hour of
    the night and by clock hour, by-stage and by-leg indices, channels, rules. Figures are inline
    SVG; the page carries the disclaimer.
    """
    from twitchscope.report.figures import (
        fig_to_svg,
        hourly_counts,
        imi_histogram,
        night_overview,
    )
    from twitchscope.report.twitch_section import twitch_section

    ind = result.indices
    svg_night = fig_to_svg(night_overview(result), "night")
    svg_imi = fig_to_svg(imi_histogram(result), "imi")
    svg_hours = fig_to_svg(hourly_counts(result), "hours")
    if result.has_hypnogram:
        basis = "Indices are per hour of total sleep time from the hypnogram."
    elif ind.get("index_basis") == "accelerometer_sleep":
        basis = (
            "Leg movements and sleep come from ankle accelerometers: indices are per hour of "
            f"sleep estimated from movement ({ind.get('sleep_wake_method', '')}), not from EEG."
        )
    else:
        basis = (
            "No hypnogram was given: indices are per hour of recording, not of sleep, and "
            "PLMS and PLMW cannot be told apart."
        )
    parts = [
        "<section><h2>Indices</h2>",
        _cards(result),
        f'<p class="muted">{escape(basis)} Cut-off: {escape(CUTOFF_SOURCE)} '
        f"(children: &gt; {PLMS_INDEX_CUTOFF_CHILD:g}/h).</p>",
        _indices_table(result),
        "</section>",
        _warnings(result),
        f"<section><h2>The night</h2><figure>{svg_night}</figure>"
        '<p class="muted">Top: sleep stages. Bottom: each leg movement as a tick per leg; '
        "PLM series shaded, periodic movements marked in red.</p></section>",
        twitch_section(result.twitches),
        f"<section><h2>Intervals between movements</h2><figure>{svg_imi}</figure>"
        '<p class="muted">Onset-to-onset intervals of candidate movements on a log axis, as in '
        "the WASM 2016 standard; the shaded band is the PLM interval window of the rules. A "
        "peak inside it points to periodic movements; short intervals point to clusters."
        "</p></section>",
        f"<section><h2>Through the night</h2><figure>{svg_hours}</figure>"
        '<p class="muted">Counts by hour since the start and by clock hour. In restless legs '
        "syndrome, periodic movements are typically most frequent in the first half of the "
        "night.</p></section>",
        "<section><h2>By stage and by leg</h2>",
        _dict_table("PLMS index by stage", ind.get("plms_index_by_stage")),
        _dict_table("PLMS index by leg", ind.get("plms_index_by_leg")),
        "</section>",
        _source_section(result),
        _rules_section(result),
    ]
    subtitle = f"{result.source or 'recording'} · rules {result.rules.name}"
    return render_page("Leg movements in sleep", "".join(parts), subtitle)
