"""The :class:`Diary` value: a diary's episodes and days as two pandas tables.

Columns of ``Diary.episodes`` (one row per episode, sorted by start):

===============  ==================  ==================================================
column           dtype               meaning
===============  ==================  ==================================================
``id``           int                 row id in the store (0-based position for a CSV)
``start``        datetime64[ns]      local clock time the episode started
``duration_s``   float               seconds; NaN when not noted
``locations``    object (tuple)      body locations, sorted words
``side``         object              ``left``/``right``/``both`` or None
``kind``         object              ``twitch``/``jerk``/``urge_to_move``/...
``intensity``    float               0-10; NaN when not noted
``context``      object              ``falling_asleep``/``asleep``/... or None
``note``         object              free text
``diary_day``    object (date)       the diary day the episode belongs to (see below)
===============  ==================  ==================================================

Columns of ``Diary.days`` (one row per day with recorded factors, sorted by date): ``date``
(object, :class:`datetime.date`), ``caffeine_cups``, ``alcohol_units``, ``stress``,
``exercise_minutes``, ``sleep_hours`` (float, NaN = not recorded), ``heavy_exercise`` (object:
True/False/None), ``medications`` (object: tuple of names, or None = not recorded).

The diary day runs from 06:00 to 06:00 the next morning, so an episode at 02:00 belongs to the
evening before it, with that day's caffeine, stress and exercise, the way the Consensus Sleep
Diary (Carney et al., Sleep 2012) asks about the night just past. :data:`DAY_BOUNDARY_HOUR`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

import numpy as np
import pandas as pd

from twitchscope.clinical.diary.validation import (
    DAY_FIELDS,
    EPISODE_FIELDS,
    DayEntry,
    EpisodeEntry,
)

#: Hour (local clock) at which one diary day ends and the next begins.
DAY_BOUNDARY_HOUR: Final[int] = 6

EPISODE_COLUMNS: Final[tuple[str, ...]] = ("id", *EPISODE_FIELDS, "diary_day")
DAY_COLUMNS: Final[tuple[str, ...]] = DAY_FIELDS


def diary_day_of(start: datetime) -> date:
    """Return the diary day an episode starting at ``start`` (local time) belongs to."""
    return (start - timedelta(hours=DAY_BOUNDARY_HOUR)).date()


def _optional_float(value: object) -> float | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return float(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Diary:
    """A symptom diary read from a store or a CSV file.

    Attributes
    ----------
    episodes : pandas.DataFrame
        One row per episode; columns :data:`EPISODE_COLUMNS` (see the module docstring).
    days : pandas.DataFrame
        One row per day with factors; columns :data:`DAY_COLUMNS`.
    source : str
        Where it came from (a path, or a database URL without its password).
    """

    episodes: pd.DataFrame
    days: pd.DataFrame
    source: str

    def episode_entries(self) -> list[EpisodeEntry]:
        """Return the episodes as entries, in table order."""
        out = []
        num = _optional_float
        for row in self.episodes.to_dict("records"):
            intensity = num(row["intensity"])
            out.append(
                EpisodeEntry(
                    start=pd.Timestamp(row["start"]).to_pydatetime(),
                    duration_s=num(row["duration_s"]),
                    locations=tuple(row["locations"]),
                    side=row["side"],
                    kind=str(row["kind"]),
                    intensity=None if intensity is None else int(intensity),
                    context=row["context"],
                    note=str(row["note"]),
                )
            )
        return out

    def day_entries(self) -> list[DayEntry]:
        """Return the days as entries, in table order."""
        out = []
        num = _optional_float
        for row in self.days.to_dict("records"):
            stress = num(row["stress"])
            out.append(
                DayEntry(
                    date=row["date"],
                    caffeine_cups=num(row["caffeine_cups"]),
                    alcohol_units=num(row["alcohol_units"]),
                    stress=None if stress is None else int(stress),
                    exercise_minutes=num(row["exercise_minutes"]),
                    heavy_exercise=row["heavy_exercise"],
                    sleep_hours=num(row["sleep_hours"]),
                    medications=row["medications"],
                )
            )
        return out


def make_diary(
    episodes: Sequence[EpisodeEntry],
    days: Sequence[DayEntry],
    source: str,
    *,
    ids: Sequence[int] | None = None,
) -> Diary:
    """Build a :class:`Diary` from checked entries.

    Parameters
    ----------
    episodes, days : sequences of entries
        The diary content (any order; the tables are sorted by start and date).
    source : str
        Where it came from.
    ids : sequence of int, optional
        Store ids of the episodes; default their 0-based positions.
    """
    id_list = list(range(len(episodes))) if ids is None else list(ids)
    ep = pd.DataFrame(
        {
            "id": pd.Series(id_list, dtype="int64"),
            "start": pd.Series([e.start for e in episodes], dtype="datetime64[ns]"),
            "duration_s": pd.Series(
                [np.nan if e.duration_s is None else e.duration_s for e in episodes],
                dtype="float64",
            ),
            "locations": pd.Series([e.locations for e in episodes], dtype=object),
            "side": pd.Series([e.side for e in episodes], dtype=object),
            "kind": pd.Series([e.kind for e in episodes], dtype=object),
            "intensity": pd.Series(
                [np.nan if e.intensity is None else float(e.intensity) for e in episodes],
                dtype="float64",
            ),
            "context": pd.Series([e.context for e in episodes], dtype=object),
            "note": pd.Series([e.note for e in episodes], dtype=object),
            "diary_day": pd.Series([diary_day_of(e.start) for e in episodes], dtype=object),
        },
        columns=list(EPISODE_COLUMNS),
    )
    ep = ep.sort_values(["start", "id"], kind="stable").reset_index(drop=True)

    def col(name: str) -> list[float]:
        values = [getattr(d, name) for d in days]
        return [np.nan if v is None else float(v) for v in values]

    dy = pd.DataFrame(
        {
            "date": pd.Series([d.date for d in days], dtype=object),
            "caffeine_cups": pd.Series(col("caffeine_cups"), dtype="float64"),
            "alcohol_units": pd.Series(col("alcohol_units"), dtype="float64"),
            "stress": pd.Series(col("stress"), dtype="float64"),
            "exercise_minutes": pd.Series(col("exercise_minutes"), dtype="float64"),
            "heavy_exercise": pd.Series([d.heavy_exercise for d in days], dtype=object),
            "sleep_hours": pd.Series(col("sleep_hours"), dtype="float64"),
            "medications": pd.Series([d.medications for d in days], dtype=object),
        },
        columns=list(DAY_COLUMNS),
    )
    dy = dy.sort_values("date", kind="stable").reset_index(drop=True)
    return Diary(episodes=ep, days=dy, source=source)
