"""Figures of a scored night (matplotlib, Agg, no pyplot state), and SVG text for reports.

matplotlib is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from twitchscope.results import ScoreResult

#: Hypnogram drawing order, top to bottom (REM drawn just under wake, as is customary).
_STAGE_ROWS: Final[dict[str, int]] = {"W": 5, "R": 4, "N1": 3, "N2": 2, "N3": 1, "UNS": 0}
_STAGE_COLOURS: Final[dict[str, str]] = {
    "W": "#e7a33e",
    "R": "#c0504d",
    "N1": "#8fb3e8",
    "N2": "#4f81bd",
    "N3": "#1f3f77",
    "UNS": "#bbbbbb",
}
_LEG_COLOURS: Final[dict[str, str]] = {"left": "#2f6fde", "right": "#7b3fb5"}
_PLM_COLOUR: Final[str] = "#c62f3b"
_METADATA: Final = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
INK: Final[str] = "#1d2433"
MUTED: Final[str] = "#5b6577"


def _new_figure(
    width: float, height: float, left: float = 0.07, bottom: float = 0.2, top: float = 0.9
) -> Figure:
    from matplotlib.figure import Figure

    # Fixed margins: a layout engine measures every tick label and triples the drawing time.
    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=left, right=0.98, top=top, bottom=bottom, hspace=0.12, wspace=0.2)
    return fig


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=MUTED, labelsize=8)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#b8c0cc")


def fig_to_svg(fig: Figure, salt: str = "fig") -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog, text kept as text)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    # Drop the RDF metadata block: it only names the generator and links to vocabularies.
    return _METADATA.sub("", text, count=1)


def _hours(t: npt.ArrayLike) -> npt.NDArray[np.float64]:
    return np.asarray(t, dtype=float) / 3600.0


def _series_spans(scored: pd.DataFrame) -> list[tuple[float, float]]:
    """(start, end) in s of each PLM series, from the periodic movements of the scored table."""
    if scored.empty or "series" not in scored.columns:
        return []
    s = pd.to_numeric(scored["series"], errors="coerce")
    sub = scored.assign(_s=s).dropna(subset=["_s"])
    if sub.empty:
        return []
    end = sub["onset"] + sub["duration"]
    g = sub.assign(_end=end).groupby("_s")
    spans = pd.DataFrame({"a": g["onset"].min(), "b": g["_end"].max()})
    return list(zip(spans["a"].tolist(), spans["b"].tolist(), strict=True))


def night_overview(result: ScoreResult) -> Figure:
    """Hypnogram, left/right leg movements as ticks, PLM series shaded; hours from the start.

    Parameters
    ----------
    result : ScoreResult

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _new_figure(10.5, 3.8, left=0.06, bottom=0.2, top=0.92)
    gs = fig.add_gridspec(2, 1, height_ratios=[1.3, 1.0])
    ax_h = fig.add_subplot(gs[0])
    ax_m = fig.add_subplot(gs[1], sharex=ax_h)
    total_h = max(result.recording_duration / 3600.0, 1e-3)
    spans = _series_spans(result.scored)

    # Hypnogram
    hyp = result.hypnogram
    if hyp is not None and hyp.n_epochs:
        iv = hyp.to_intervals()
        x0 = _hours(iv["onset"])
        x1 = _hours(iv["onset"] + iv["duration"])
        y = np.array([_STAGE_ROWS.get(s, 0) for s in iv["stage"]], dtype=float)
        xs = np.column_stack([x0, x1]).ravel()
        ys = np.repeat(y, 2)
        ax_h.plot(xs, ys, color="#5b6577", lw=0.8, drawstyle="default")
        for stage, colour in _STAGE_COLOURS.items():
            m = iv["stage"].to_numpy() == stage
            if np.any(m):
                ax_h.hlines(y[m], x0[m], x1[m], colors=colour, lw=4.0)
        ax_h.set_yticks(list(_STAGE_ROWS.values()), list(_STAGE_ROWS.keys()))
        ax_h.set_ylim(-0.6, 5.6)
    else:
        ax_h.text(
            0.5,
            0.5,
            "no EEG stages: sleep and wake estimated from the ankle accelerometers"
            if result.indices.get("index_basis") == "accelerometer_sleep"
            else "no hypnogram: indices are per hour of recording",
            transform=ax_h.transAxes,
            ha="center",
            va="center",
            color=MUTED,
        )
        ax_h.set_yticks([])
    title = "Night overview"
    auto = result.staging
    if auto is not None and hyp is not None:
        # automatic stages: say so, and mark the epochs the classifier was unsure of
        conf = np.asarray(auto.confidence, dtype=float)
        unsure = np.flatnonzero(conf < 0.5)
        centres = _hours(hyp.offset + (unsure + 0.5) * hyp.epoch_length)
        ax_h.plot(centres, np.full(unsure.size, -0.3), "|", color=MUTED, ms=4, mew=0.6)
        title += (
            f" · stages AUTOMATIC (YASA), mean confidence {float(conf.mean()):.2f}; "
            "grey ticks: epochs below 0.5"
        )
    ax_h.set_title(title, loc="left", fontsize=10, color=INK)
    ax_h.tick_params(labelbottom=False)

    # Movements per leg (ticks), PLM series shaded
    for a, b in spans:
        ax_m.axvspan(a / 3600.0, b / 3600.0, color=_PLM_COLOUR, alpha=0.13, lw=0)
        ax_h.axvspan(a / 3600.0, b / 3600.0, color=_PLM_COLOUR, alpha=0.07, lw=0)
    mv = result.movements
    rows = {"left": 1.0, "right": 0.0}
    for leg, row in rows.items():
        on = (
            mv.loc[mv["leg"] == leg, "onset"].to_numpy(dtype=float) if not mv.empty else np.zeros(0)
        )
        ax_m.vlines(_hours(on), row - 0.35, row + 0.35, colors=_LEG_COLOURS[leg], lw=0.6)
    sc = result.scored
    if not sc.empty and "periodic" in sc.columns:
        per = sc.loc[sc["periodic"].fillna(False).astype(bool), "onset"].to_numpy(dtype=float)
        ax_m.plot(_hours(per), np.full(per.size, -0.75), "|", color=_PLM_COLOUR, ms=6, mew=0.8)
    ticks, labels, low = [1.0, 0.0, -0.75], ["left", "right", "PLM"], -1.2
    if result.twitches is not None and len(result.twitches.events):
        _twitch_markers(ax_m, result.twitches.events, -1.5)
        ticks, labels, low = [*ticks, -1.5], [*labels, "other"], -2.0
    ax_m.set_yticks(ticks, labels)
    ax_m.set_ylim(low, 1.5)
    ax_m.set_xlim(0, total_h)
    ax_m.set_xlabel(_time_label(result), fontsize=9, color=MUTED)
    _clock_ticks(ax_m, result)
    for ax in (ax_h, ax_m):
        _style(ax)
    return fig


