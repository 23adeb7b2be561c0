"""The diary store: a SQLite file by default, PostgreSQL through a URL.

Every change runs in one transaction: a failed add or import leaves the database exactly as it
was. Tables are created on first use and their layout version is checked on every open.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, MetaData, create_engine, insert, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from twitchscope.clinical.diary.frames import Diary, make_diary
from twitchscope.clinical.diary.models import (
    SCHEMA_VERSION,
    Base,
    DayRow,
    EpisodeRow,
    SchemaRow,
)
from twitchscope.clinical.diary.validation import (
    DAY_FACTOR_FIELDS,
    EPISODE_FIELDS,
    LIST_SEP,
    DayEntry,
    EpisodeEntry,
)
from twitchscope.errors import (
    InputFileError,
    MissingDependencyError,
    TwitchscopeError,
    ValidationError,
)

#: Environment variable naming the default diary (a SQLite path or a database URL).
DIARY_ENV: Final[str] = "TWITCHSCOPE_DIARY"
_SQLITE_MAGIC: Final[bytes] = b"SQLite format 3\x00"


def default_diary_location() -> str:
    """Return ``$TWITCHSCOPE_DIARY`` or ``~/.twitchscope/diary.sqlite``."""
    env = os.environ.get(DIARY_ENV, "").strip()
    if env:
        return env
    return str(Path.home() / ".twitchscope" / "diary.sqlite")


def is_database_url(target: str | Path) -> bool:
    """Return True when ``target`` looks like a database URL rather than a file path."""
    return isinstance(target, str) and "://" in target


def _parse_url(text: str) -> URL:
    try:
        url = make_url(text)
    except ArgumentError:
        raise ValidationError("db", f"{text!r} is not a database URL") from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        elif url.drivername != "postgresql+psycopg":
            raise ValidationError(
                "db",
                "PostgreSQL diaries use the psycopg 3 driver: "
                "postgresql+psycopg://user:password@host/dbname",
            )
    elif backend != "sqlite":
        raise ValidationError("db", f"unsupported database {backend!r}: use sqlite or postgresql")
    return url


def _episode_row(entry: EpisodeEntry) -> EpisodeRow:
    return EpisodeRow(
        start=entry.start,
        duration_s=entry.duration_s,
        locations=LIST_SEP.join(entry.locations),
        side=entry.side,
        kind=entry.kind,
        intensity=entry.intensity,
        context=entry.context,
        note=entry.note,
    )


def _episode_entry(row: EpisodeRow) -> EpisodeEntry:
    return EpisodeEntry(
        start=row.start.replace(tzinfo=None, microsecond=0),
        duration_s=row.duration_s,
        locations=tuple(row.locations.split(LIST_SEP)),
        side=row.side,
        kind=row.kind,
        intensity=row.intensity,
        context=row.context,
        note=row.note,
    )


def _day_entry(row: DayRow) -> DayEntry:
    meds: tuple[str, ...] | None
    if row.medications is None:
        meds = None
    elif row.medications == "":
        meds = ()
    else:
        meds = tuple(row.medications.split(LIST_SEP))
    return DayEntry(
        date=row.date,
        caffeine_cups=row.caffeine_cups,
        alcohol_units=row.alcohol_units,
        stress=row.stress,
        exercise_minutes=row.exercise_minutes,
        heavy_exercise=row.heavy_exercise,
        sleep_hours=row.sleep_hours,
        medications=meds,
    )


def _set_day_row(row: DayRow, entry: DayEntry) -> None:
    for name in DAY_FACTOR_FIELDS:
        value = getattr(entry, name)
        if value is None:
            continue
        if name == "medications":
            value = LIST_SEP.join(value)
        setattr(row, name, value)


def _episode_key(entry: EpisodeEntry) -> tuple[datetime, str, tuple[str, ...]]:
    return (entry.start, entry.kind, entry.locations)


def merge_day(old: DayEntry, new: DayEntry) -> DayEntry:
    """Return ``old`` with every factor recorded in ``new`` (not None) taken from ``new``."""
    changes = {name: getattr(new, name) for name in DAY_FACTOR_FIELDS}
    return replace(old, **{k: v for k, v in changes.items() if v is not None})


def day_conflicts(old: DayEntry, new: DayEntry) -> list[str]:
    """Return the factors recorded in both days with different values."""
    out = []
    for f in fields(DayEntry):
        if f.name == "date":
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a is not None and b is not None and a != b:
            out.append(f.name)
    return out


class DiaryStore:
    """A symptom diary in a database.

    Parameters
    ----------
    target : str or Path
        A SQLite file path, or a database URL (``sqlite:///path`` or
        ``postgresql+psycopg://user:password@host:port/dbname``).
    create : bool
        Create the file and the tables when missing (default). With False, a missing file or
        missing tables is an :class:`~twitchscope.errors.InputFileError`.

    Raises
    ------
    InputFileError
        The file is not a SQLite database, the server cannot be reached, or the diary was
        written by a newer twitchscope.
    ValidationError
        The URL is not one of the supported kinds.
    MissingDependencyError
        A PostgreSQL URL was given and psycopg is not installed.
    """

    def __init__(self, target: str | Path, *, create: bool = True) -> None:
        if is_database_url(target):
            url = _parse_url(str(target))
        else:
            path = Path(target).expanduser()
            self._check_sqlite_file(path, create=create)
            url = URL.create("sqlite", database=str(path.resolve()))
        self.url = url
        self.display = url.render_as_string(hide_password=True)
        if url.get_backend_name() == "sqlite" and is_database_url(target) and url.database:
            self._check_sqlite_file(Path(url.database), create=create)
        connect_args: dict[str, Any] = {}
        if url.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = 5
        try:
            self.engine: Engine = create_engine(url, connect_args=connect_args)
        except ImportError:
            raise MissingDependencyError("psycopg", "postgres", "a PostgreSQL diary") from None
        try:
            self._prepare(create=create)
        except BaseException:
            self.engine.dispose()
            raise

    @staticmethod
    def _check_sqlite_file(path: Path, *, create: bool) -> None:
        if path.is_dir():
            raise InputFileError(path, "is a directory, not a diary file")
        if path.exists():
            with path.open("rb") as handle:
                head = handle.read(len(_SQLITE_MAGIC))
            if head and head != _SQLITE_MAGIC:
                raise InputFileError(path, "is not a SQLite diary database")
        elif not create:
            raise InputFileError(path, "no diary here (add an entry first, or check the path)")
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputFileError(path, f"cannot create the folder: {exc.strerror}") from None

    def _prepare(self, *, create: bool) -> None:
        try:
            with self.engine.begin() as conn:
                names = set(inspect(conn).get_table_names())
                wanted = {t.name for t in Base.metadata.sorted_tables}
                if not wanted <= names:
                    if not create:
                        raise InputFileError(self.display, "holds no twitchscope diary")
                    create_tables(conn, Base.metadata)
                version = conn.scalars(
                    select(SchemaRow.version).order_by(SchemaRow.id).limit(1)
                ).first()
                if version is None:
                    # Only the process that made the tables gets here before the row exists
                    # (creation holds the lock until this transaction commits); a diary made by
                    # hand without the row is locked the same way before the row is added.
                    lock_for_creation(conn)
                    version = conn.scalars(
                        select(SchemaRow.version).order_by(SchemaRow.id).limit(1)
                    ).first()
                if version is None:
                    conn.execute(
                        insert(SchemaRow).values(
                            id=1, version=SCHEMA_VERSION, created=datetime.now()
                        )
                    )
                elif version > SCHEMA_VERSION:
                    raise InputFileError(
                        self.display,
                        f"diary layout version {version} is newer than this "
                        f"twitchscope understands ({SCHEMA_VERSION}); update twitchscope",
                    )
        except DBAPIError as exc:
            raise InputFileError(
                self.display, f"cannot open the diary database: {_first_line(exc.orig)}"
            ) from None
        except SQLAlchemyError as exc:
            raise InputFileError(self.display, f"cannot open the diary database: {exc}") from None

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """One transaction: committed at the end, rolled back on any error."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except TwitchscopeError:
            raise
        except DBAPIError as exc:
            raise InputFileError(self.display, f"database error: {_first_line(exc.orig)}") from None

    # --- reading -------------------------------------------------------------------------

    def schema_version(self) -> int:
        """Return the layout version recorded in the database."""
        with self._session() as session:
            row = session.scalars(select(SchemaRow).order_by(SchemaRow.id)).first()
            return SCHEMA_VERSION if row is None else row.version

    def episodes(self) -> list[tuple[int, EpisodeEntry]]:
        """Return ``(id, entry)`` for every episode, by start time."""
        with self._session() as session:
            rows = session.scalars(select(EpisodeRow).order_by(EpisodeRow.start, EpisodeRow.id))
            return [(row.id, _episode_entry(row)) for row in rows]

    def days(self) -> list[DayEntry]:
        """Return every day's factors, by date."""
        with self._session() as session:
            rows = session.scalars(select(DayRow).order_by(DayRow.date))
            return [_day_entry(row) for row in rows]

    def to_diary(self) -> Diary:
        """Return the whole diary as a :class:`~.frames.Diary`."""
        pairs = self.episodes()
        return make_diary(
            [entry for _, entry in pairs], self.days(), self.display, ids=[i for i, _ in pairs]
        )

    # --- writing -------------------------------------------------------------------------

    def add_episode(self, entry: EpisodeEntry) -> int:
        """Store one episode; return its id."""
        with self._session() as session:
            row = _episode_row(entry)
            session.add(row)
            session.flush()
            return int(row.id)

    def add_day(self, entry: DayEntry) -> DayEntry:
        """Record a day's factors, merged into what that day already holds.

        Factors given in ``entry`` (not None) replace the stored ones; the others are kept.
        Returns the day as stored.
        """
        with self._session() as session:
            row = session.get(DayRow, entry.date)
            if row is None:
                row = DayRow(date=entry.date)
                session.add(row)
            _set_day_row(row, entry)
            session.flush()
            return _day_entry(row)

    def conflicts(
        self, episodes: Sequence[EpisodeEntry], days: Sequence[DayEntry]
    ) -> list[tuple[str, int, str]]:
        """Check entries against the stored diary before an import.

        Returns ``(what, index, problem)`` per conflict: ``what`` is ``"episode"`` or ``"day"``
        and ``index`` the position in the given sequence. An episode conflicts when one with
        the same start, kind and locations is stored; a day when a factor recorded both in the
        store and in the entry differs.
        """
        with self._session() as session:
            return self._conflicts(session, episodes, days)

    @staticmethod
    def _conflicts(
        session: Session, episodes: Sequence[EpisodeEntry], days: Sequence[DayEntry]
    ) -> list[tuple[str, int, str]]:
        out: list[tuple[str, int, str]] = []
        if episodes:
            starts = {e.start for e in episodes}
            stored = session.scalars(select(EpisodeRow).where(EpisodeRow.start.in_(starts)))
            keys = {_episode_key(_episode_entry(row)) for row in stored}
            for i, entry in enumerate(episodes):
                if _episode_key(entry) in keys:
                    out.append(("episode", i, "already in the diary (same start, kind, places)"))
        for i, day in enumerate(days):
            row = session.get(DayRow, day.date)
            if row is not None:
                clash = day_conflicts(_day_entry(row), day)
                if clash:
                    out.append(("day", i, f"differs from the stored day in {', '.join(clash)}"))
        return out

    def add_entries(self, episodes: Sequence[EpisodeEntry], days: Sequence[DayEntry]) -> None:
        """Store many entries in one transaction (an import): all or nothing.

        Raises
        ------
        ValidationError
            When any entry conflicts with the stored diary (see :meth:`conflicts`); nothing
            is written then.
        """
        with self._session() as session:
            clashes = self._conflicts(session, episodes, days)
            if clashes:
                what, i, problem = clashes[0]
                raise ValidationError(f"{what} {i + 1}", problem)
            session.add_all([_episode_row(e) for e in episodes])
            for day in days:
                row = session.get(DayRow, day.date)
                if row is None:
                    row = DayRow(date=day.date)
                    session.add(row)
                _set_day_row(row, day)

    def update_episode(self, episode_id: int, entry: EpisodeEntry) -> EpisodeEntry:
        """Replace the fields of one stored episode (an edit); return what it held before.

        Raises
        ------
        ValidationError
            When there is no episode with that id.
        """
        with self._session() as session:
            row = session.get(EpisodeRow, episode_id)
            if row is None:
                raise ValidationError("id", f"no episode with id {episode_id}")
            before = _episode_entry(row)
            new = _episode_row(entry)
            for name in EPISODE_FIELDS:
                setattr(row, name, getattr(new, name))
            return before

    def delete_episode(self, episode_id: int) -> EpisodeEntry:
        """Delete one episode by id; return what was deleted.

        Raises
        ------
        ValidationError
            When there is no episode with that id.
        """
        with self._session() as session:
            row = session.get(EpisodeRow, episode_id)
            if row is None:
                raise ValidationError("id", f"no episode with id {episode_id}")
            entry = _episode_entry(row)
            session.delete(row)
            return entry

    def delete_day(self, day: date) -> DayEntry:
        """Delete one day's factors; return what was deleted.

        Raises
        ------
        ValidationError
            When that day holds no factors.
        """
        with self._session() as session:
            row = session.get(DayRow, day)
            if row is None:
                raise ValidationError("date", f"no factors recorded for {day.isoformat()}")
            entry = _day_entry(row)
            session.delete(row)
            return entry

    # --- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> DiaryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def lock_for_creation(conn: Connection) -> None:
    """Make other processes creating tables in the same database wait for this transaction.

    Two processes opening a new diary at once (two commands, a command and the web app) would
    otherwise both find the tables missing and both create them: PostgreSQL then fails with a
    duplicate ``pg_type_typname_nsp_index`` key (each table has a row type) and SQLite with
    "table ... already exists". PostgreSQL: an advisory lock per schema, released at commit.
    SQLite: the transaction starts as ``BEGIN IMMEDIATE``, taking the file's write lock (a
    waiting process retries for the driver's busy timeout, 5 s by default).
    """
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(
            text(
                "SELECT pg_advisory_xact_lock("
                "hashtext('twitchscope tables in ' || coalesce(current_schema(), '')))"
            )
        )
    elif dialect == "sqlite":
        dbapi = conn.connection.dbapi_connection
        # pysqlite opens no transaction for reads and DDL: start one that holds the write lock.
        if dbapi is not None and not getattr(dbapi, "in_transaction", True):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_tables(conn: Connection, metadata: MetaData) -> None:
    """Create the missing tables of ``metadata`` in ``conn``'s transaction, one process at a time.

    After the lock each table is looked up again, so tables that another process created while
    this one waited are left as they are.
    """
    lock_for_creation(conn)
    metadata.create_all(conn, checkfirst=True)


def _first_line(exc: BaseException | None) -> str:
    text = str(exc).strip() if exc is not None else "unknown error"
    return text.splitlines()[0] if text else type(exc).__name__
