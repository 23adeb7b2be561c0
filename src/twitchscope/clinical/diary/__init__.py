"""The symptom diary: episodes and daily factors, stored, imported, exported and summarised.

Storage is a SQLite file by default and PostgreSQL through a URL (:class:`DiaryStore`);
import/export is one CSV file (:mod:`.csv_io`); :func:`compute_patterns` summarises a
:class:`Diary` (after the Consensus Sleep Diary, Carney et al., Sleep 2012).

>>> diary = load_diary("diary.sqlite")          # doctest: +SKIP
>>> compute_patterns(diary).evening_night_peak  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from twitchscope.clinical.diary.csv_io import (
    DiaryImportError,
    ImportResult,
    export_csv,
    import_csv,
    load_csv_diary,
    read_diary_csv,
    write_diary_csv,
)
from twitchscope.clinical.diary.factors import FACTOR_RULES, MIN_DAYS_PER_GROUP, FactorRule
from twitchscope.clinical.diary.frames import DAY_COLUMNS, EPISODE_COLUMNS, Diary, make_diary
from twitchscope.clinical.diary.patterns import (
    DiaryPatterns,
    FactorAssociation,
    compute_patterns,
)
from twitchscope.clinical.diary.store import DiaryStore, default_diary_location, is_database_url
from twitchscope.clinical.diary.validation import (
    CONTEXTS,
    KINDS,
    LOCATIONS,
    SIDES,
    DayEntry,
    EpisodeEntry,
    make_day,
    make_episode,
)

__all__ = [
    "CONTEXTS",
    "DAY_COLUMNS",
    "EPISODE_COLUMNS",
    "FACTOR_RULES",
    "KINDS",
    "LOCATIONS",
    "MIN_DAYS_PER_GROUP",
    "SIDES",
    "DayEntry",
    "Diary",
    "DiaryImportError",
    "DiaryPatterns",
    "DiaryStore",
    "EpisodeEntry",
    "FactorAssociation",
    "FactorRule",
    "ImportResult",
    "compute_patterns",
    "default_diary_location",
    "export_csv",
    "import_csv",
    "is_database_url",
    "load_csv_diary",
    "load_diary",
    "make_day",
    "make_diary",
    "make_episode",
    "read_diary_csv",
    "write_diary_csv",
]


def load_diary(source: str | Path) -> Diary:
    """Read a whole diary.

    Parameters
    ----------
    source : str or Path
        A SQLite file path, a database URL (``sqlite:///...``,
        ``postgresql+psycopg://user:password@host/db``), or a diary CSV file (``.csv``; read
        only, nothing is stored).

    Returns
    -------
    Diary
        Episodes and days as pandas tables.

    Raises
    ------
    InputFileError
        Missing or unreadable file, no diary in the database, or bad CSV rows (every bad line
        listed).
    """
    if not is_database_url(source) and Path(source).suffix.lower() in (".csv", ".txt"):
        return load_csv_diary(source)
    with DiaryStore(source, create=False) as store:
        return store.to_diary()
