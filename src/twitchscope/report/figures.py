"""The figures of a night (and of a diary) as hand-built SVG: fast, print-ready, colour-blind safe.

* :func:`night_overview`: hypnogram, each leg's movements, periodic movements and PLM series,
  on a clock-time axis;
* :func:`hourly_counts`: periodic movements per hour of the night and per clock hour;
* :func:`imi_histogram`: inter-movement intervals on a log axis with the PLM window shaded;
* :func:`diary_hours`: diary episodes by hour of the day.

Each takes plain data (a :class:`~twitchscope.report.night.NightView`, or a diary's hourly
profile) and returns an :class:`~twitchscope.report.svg.SvgFigure`. Movement layers are single
``<path>`` elements built with numpy (see :mod:`twitchscope.report.svg`), so an 8 h night draws in
milliseconds, with no plotting library imported. Colours follow Okabe & Ito (2008).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from twitchscope.report.svg import (
    AXIS,
    BAR,
    GRID,
    INK,
    LEG_COLOURS,
    MUTED,
    OKABE_ITO,
    PLM_COLOUR,
    STAGE_COLOURS,
    Legend,
    SvgFigure,
    figure,
    legend,
    line,
    markers_path,
    path,
    polyline_points,
    rect,
    rects_path,
    text,
    ticks_path,
)

if TYPE_CHECKING:
    from twitchscope.report.night import NightView
    from twitchscope.results import ScoreResult

#: Hypnogram rows, top to bottom (REM just under wake, as is customary), and their labels.
_STAGE_ROWS: Final[tuple[tuple[str, str], ...]] = (
    ("W", "Wake"),
    ("R", "REM"),
    ("N1", "N1"),
    ("N2", "N2"),
    ("N3", "N3"),
)
#: Each other twitch kind on the night overview: label, colour and marker shape (shape and
#: colour both differ, so the kinds stay apart without colour vision).
TWITCH_STYLES: Final[dict[str, tuple[str, str, str]]] = {
    "hypnic_jerk": ("hypnic jerk", OKABE_ITO["orange"], "triangle_down"),
    "fragmentary_myoclonus": ("fragmentary myoclonus", OKABE_ITO["sky_blue"], "square"),
    "alma": ("ALMA", OKABE_ITO["reddish_purple"], "diamond"),
    "hypnagogic_foot_tremor": ("hypnagogic foot tremor", OKABE_ITO["black"], "triangle_up"),
    "long_movement": ("long movement", "#7F7F7F", "hexagon"),
    "tremor": ("tremor", "#8C6D00", "cross"),
}
_FS: Final[float] = 13.0  # base font size in user units (the figures are ~1000 units wide)


def _view(night: NightView | ScoreResult) -> NightView:
    from twitchscope.report.night import NightView

    return night if isinstance(night, NightView) else NightView.from_result(night)


def _time_ticks(duration_s: float, start: datetime | None) -> list[tuple[float, str]]:
    """(seconds from start, label) of the time axis: whole clock hours, or whole hours."""
    hours = duration_s / 3600.0
    step = 1 if hours <= 12 else 2 if hours <= 26 else max(1, math.ceil(hours / 12))
    if start is None:
        return [(h * 3600.0, f"{h} h") for h in range(0, int(hours) + 1, step)]
    first = start.replace(minute=0, second=0, microsecond=0)
    if first < start:
        first += timedelta(hours=1)
    out = []
    t = first
    end = start + timedelta(seconds=duration_s)
    while t <= end:
        if t.hour % step == 0 or step == 1:
            out.append(((t - start).total_seconds(), t.strftime("%H:%M")))
        t += timedelta(hours=1)
    return out


def _short(label: object, n: int = 28) -> str:
    s = str(label)
    return s if len(s) <= n else s[: n - 1] + "…"


def night_overview(night: NightView | ScoreResult) -> SvgFigure:
    """Hypnogram over leg movements per leg, periodic movements and PLM series, by clock time.

    Parameters
    ----------
    night : NightView or ScoreResult

    Returns
    -------
    SvgFigure
        1000 user units wide (300 high, 352 with other twitch kinds), scales to its container.
    """
    v = _view(night)
    width = 1000.0
    x0, x1 = 86.0, 986.0
    dur = max(v.recording_duration_s, 1.0)
    scale = (x1 - x0) / dur

    def xs(t: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return x0 + np.clip(np.asarray(t, dtype=np.float64), 0.0, dur) * scale

    has_uns = bool(np.any(v.stage == "UNS"))
    rows = [*_STAGE_ROWS, ("UNS", "Unscored")] if has_uns else list(_STAGE_ROWS)
    tw = v.twitches if v.twitches is not None and len(v.twitches) else None
    h_top, h_bottom = 34.0, 144.0
    row_h = (h_bottom - h_top) / len(rows)
    row_y = {s: h_top + (i + 0.5) * row_h for i, (s, _) in enumerate(rows)}
    m_top = 160.0
    m_rows = {"left": m_top + 14.0, "right": m_top + 42.0, "plm": m_top + 70.0}
    if tw is not None:
        m_rows["other"] = m_top + 98.0
    m_bottom = m_top + 28.0 * len(m_rows)
    axis_y = m_bottom + 6.0
    height = axis_y + (74.0 if tw is not None else 50.0)

    body: list[str] = []
    ticks = _time_ticks(dur, v.recording_start)
    tick_x = [x0 + t * scale for t, _ in ticks]
    # hour grid
    grid = " ".join(f"M {x:.1f} {h_top:.1f} V {m_bottom:.1f}" for x in tick_x)
    body.append(path(grid, stroke=GRID, stroke_width=1, fill="none"))
    # PLM series bands across both panels
    body.append(
        path(
            rects_path(xs(v.series_start), xs(v.series_end), h_top, m_bottom),
            fill=PLM_COLOUR,
            fill_opacity=0.12,
        )
    )

    # hypnogram
    for s, label in rows:
        body.append(
            text(x0 - 10, row_y[s] + 4, label, font_size=_FS, fill=MUTED, text_anchor="end")
        )
    if v.stage.size:
        stage_to_y = np.vectorize(lambda s: row_y.get(s, h_bottom), otypes=[float])
        # one lookup per distinct stage, not per run
        uniq, inv = np.unique(v.stage, return_inverse=True)
        y = stage_to_y(uniq)[inv] if uniq.size else np.zeros(0)
        a, b = xs(v.stage_onset), xs(v.stage_onset + v.stage_duration)
        points = polyline_points(np.column_stack([a, b]).ravel(), np.repeat(y, 2))
        body.append(f'<polyline points="{points}" fill="none" stroke="{MUTED}" stroke-width="1"/>')
        for s, _ in rows:
            m = v.stage == s
            if m.any():
                body.append(
                    path(
                        rects_path(a[m], b[m], y[m] - 4.0, y[m] + 4.0),
                        fill=STAGE_COLOURS[s],
                    )
                )
    else:
        msg = (
            "sleep stages were scored but are not in this output directory (no hypnogram.csv)"
            if v.hypnogram_missing
            else "no EEG stages: sleep and wake estimated from the ankle accelerometers"
            if v.summary.get("index_basis") == "accelerometer_sleep"
            else "no sleep stages: indices are per hour of recording, not of sleep"
        )
        body.append(
            text(
                (x0 + x1) / 2,
                (h_top + h_bottom) / 2 + 4,
                msg,
                font_size=_FS + 1,
                fill=MUTED,
                text_anchor="middle",
            )
        )
    if v.unsure_onsets.size:
        # automatic stages: a tick under each epoch the classifier was unsure of
        mid = xs(v.unsure_onsets + v.epoch_length / 2)
        body.append(path(ticks_path(mid, h_bottom - 3, h_bottom + 1), stroke=MUTED, stroke_width=1))
    body.append(line(x0, h_bottom + 2, x1, h_bottom + 2, stroke=AXIS, stroke_width=0.8))

    # movements per leg and periodic movements
    labels = {"left": "Left leg", "right": "Right leg", "plm": "Periodic", "other": "Other"}
    for key in m_rows:
        label = labels[key]
        body.append(
            text(x0 - 10, m_rows[key] + 4, label, font_size=_FS, fill=MUTED, text_anchor="end")
        )
    for leg, onsets in (("left", v.left_onsets), ("right", v.right_onsets)):
        y_c = m_rows[leg]
        body.append(
            path(
                ticks_path(xs(onsets), y_c - 10, y_c + 10),
                stroke=LEG_COLOURS[leg],
                stroke_width=1.3,
                fill="none",
            )
        )
    y_c = m_rows["plm"]
    body.append(
        path(
            ticks_path(xs(v.periodic_onsets), y_c - 10, y_c + 10),
            stroke=PLM_COLOUR,
            stroke_width=1.3,
            fill="none",
        )
    )

    twitch_legend: list[Legend] = []
    if tw is not None:
        body += _twitch_layer(tw, xs, m_rows["other"])
        kinds = set(tw["kind"].astype(str))
        twitch_legend = [
            Legend(label, colour, shape) for k, (label, colour, shape) in TWITCH_STYLES.items()
            if k in kinds
        ]  # fmt: skip

    # time axis
    body.append(line(x0, axis_y, x1, axis_y, stroke=AXIS, stroke_width=1))
    body.append(path(" ".join(f"M {x:.1f} {axis_y:.1f} v 5" for x in tick_x), stroke=AXIS))
    for x, (_, lab) in zip(tick_x, ticks, strict=True):
        body.append(text(x, axis_y + 19, lab, font_size=_FS, fill=MUTED, text_anchor="middle"))
    if v.recording_start is not None:
        axis_title = (
            f"clock time (recording from {v.recording_start.strftime('%H:%M')}, "
            f"{dur / 3600.0:.1f} h)"
        )
    else:
        axis_title = "hours since the recording started (start time unknown)"
    body.append(
        text(
            (x0 + x1) / 2, axis_y + 40, axis_title, font_size=_FS, fill=MUTED, text_anchor="middle"
        )
    )

    raw_channels = v.summary.get("channels")
    channels: Mapping[str, Any] = raw_channels if isinstance(raw_channels, Mapping) else {}

    def leg_label(leg: str) -> str:
        ch = channels.get(leg)
        return f"{leg} leg ({_short(ch, 18)})" if ch else f"{leg} leg"

    body.append(
        legend(
            [
                Legend(leg_label("left"), LEG_COLOURS["left"], "line"),
                Legend(leg_label("right"), LEG_COLOURS["right"], "line"),
                Legend("periodic movement (PLM)", PLM_COLOUR, "line"),
                Legend("PLM series", PLM_COLOUR, "band"),
            ],
            x1,
            14.0,
        )
    )
    if twitch_legend:
        body.append(legend(twitch_legend, x1, axis_y + 64.0, font_size=_FS - 2))
    n_left, n_right, n_per = v.left_onsets.size, v.right_onsets.size, v.periodic_onsets.size
    desc = (
        f"{n_left} left-leg and {n_right} right-leg movements, {n_per} periodic movements in "
        f"{v.series_start.size} PLM series over {dur / 3600.0:.1f} h"
    )
    if v.automatic_stages:
        desc += "; sleep stages scored automatically"
    if tw is not None:
        desc += f"; {len(tw)} other twitch events"
    return figure(width, height, "Night overview: sleep stages and leg movements", body, desc)


def _twitch_layer(events: Any, xs: Any, y: float) -> list[str]:
    """Other twitch kinds on their row: one marker path per kind, stretches as lines."""
    kind = events["kind"].astype(str).to_numpy()
    onset = np.asarray(events["onset"], dtype=np.float64)
    dur = np.nan_to_num(np.asarray(events["duration"], dtype=np.float64))
    out: list[str] = []
    for k, (_, colour, shape) in TWITCH_STYLES.items():
        m = kind == k
        if not m.any():
            continue
        a, b = xs(onset[m]), xs(onset[m] + dur[m])
        long_ = (b - a) > 2.0  # stretches longer than 2 user units show their extent
        if long_.any():
            out.append(path(rects_path(a[long_], b[long_], y - 1.5, y + 1.5), fill=colour))
        out.append(path(markers_path(a, y, shape, 5.0), fill=colour))
    return out


# ---------------------------------------------------------------------------------------------
# bar charts


def _nice_top(value: float) -> tuple[float, float]:
    """A round axis maximum >= value and its tick step (about 4 ticks)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4.0
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 5.0, 10.0) if m * mag >= raw)
    step = max(step, 1.0)  # counts: whole numbers
    return step * math.ceil(value / step), step