#: Marker and colour of each twitch kind on the night overview.
_TWITCH_MARKERS: Final[dict[str, tuple[str, str]]] = {
    "hypnic_jerk": ("v", "#c2410c"),
    "fragmentary_myoclonus": ("s", "#7c3aed"),
    "alma": ("D", "#0f766e"),
    "hypnagogic_foot_tremor": ("^", "#b45309"),
    "long_movement": ("o", "#475569"),
    "tremor": ("*", "#be123c"),
}


def _twitch_markers(ax: Axes, events: pd.DataFrame, row: float) -> None:
    """One marker per twitch event on ``row`` (stretches drawn as lines), with a legend."""
    for kind, (marker, colour) in _TWITCH_MARKERS.items():
        ev = events[events["kind"] == kind]
        if ev.empty:
            continue
        on = _hours(ev["onset"].to_numpy(dtype=float))
        end = _hours((ev["onset"] + ev["duration"]).to_numpy(dtype=float))
        ax.hlines(np.full(on.size, row), on, end, colors=colour, lw=2.0)
        ax.plot(on, np.full(on.size, row), marker, color=colour, ms=4, ls="none",
                label=kind.replace("_", " "))  # fmt: skip
    ax.figure.legend(
        *ax.get_legend_handles_labels(), loc="upper right", bbox_to_anchor=(0.995, 0.995),
        ncol=6, fontsize=6.5, frameon=False, handletextpad=0.2, columnspacing=0.8,
    )  # fmt: skip


def _time_label(result: ScoreResult) -> str:
    if result.recording_start is not None:
        return "clock time (hours since recording start below)"
    return "hours since recording start"


def _clock_ticks(ax: Axes, result: ScoreResult) -> None:
    total_h = result.recording_duration / 3600.0
    step = 1.0 if total_h <= 12 else 2.0
    ticks = np.arange(0.0, total_h + 1e-9, step)
    if result.recording_start is None:
        ax.set_xticks(ticks, [f"{t:.0f}" for t in ticks])
        return
    start = result.recording_start
    labels = []
    for t in ticks:
        clock = (start + pd.Timedelta(hours=float(t))).strftime("%H:%M")
        labels.append(f"{clock}\n+{t:.0f} h")
    ax.set_xticks(ticks, labels)


