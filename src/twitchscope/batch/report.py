"""The cohort report (``DIR/report.html``): PLMS index distribution, cut-offs, failures, time.

Rendered from ``batch/templates/cohort_report.html``, which extends the reports' shared
``base.html`` (styles, header, disclaimer footer, print rules), with autoescaping on: ids, paths
and error messages come from files. The charts are small inline SVG drawn here, so the page is
self-contained and quick to build for any cohort size.
"""

from __future__ import annotations

import functools
import html
import itertools
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from twitchscope.batch.spec import ROLES
from twitchscope.results import CUTOFF_SOURCE, PLMS_INDEX_CUTOFF_ADULT, PLMS_INDEX_CUTOFF_CHILD

if TYPE_CHECKING:
    from twitchscope.batch.runner import BatchRun

#: PLMS index bins of the distribution chart (events per hour of sleep).
PLMS_BINS: tuple[float, ...] = (0, 5, 10, 15, 20, 30, 40, 60, 80, math.inf)
_MAX_CAUSE_CHARS = 240


def _svg_bars(
    labels: Sequence[str], counts: Sequence[int], *, title: str, highlight_from: int | None = None
) -> Markup:
    """A small bar chart as inline SVG (its text is escaped here, so it is Markup)."""
    width, height, left, bottom, top = 640, 220, 40, 36, 14
    n = max(1, len(counts))
    peak = max([*counts, 1])
    bar_w = (width - left - 10) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(title, quote=True)}">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="#b9c1cf"/>',
    ]
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        h = (height - bottom - top) * count / peak
        x = left + i * bar_w + 2
        y = height - bottom - h
        color = "#c62f3b" if highlight_from is not None and i >= highlight_from else "#2f6fde"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" '
            f'fill="{color}"><title>{html.escape(label)}: {count}</title></rect>'
        )
        parts.append(
            f'<text x="{x + (bar_w - 4) / 2:.1f}" y="{y - 3:.1f}" font-size="11" '
            f'text-anchor="middle" fill="#1d2433">{count}</text>'
        )
        parts.append(
            f'<text x="{x + (bar_w - 4) / 2:.1f}" y="{height - bottom + 15:.1f}" font-size="11" '
            f'text-anchor="middle" fill="#5b6577">{html.escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _bin_labels(edges: Sequence[float], unit: str = "") -> list[str]:
    out = []
    for lo, hi in itertools.pairwise(edges):
        out.append(f"≥ {lo:g}{unit}" if math.isinf(hi) else f"{lo:g}–{hi:g}{unit}")
    return out


def _histogram(values: np.ndarray, edges: Sequence[float]) -> list[int]:
    """Counts per bin; the last bin is open-ended and values below the first edge go first."""
    e = np.asarray(edges, dtype=float)
    if len(values):
        e[-1] = max(e[-2], float(np.max(values))) + 1.0
    counts, _ = np.histogram(np.clip(values, e[0], None), bins=e)
    return [int(c) for c in counts]


def _time_edges(seconds: np.ndarray) -> list[float]:
    top = float(np.nanpercentile(seconds, 99)) if len(seconds) else 1.0
    nice = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800]
    step = next((s for s in nice if top / s <= 8), 3600.0)
    n = max(1, math.ceil(top / step))
    return [i * step for i in range(n + 1)] + [math.inf]


def failure_cause(error: str, paths: Sequence[str | None]) -> str:
    """The cause of a failure without the file it happened in (so that causes group)."""
    text = str(error or "unknown error")
    for p in sorted((p for p in paths if p), key=len, reverse=True):
        if text.startswith(f"{p}: "):
            text = text[len(p) + 2 :]
            break
    text = re.sub(r"\s+", " ", text).strip()
    return text[:_MAX_CAUSE_CHARS] + ("…" if len(text) > _MAX_CAUSE_CHARS else "")


def failure_causes(failed: pd.DataFrame) -> list[dict[str, Any]]:
    """Failed rows of the nights table grouped by kind and cause, most frequent first."""
    causes: dict[tuple[str, str], list[str]] = {}
    roles = [c for c in ROLES if c in failed.columns]
    for rec in failed.to_dict(orient="records"):
        paths = [rec[c] if isinstance(rec[c], str) else None for c in roles]
        cause = failure_cause(str(rec.get("error") or ""), paths)
        kind = rec.get("error_kind")
        key = (kind if isinstance(kind, str) else "unknown", cause)
        causes.setdefault(key, []).append(str(rec["id"]))
    return [
        {"kind": kind, "cause": cause, "count": len(ids), "examples": ids[:3]}
        for (kind, cause), ids in sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f} %" if whole else "n/a"


def _fmt(v: float, digits: int = 1) -> str:
    return f"{v:.{digits}f}" if np.isfinite(v) else "n/a"