def _bars(
    x: float,
    y: float,
    w: float,
    h: float,
    labels: Sequence[str],
    counts: npt.ArrayLike,
    *,
    title: str,
    y_label: str,
    colour: str = BAR,
    label_every: int = 1,
    shade: npt.NDArray[np.bool_] | None = None,
    shade_label: str = "",
) -> list[str]:
    """A bar chart in the box (x, y, w, h) with axis, ticks, value labels and a title."""
    c = np.asarray(counts, dtype=np.float64)
    out = [text(x, y - 8, title, font_size=_FS + 1, fill=INK, font_weight="600")]
    if c.size == 0:
        out.append(
            text(
                x + w / 2,
                y + h / 2,
                "not available",
                font_size=_FS,
                fill=MUTED,
                text_anchor="middle",
            )
        )
        return out
    top, step = _nice_top(float(c.max()))
    n = c.size
    slot = w / n
    bx = x + np.arange(n) * slot
    if shade is not None and shade.any():
        out.append(
            path(
                rects_path(bx[shade], bx[shade] + slot, y, y + h),
                fill=OKABE_ITO["orange"],
                fill_opacity=0.10,
            )
        )
        if shade_label:
            out.append(
                text(x + w, y + 12, shade_label, font_size=_FS - 1, fill=MUTED, text_anchor="end")
            )
    grid_vals = np.arange(0.0, top + step / 2, step)
    gy = y + h - grid_vals / top * h
    out.append(path(" ".join(f"M {x:.1f} {g:.1f} H {x + w:.1f}" for g in gy), stroke=GRID))
    for g, val in zip(gy, grid_vals, strict=True):
        out.append(text(x - 6, g + 4, f"{val:g}", font_size=_FS - 1, fill=MUTED, text_anchor="end"))
    bh = c / top * h
    gap = min(4.0, slot * 0.2)
    out.append(path(rects_path(bx + gap / 2, bx + slot - gap / 2, y + h - bh, y + h), fill=colour))
    for i in range(0, n, max(1, label_every)):
        out.append(
            text(
                bx[i] + slot / 2,
                y + h + 16,
                labels[i],
                font_size=_FS - 1,
                fill=MUTED,
                text_anchor="middle",
            )
        )
    if n <= 24:
        for i in np.flatnonzero(c > 0).tolist():
            out.append(
                text(
                    bx[i] + slot / 2,
                    y + h - bh[i] - 4,
                    f"{c[i]:g}",
                    font_size=_FS - 2,
                    fill=INK,
                    text_anchor="middle",
                )
            )
    out.append(line(x, y + h, x + w, y + h, stroke=AXIS))
    out.append(
        text(
            x - 40,
            y + h / 2,
            y_label,
            font_size=_FS - 1,
            fill=MUTED,
            text_anchor="middle",
            transform=f"rotate(-90 {x - 40:.1f} {y + h / 2:.1f})",
        )
    )
    return out


