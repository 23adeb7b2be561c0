"""The report section on the other twitch kinds of the night (beside the night overview)."""

from __future__ import annotations

from html import escape
from typing import Any

MAX_ROWS = 40


def twitch_section(tw: Any) -> str:
    """HTML of the twitch kinds: counts per kind with rule and source, the EFM verdict and the
    events (first :data:`MAX_ROWS`); empty when none were assessed."""
    if tw is None:
        return ""
    rows = []
    for r in tw.summary().to_dict(orient="records"):
        if r["assessed"]:
            count, rate = str(r["count"]), f"{float(r['per_hour']):.1f}/h"
        else:
            count, rate = "not assessed", ""
        rows.append(
            f"<tr><td>{escape(str(r['kind']).replace('_', ' '))}</td><td>{escape(count)}</td>"
            f"<td>{escape(rate)}</td><td>{escape(str(r['rule']))}</td>"
            f"<td>{escape(str(r['source']))}</td></tr>"
        )
    efm = tw.efm
    verdict = escape(str(efm.get("verdict", "not assessed")))
    mins = efm.get("minutes_meeting_rule")
    efm_txt = f"Excessive fragmentary myoclonus: <b>{verdict}</b>" + (
        f" ({float(mins):.0f} minutes of NREM sleep with &ge; 5 potentials per minute)"
        if mins is not None
        else ""
    )
    ev = tw.events.head(MAX_ROWS)
    ev_rows = "".join(
        f"<tr><td>{escape(str(e['kind']).replace('_', ' '))}</td><td>{escape(str(e['leg']))}</td>"
        f"<td>{float(e['onset']):.1f}</td><td>{float(e['duration']):.2f}</td>"
        f"<td>{escape(str(e['stage']))}</td>"
        f"<td>{_freq(e['frequency_hz'])}</td></tr>"
        for e in ev.to_dict(orient="records")
    )
    more = len(tw.events) - len(ev)
    return (
        "<section><h2>Other twitch kinds</h2>"
        f'<p class="muted">Per hour of {escape(str(tw.basis))}. None of these counts towards '
        "the PLM indices above.</p>"
        "<table><tr><th>kind</th><th>count</th><th>rate</th><th>rule</th><th>source</th></tr>"
        + "".join(rows)
        + f"</table><p>{efm_txt}</p>"
        + (
            "<table><tr><th>kind</th><th>leg</th><th>onset (s)</th><th>duration (s)</th>"
            f"<th>stage</th><th>frequency (Hz)</th></tr>{ev_rows}</table>"
            if len(ev)
            else ""
        )
        + (f'<p class="muted">... and {more} more in twitches.csv.</p>' if more > 0 else "")
        + "</section>"
    )


def _freq(v: Any) -> str:
    f = float(v)
    return "" if f != f else f"{f:.2f}"
