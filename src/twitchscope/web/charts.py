"""Geometry of the diary's charts, drawn as inline SVG by the templates (no script needed).

Each function returns plain numbers (bar heights, cell positions) so the templates only place
them; colours and labels are in the templates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Final

CALENDAR_WEEKS: Final[int] = 13


def hour_bars(profile: Sequence[int], height: float = 100.0) -> list[dict[str, Any]]:
    """24 bars of the time-of-day profile (episodes starting in each clock hour)."""
    top = max(max(profile, default=0), 1)
    return [
        {
            "hour": h,
            "count": int(n),
            "h": height * n / top,
            "evening": h >= 18 or h < 6,
        }
        for h, n in enumerate(list(profile)[:24])
    ]


def calendar(days_with_counts: Counter[date], today: date) -> dict[str, Any]:
    """A calendar of the last :data:`CALENDAR_WEEKS` weeks (columns) by weekday (rows).

    Each cell has the date, its episode count and a level 0-4 for the shade.
    """
    end = today
    start = end - timedelta(days=end.weekday() + 7 * (CALENDAR_WEEKS - 1))
    top = max(days_with_counts.values(), default=0)
    cells: list[dict[str, Any]] = []
    d = start
    while d <= end:
        n = int(days_with_counts.get(d, 0))
        level = 0 if n == 0 else min(4, 1 + (3 * (n - 1)) // max(top, 1))
        cells.append(
            {
                "date": d.isoformat(),
                "count": n,
                "level": level,
                "col": (d - start).days // 7,
                "row": d.weekday(),
            }
        )
        d += timedelta(days=1)
    months = []
    for c in cells:
        day = date.fromisoformat(c["date"])
        if day.day <= 7 and c["row"] == 0:
            months.append({"col": c["col"], "label": day.strftime("%b")})
    affected = sum(1 for c in cells if c["count"] > 0)
    return {
        "cells": cells,
        "months": months,
        "weeks": CALENDAR_WEEKS,
        "affected": affected,
        "days": len(cells),
    }


def episode_day_counts(starts: Sequence[datetime]) -> Counter[date]:
    """Episodes per diary day (a day runs 06:00-06:00)."""
    from twitchscope.clinical.diary.frames import diary_day_of

    return Counter(diary_day_of(s) for s in starts)