def cohort_context(run: BatchRun) -> dict[str, Any]:
    """The values the cohort report shows (plain data; the template escapes them)."""
    df = run.nights if run.nights is not None else pd.DataFrame()
    done = df[df["status"] == "done"] if len(df) else df
    failed = df[df["status"] == "failed"] if len(df) else df
    ctx: dict[str, Any] = {
        "run": run,
        "n_total": run.total,
        "n_rows": len(df),
        "n_done": len(done),
        "n_failed": len(failed),
        "partial": run.interrupted or len(df) < run.total,
        "cutoff_source": CUTOFF_SOURCE,
        "adult_cutoff": PLMS_INDEX_CUTOFF_ADULT,
        "child_cutoff": PLMS_INDEX_CUTOFF_CHILD,
    }
    plms = pd.to_numeric(done.get("plms_index", pd.Series(dtype=float)), errors="coerce")
    plms = plms[np.isfinite(plms)].to_numpy(dtype=float)
    ctx["n_plms"] = len(plms)
    ctx["n_plms_undefined"] = len(done) - len(plms)
    if len(plms):
        q = np.percentile(plms, [10, 25, 50, 75, 90])
        ctx["plms_quantiles"] = [
            ("10th", _fmt(q[0])),
            ("25th", _fmt(q[1])),
            ("median", _fmt(q[2])),
            ("75th", _fmt(q[3])),
            ("90th", _fmt(q[4])),
            ("mean", _fmt(float(np.mean(plms)))),
        ]
        counts = _histogram(plms, PLMS_BINS)
        ctx["plms_chart"] = _svg_bars(
            _bin_labels(PLMS_BINS),
            counts,
            title="PLMS index distribution (per hour of sleep)",
            highlight_from=PLMS_BINS.index(PLMS_INDEX_CUTOFF_ADULT),
        )
    top = done.copy()
    top["_plms"] = pd.to_numeric(top.get("plms_index", pd.Series(dtype=float)), errors="coerce")
    top = top[np.isfinite(top["_plms"])].sort_values("_plms", ascending=False).head(10)
    ctx["highest"] = [
        {
            "id": str(r["id"]),
            "folder": str(r["folder"]),
            "plms_index": _fmt(float(r["_plms"])),
            "tst_h": _fmt(float(pd.to_numeric(r.get("total_sleep_time_h"), errors="coerce"))),
            "n_warnings": int(r["n_warnings"]) if pd.notna(r.get("n_warnings")) else 0,
        }
        for r in top.to_dict(orient="records")
    ]
    above = []
    for name, label in (
        ("plms_index", "PLMS index"),
        ("plms_index_nonrespiratory", "PLMS index without respiratory-related LMs"),
    ):
        if name not in done.columns:
            continue
        v = pd.to_numeric(done[name], errors="coerce").to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        for cut, who in (
            (PLMS_INDEX_CUTOFF_CHILD, "children"),
            (PLMS_INDEX_CUTOFF_ADULT, "adults"),
        ):
            n_above = int((v > cut).sum())
            above.append(
                {
                    "index": label,
                    "cutoff": f"> {cut:g}/h ({who})",
                    "count": n_above,
                    "of": len(v),
                    "share": _percent(n_above, len(v)),
                }
            )
    ctx["above"] = above
    ctx["failure_causes"] = failure_causes(failed)
    secs = pd.to_numeric(df.get("seconds", pd.Series(dtype=float)), errors="coerce")
    secs_done = secs[df["status"] == "done"] if len(df) else secs
    s = secs_done[np.isfinite(secs_done)].to_numpy(dtype=float)
    ctx["n_timed"] = len(s)
    if len(s):
        edges = _time_edges(s)
        ctx["time_chart"] = _svg_bars(
            _bin_labels(edges, " s"), _histogram(s, edges), title="Seconds per scored night"
        )
        ctx["time_stats"] = [
            ("median", f"{np.median(s):.2f} s"),
            ("90th percentile", f"{np.percentile(s, 90):.2f} s"),
            ("slowest", f"{np.max(s):.2f} s"),
            ("sum (worker time)", f"{np.sum(s) / 3600:.2f} h"),
        ]
    rss = pd.to_numeric(df.get("peak_rss_mb", pd.Series(dtype=float)), errors="coerce")
    rss = rss[np.isfinite(rss)]
    ctx["peak_rss"] = f"{rss.max():.0f} MB" if len(rss) else "n/a"
    ctx["elapsed"] = _duration(run.elapsed_s)
    ctx["rate"] = (
        f"{run.ran / run.elapsed_s * 3600:.0f} nights/h" if run.ran and run.elapsed_s > 0 else "n/a"
    )
    warn_counts: dict[str, int] = {}
    for text in done.get("warnings", pd.Series(dtype="string")).dropna():
        for w in str(text).split("\n"):
            if w.strip():
                key = failure_cause(w, [])
                warn_counts[key] = warn_counts.get(key, 0) + 1
    ctx["warnings"] = sorted(warn_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    ctx["layout_warnings"] = run.warnings[:20]
    ctx["n_layout_warnings"] = len(run.warnings)
    return ctx


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"


@functools.cache
def _environment() -> Any:
    """The report templates' environment with the batch templates in front (as the web app
    does): ``cohort_report.html`` extends the shared ``base.html``."""
    import jinja2

    from twitchscope.report.templating import install_helpers, template_loader

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("twitchscope.batch", "templates"), template_loader()]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return install_helpers(env)


def render_cohort_report(run: BatchRun, *, page_size: str = "a4") -> str:
    """The cohort report as a complete, self-contained HTML page."""
    from datetime import UTC, datetime

    from twitchscope.report.templating import page_size_css

    context = {
        **cohort_context(run),
        "title": "Cohort report: leg movements in sleep",
        "subtitle": f"{run.total} nights · layout {run.layout} · output {run.out}",
        "page_size": page_size_css(page_size),
        "made_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    html: str = _environment().get_template("cohort_report.html").render(context)
    return html


def write_cohort_report(run: BatchRun, path: Path) -> Path:
    """Write the cohort report to ``path`` (atomically) and return it."""
    from twitchscope.batch.state import write_text_atomic

    write_text_atomic(path, render_cohort_report(run))
    return path