def _int_list(value: Any) -> list[int] | None:
    if isinstance(value, Mapping):
        value = list(value.values())
    if not isinstance(value, Sequence) or isinstance(value, str):
        return None
    try:
        return [int(v or 0) for v in value]
    except (TypeError, ValueError):
        return None


def hourly_counts(night: NightView | ScoreResult) -> SvgFigure:
    """Periodic movements (sleep and wake) per hour of the night and per clock hour."""
    v = _view(night)
    width, height = 1000.0, 230.0
    body: list[str] = []
    by_night = _int_list(v.summary.get("count_by_night_hour")) or []
    start = v.recording_start
    if start is not None:
        night_labels = [
            (start + timedelta(hours=i)).strftime("%H:%M") for i in range(len(by_night))
        ]
    else:
        night_labels = [f"{i}-{i + 1} h" for i in range(len(by_night))]
    every = max(1, math.ceil(len(by_night) / 12))
    body += _bars(
        70,
        40,
        400,
        140,
        night_labels,
        by_night,
        title="By hour since the recording started",
        y_label="periodic movements",
        label_every=every,
    )
    by_clock = _int_list(v.summary.get("count_by_clock_hour"))
    if by_clock is not None and len(by_clock) == 24 and start is not None:
        # the clock hours the recording covers, in order (a night crosses midnight)
        n = min(24, math.ceil((start.minute * 60 + start.second + v.recording_duration_s) / 3600))
        hours = [(start.hour + i) % 24 for i in range(max(n, 1))]
        labels = [f"{h:02d}" for h in hours]
        counts = [by_clock[h] for h in hours]
        body += _bars(
            580,
            40,
            400,
            140,
            labels,
            counts,
            title="By clock hour",
            y_label="periodic movements",
            colour=OKABE_ITO["reddish_purple"],
            label_every=max(1, math.ceil(len(hours) / 12)),
        )
        body.append(
            text(
                780,
                220,
                "hour of the day (local clock of the recording)",
                font_size=_FS - 1,
                fill=MUTED,
                text_anchor="middle",
            )
        )
    else:
        body += _bars(580, 40, 400, 140, [], [], title="By clock hour", y_label="")
        body.append(
            text(
                780,
                130,
                "(the recording's start time is unknown)",
                font_size=_FS - 1,
                fill=MUTED,
                text_anchor="middle",
            )
        )
    body.append(
        text(
            270,
            220,
            "hour of the night (start of each hour)",
            font_size=_FS - 1,
            fill=MUTED,
            text_anchor="middle",
        )
    )
    return figure(
        width,
        height,
        "Periodic movements through the night",
        body,
        f"{sum(by_night)} periodic movements in {len(by_night)} hours",
    )


