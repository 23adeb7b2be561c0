"""Small, fast SVG building blocks for the report figures (numpy only, no plotting library).

Every layer of a figure is one ``<path>`` whose ``d`` attribute is built from numpy arrays in one
vectorised step (number formatting with ``astype(str)``, joining with ``str.join``), so a night
with thousands of movements costs a few milliseconds; there is no Python loop over movements.
Text is always escaped here: labels may come from files (channel names, file names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape as _escape
from typing import Final

import numpy as np
import numpy.typing as npt
from markupsafe import Markup

FloatArray = npt.NDArray[np.float64]

#: Okabe & Ito (2008) colour-blind-safe palette, and the roles it plays in the figures.
OKABE_ITO: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
LEG_COLOURS: Final[dict[str, str]] = {
    "left": OKABE_ITO["blue"],
    "right": OKABE_ITO["bluish_green"],
}
PLM_COLOUR: Final[str] = OKABE_ITO["vermillion"]
#: Stages: wake and REM in distinct hues, NREM in a light-to-dark blue ramp by depth.
STAGE_COLOURS: Final[dict[str, str]] = {
    "W": OKABE_ITO["orange"],
    "R": OKABE_ITO["reddish_purple"],
    "N1": "#9ECAE1",
    "N2": "#4A90C2",
    "N3": "#1F4E79",
    "UNS": "#BDBDBD",
}
INK: Final[str] = "#1d2433"
MUTED: Final[str] = "#5b6577"
GRID: Final[str] = "#e3e7ee"
AXIS: Final[str] = "#9aa3b2"
BAR: Final[str] = "#4A90C2"
FONT: Final[str] = (
    "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', 'Liberation Sans', sans-serif"
)


def esc(text: object) -> str:
    """Escape text for SVG/HTML content and attribute values."""
    return _escape(str(text), quote=True)


def num(values: npt.ArrayLike, decimals: int = 1) -> npt.NDArray[np.str_]:
    """Numbers as short strings, vectorised (``12.3``, ``-4.0``)."""
    a = np.round(np.asarray(values, dtype=np.float64), decimals)
    a = a + 0.0  # turn -0.0 into 0.0
    return a.astype(str)


def _rows(*cols: npt.ArrayLike | str) -> str:
    """Join columns row by row with spaces: ``_rows("M", x, y)`` -> ``"M x0 y0 M x1 y1"``."""
    arrays = [np.asarray(c) for c in cols]
    n = max((a.size for a in arrays if a.ndim), default=0)
    if n == 0:
        return ""
    table = np.empty((n, len(arrays)), dtype=object)
    for j, a in enumerate(arrays):
        table[:, j] = a if a.ndim else a.item()
    return " ".join(table.ravel().tolist())


def ticks_path(x: npt.ArrayLike, y0: float, y1: float) -> str:
    """Path data of vertical lines at ``x`` from ``y0`` to ``y1``."""
    xs = num(x)
    if xs.size == 0:
        return ""
    return _rows("M", xs, f"{y0:.1f}", "V", f"{y1:.1f}")


def rects_path(
    x0: npt.ArrayLike, x1: npt.ArrayLike, y0: npt.ArrayLike | float, y1: npt.ArrayLike | float
) -> str:
    """Path data of axis-aligned rectangles (each ``x0..x1`` by ``y0..y1``)."""
    a = np.asarray(x0, dtype=np.float64)
    if a.size == 0:
        return ""
    b = np.asarray(x1, dtype=np.float64)
    ya = np.broadcast_to(np.asarray(y0, dtype=np.float64), a.shape)
    yb = np.broadcast_to(np.asarray(y1, dtype=np.float64), a.shape)
    return _rows("M", num(a), num(ya), "H", num(b), "V", num(yb), "H", num(a), "Z")


#: Marker outlines as (dx, dy) vertices around the point, in units of the marker's half size.
MARKER_SHAPES: Final[dict[str, tuple[tuple[float, float], ...]]] = {
    "triangle_down": ((-1.0, -0.8), (1.0, -0.8), (0.0, 1.0)),
    "triangle_up": ((-1.0, 0.8), (1.0, 0.8), (0.0, -1.0)),
    "square": ((-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)),
    "diamond": ((0.0, -1.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0)),
    "hexagon": ((-1.0, 0.0), (-0.5, -0.87), (0.5, -0.87), (1.0, 0.0), (0.5, 0.87), (-0.5, 0.87)),
    "cross": (
        (-0.3, -1.0),
        (0.3, -1.0),
        (0.3, -0.3),
        (1.0, -0.3),
        (1.0, 0.3),
        (0.3, 0.3),
        (0.3, 1.0),
        (-0.3, 1.0),
        (-0.3, 0.3),
        (-1.0, 0.3),
        (-1.0, -0.3),
        (-0.3, -0.3),
    ),
}


def markers_path(x: npt.ArrayLike, y: float, shape: str, size: float = 5.0) -> str:
    """Path data of one closed marker outline per point (vectorised over the points)."""
    xs = np.asarray(x, dtype=np.float64)
    if xs.size == 0:
        return ""
    cols: list[npt.ArrayLike | str] = []
    for i, (dx, dy) in enumerate(MARKER_SHAPES[shape]):
        cols += ["M" if i == 0 else "L", num(xs + dx * size), f"{y + dy * size:.1f}"]
    return _rows(*cols, "Z")


def polyline_points(x: npt.ArrayLike, y: npt.ArrayLike) -> str:
    """``points`` of a polyline through (x, y)."""
    xs, ys = num(x), num(y)
    if xs.size == 0:
        return ""
    return " ".join(np.char.add(np.char.add(xs, ","), ys).tolist())


def path(d: str, **attrs: object) -> str:
    """A ``<path>`` element (nothing when ``d`` is empty)."""
    if not d:
        return ""
    return f'<path d="{d}"{attributes(attrs)}/>'


def attributes(attrs: dict[str, object]) -> str:
    """Attributes text; ``stroke_width`` becomes ``stroke-width``; None values are dropped."""
    return "".join(
        f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None
    )


def text(x: float, y: float, content: object, **attrs: object) -> str:
    """A ``<text>`` element with escaped content."""
    return f'<text x="{x:.1f}" y="{y:.1f}"{attributes(attrs)}>{esc(content)}</text>'


def line(x0: float, y0: float, x1: float, y1: float, **attrs: object) -> str:
    """A ``<line>`` element."""
    return f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}"{attributes(attrs)}/>'


def rect(x: float, y: float, w: float, h: float, **attrs: object) -> str:
    """A ``<rect>`` element."""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.0):.1f}" height="{max(h, 0.0):.1f}"'
        f"{attributes(attrs)}/>"
    )


@dataclass(frozen=True)
class Legend:
    """One legend entry: a swatch (``box``, ``line``, ``band`` or a marker shape of
    :data:`MARKER_SHAPES`), its colour and its label."""

    label: str
    colour: str
    kind: str = "box"


def legend(entries: Sequence[Legend], x_right: float, y: float, font_size: float = 12) -> str:
    """A one-line legend ending at ``x_right`` (entries laid out right to left)."""
    parts: list[str] = []
    x = x_right
    for e in reversed(entries):
        width = 0.58 * font_size * len(e.label)  # close enough for sans-serif layout
        x -= width
        parts.append(text(x, y + 4, e.label, font_size=font_size, fill=MUTED))
        x -= 18
        if e.kind == "line":
            parts.append(line(x + 6, y - 5, x + 6, y + 5, stroke=e.colour, stroke_width=2))
        elif e.kind == "band":
            parts.append(rect(x, y - 6, 14, 12, fill=e.colour, fill_opacity=0.18))
        elif e.kind in MARKER_SHAPES:
            parts.append(path(markers_path([x + 7.0], y, e.kind, 5.0), fill=e.colour))
        else:
            parts.append(rect(x, y - 6, 14, 12, fill=e.colour))
        x -= 16
    return "<g>" + "".join(parts) + "</g>"


@dataclass(frozen=True)
class SvgFigure:
    """An SVG figure: the markup, its title (accessible name) and size in user units.

    ``str(fig)`` and :attr:`markup` give the ``<svg>`` element; in Jupyter it displays itself.
    """

    markup: Markup
    title: str
    width: float
    height: float

    def __str__(self) -> str:
        return str(self.markup)

    def __html__(self) -> str:  # Jinja2 inserts it unescaped (it is built escaped)
        return str(self.markup)

    def _repr_svg_(self) -> str:
        return str(self.markup)

    def save(self, path: str) -> None:
        """Write a standalone ``.svg`` file."""
        with open(path, "w", encoding="utf-8") as fh:
            fh.write('<?xml version="1.0" encoding="UTF-8"?>\n' + str(self.markup) + "\n")


def figure(
    width: float, height: float, title: str, body: Iterable[str], desc: str = ""
) -> SvgFigure:
    """Wrap figure content in a scalable ``<svg>`` with an accessible title.

    The SVG scales to its container's width (``viewBox``; ``width``/``height`` give the aspect
    ratio and the size when shown alone).
    """
    desc_el = f"<desc>{esc(desc)}</desc>" if desc else ""
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" class="figure-svg" '
        f'font-family="{esc(FONT)}" preserveAspectRatio="xMidYMid meet">'
        f"<title>{esc(title)}</title>{desc_el}" + "".join(body) + "</svg>"
    )
    return SvgFigure(Markup(markup), title, width, height)