def _histogram_from_indices(value: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """(edges, counts) from an ``imi_histogram`` index in any of the shapes a scorer may use."""
    if isinstance(value, Mapping):
        edges = value.get("edges_s", value.get("edges", value.get("bin_edges")))
        counts = value.get("counts", value.get("count"))
        if edges is not None and counts is not None:
            e = np.asarray(edges, dtype=float)
            c = np.asarray(counts, dtype=float)
            if e.size == c.size + 1:
                return e, c
    return None


#: Log-spaced IMI bins (s) used when the scoring did not provide its own histogram.
IMI_BINS_S: Final[npt.NDArray[np.float64]] = np.logspace(np.log10(0.5), np.log10(1000.0), 34)


def imi_histogram(result: ScoreResult) -> Figure:
    """Inter-movement intervals (onset to onset, s) on a log axis, as in WASM 2016 figures.

    The PLM interval window of the rules (e.g. 10-90 s) is shaded.
    """
    fig = _new_figure(5.2, 3.0, left=0.13, bottom=0.17)
    ax = fig.add_subplot(1, 1, 1)
    hist = _histogram_from_indices(result.indices.get("imi_histogram"))
    if hist is None:
        iv = pd.to_numeric(result.scored.get("interval", pd.Series(dtype=float)), errors="coerce")
        iv = iv[np.isfinite(iv) & (iv > 0)]
        counts, edges = np.histogram(iv.to_numpy(dtype=float), bins=IMI_BINS_S)
        hist = (edges, counts.astype(float))
    edges, counts = hist
    pos = edges[:-1] > 0
    left = np.where(pos, edges[:-1], edges[1:] / 2)
    ax.bar(left, counts, width=edges[1:] - left, align="edge", color="#4f81bd", edgecolor="white")
    ax.set_xscale("log")
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    ax.xaxis.set_major_locator(FixedLocator([1, 10, 100, 1000]))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    r = result.rules
    ax.axvspan(r.interval_min_s, r.interval_max_s, color=_PLM_COLOUR, alpha=0.08, lw=0)
    ax.text(
        np.sqrt(r.interval_min_s * r.interval_max_s),
        ax.get_ylim()[1] * 0.95 if counts.size and counts.max() > 0 else 0.95,
        f"PLM window {r.interval_min_s:g}-{r.interval_max_s:g} s",
        ha="center",
        va="top",
        fontsize=8,
        color=_PLM_COLOUR,
    )
    ax.set_xlabel("inter-movement interval (s, log scale)", fontsize=9, color=MUTED)
    ax.set_ylabel("movements", fontsize=9, color=MUTED)
    ax.set_title("Interval histogram", loc="left", fontsize=10, color=INK)
    _style(ax)
    return fig


def _hour_counts(value: Any) -> tuple[list[str], list[float]]:
    """Labels and counts from a by-hour index (a dict hour -> count, or a list)."""
    if isinstance(value, Mapping):
        keys = list(value.keys())
        return [str(k) for k in keys], [float(value[k] or 0) for k in keys]
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [str(i) for i in range(len(value))], [float(v or 0) for v in value]
    return [], []


def hourly_counts(result: ScoreResult) -> Figure:
    """Periodic movements (PLMs, sleep and wake) per hour of the night and per clock hour."""
    fig = _new_figure(10.5, 2.8, left=0.06, bottom=0.18)
    for i, (key, title, xlabel) in enumerate(
        (
            ("count_by_night_hour", "By hour of the night", "hour since recording start"),
            ("count_by_clock_hour", "By clock hour", "clock hour"),
        )
    ):
        ax = fig.add_subplot(1, 2, i + 1)
        labels, counts = _hour_counts(result.indices.get(key))
        if key == "count_by_clock_hour" and len(counts) == 24:
            # noon to noon, so that one night is one block
            order = [*range(12, 24), *range(12)]
            labels = [f"{h:02d}" for h in order]
            counts = [counts[h] for h in order]
        if labels:
            ax.bar(range(len(labels)), counts, color="#4f81bd" if i == 0 else "#7b3fb5")
            step = max(1, len(labels) // 12)
            ax.set_xticks(range(0, len(labels), step), labels[::step])
        else:
            ax.text(0.5, 0.5, "not available", transform=ax.transAxes, ha="center", color=MUTED)
        ax.set_title(title, loc="left", fontsize=10, color=INK)
        ax.set_xlabel(xlabel, fontsize=9, color=MUTED)
        ax.set_ylabel("periodic movements", fontsize=9, color=MUTED)
        _style(ax)
    return fig