# ---------------------------------------------------------------------------------------------
# interval histogram


def _imi(v: NightView) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    h = v.summary.get("imi_histogram")
    if not isinstance(h, Mapping):
        return None
    edges, counts = h.get("edges_s", h.get("edges")), h.get("counts")
    if not isinstance(edges, Sequence) or not isinstance(counts, Sequence):
        return None
    try:
        e = np.asarray(edges, dtype=np.float64)
        c = np.asarray(counts, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if e.size != c.size + 1 or e.size < 2 or np.any(e <= 0) or np.any(np.diff(e) <= 0):
        return None
    return e, np.nan_to_num(c)


def imi_histogram(night: NightView | ScoreResult) -> SvgFigure:
    """Onset-to-onset intervals between candidate movements in sleep, log axis (WASM 2016).

    The PLM interval window of the rules is shaded: a peak inside it points to periodic
    movements, short intervals to clusters.
    """
    v = _view(night)
    width, height = 640.0, 260.0
    x0, x1, y0, y1 = 70.0, 620.0, 30.0, 200.0
    body: list[str] = []
    hist = _imi(v)
    if hist is None or hist[1].sum() == 0:
        body.append(
            text(
                (x0 + x1) / 2,
                (y0 + y1) / 2,
                "no intervals between candidate movements",
                font_size=_FS + 1,
                fill=MUTED,
                text_anchor="middle",
            )
        )
        return figure(width, height, "Intervals between movements", body, "no intervals")
    edges, counts = hist
    lo_e, hi_e = math.log10(edges[0]), math.log10(edges[-1])

    def xs(s: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return x0 + (np.log10(np.asarray(s, dtype=np.float64)) - lo_e) / (hi_e - lo_e) * (x1 - x0)

    lo, hi = v.interval_window()
    wa, wb = xs([max(lo, edges[0]), min(hi, edges[-1])])
    body.append(rect(float(wa), y0, float(wb - wa), y1 - y0, fill=PLM_COLOUR, fill_opacity=0.10))
    body.append(
        text(
            float(wa + wb) / 2,
            y0 + 12,
            f"PLM window {lo:g}-{hi:g} s",
            font_size=_FS - 1,
            fill=PLM_COLOUR,
            text_anchor="middle",
        )
    )
    top, step = _nice_top(float(counts.max()))
    grid_vals = np.arange(0.0, top + step / 2, step)
    gy = y1 - grid_vals / top * (y1 - y0)
    body.append(path(" ".join(f"M {x0:.1f} {g:.1f} H {x1:.1f}" for g in gy), stroke=GRID))
    for g, val in zip(gy, grid_vals, strict=True):
        body.append(
            text(x0 - 6, g + 4, f"{val:g}", font_size=_FS - 1, fill=MUTED, text_anchor="end")
        )
    bx0, bx1 = xs(edges[:-1]), xs(edges[1:])
    bh = counts / top * (y1 - y0)
    nz = counts > 0
    body.append(path(rects_path(bx0[nz] + 0.5, bx1[nz] - 0.5, y1 - bh[nz], y1), fill=BAR))
    body.append(line(x0, y1, x1, y1, stroke=AXIS))
    for t in (1, 2, 5, 10, 20, 50, 100, 200, 500):
        if edges[0] <= t <= edges[-1]:
            tx = float(xs(t))
            body.append(line(tx, y1, tx, y1 + 5, stroke=AXIS))
            body.append(
                text(tx, y1 + 18, f"{t}", font_size=_FS - 1, fill=MUTED, text_anchor="middle")
            )
    body.append(
        text(
            (x0 + x1) / 2,
            y1 + 40,
            "interval from one movement's onset to the next (s, log scale)",
            font_size=_FS - 1,
            fill=MUTED,
            text_anchor="middle",
        )
    )
    body.append(
        text(
            x0 - 44,
            (y0 + y1) / 2,
            "intervals",
            font_size=_FS - 1,
            fill=MUTED,
            text_anchor="middle",
            transform=f"rotate(-90 {x0 - 44:.1f} {(y0 + y1) / 2:.1f})",
        )
    )
    n = int(counts.sum())
    inside = int(counts[(edges[:-1] >= lo) & (edges[1:] <= hi)].sum())
    return figure(
        width,
        height,
        "Intervals between movements",
        body,
        f"{n} intervals, {inside} inside the PLM window {lo:g}-{hi:g} s",
    )


# ---------------------------------------------------------------------------------------------
# diary


def diary_hours(
    hourly_profile: Sequence[int], *, evening_start: int = 18, evening_end: int = 6
) -> SvgFigure:
    """Diary episodes by hour of the day (0-23), the evening/night hours shaded."""
    width, height = 1000.0, 210.0
    counts = np.asarray(list(hourly_profile)[:24], dtype=np.float64)
    if counts.size != 24:
        counts = np.zeros(24)
    hours = np.arange(24)
    shade = (hours >= evening_start) | (hours < evening_end)
    body = _bars(
        70,
        36,
        900,
        130,
        [f"{h:02d}" for h in hours],
        counts,
        title="Diary episodes by hour of the day",
        y_label="episodes",
        colour=OKABE_ITO["blue"],
        shade=shade,
        shade_label=f"evening and night ({evening_start:02d}:00-{evening_end:02d}:00) shaded",
    )
    body.append(
        text(
            520,
            200,
            "hour of the day the episode started",
            font_size=_FS - 1,
            fill=MUTED,
            text_anchor="middle",
        )
    )
    return figure(
        width, height, "Diary episodes by hour of the day", body, f"{int(counts.sum())} episodes"
    )
