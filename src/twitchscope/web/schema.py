"""The version of the web app's tables, and the steps from one version to the next.

The tables (``web_*``, see :mod:`twitchscope.web.store`) carry their layout version in
``web_schema``. On start the app reads it and

- creates the tables and records :data:`SCHEMA_VERSION` in an empty database;
- runs each step of :data:`MIGRATIONS` from the stored version up, one transaction each, so an
  older data folder or database keeps its people, nights and reviews;
- refuses a database written by a newer twitchscope (it could not know what the newer tables
  mean, and writing to them could lose data).

Tables made before the version was recorded (the first release of the app) count as version 1.
A change to the tables adds one step here and raises :data:`SCHEMA_VERSION`; nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sqlalchemy import Connection, Engine, Integer, inspect, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from twitchscope.clinical.diary.store import create_tables, lock_for_creation
from twitchscope.errors import ValidationError

#: The layout this twitchscope writes.
SCHEMA_VERSION: Final[int] = 2


class WebBase(DeclarativeBase):
    """Declarative base of the web app's tables (:mod:`twitchscope.web.store` defines them)."""


class SchemaRow(WebBase):
    """The one row holding the layout version of the web tables."""

    __tablename__ = "web_schema"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)


def _v1_to_v2(conn: Connection) -> None:
    """Version 2: accounts have a role (``person`` or ``clinician``)."""
    columns = {c["name"] for c in inspect(conn).get_columns("web_users")}
    if "role" not in columns:
        conn.execute(
            text("ALTER TABLE web_users ADD COLUMN role VARCHAR(16) NOT NULL DEFAULT 'person'")
        )


#: ``MIGRATIONS[n]`` takes the tables from version ``n`` to ``n + 1``.
MIGRATIONS: Final[dict[int, Callable[[Connection], None]]] = {1: _v1_to_v2}


def stored_version(conn: Connection) -> int | None:
    """The layout version of the web tables in this database (None when there are none)."""
    names = set(inspect(conn).get_table_names())
    if SchemaRow.__tablename__ in names:
        version = conn.scalar(select(SchemaRow.version).where(SchemaRow.id == 1))
        if version is not None:
            return int(version)
    return 1 if "web_users" in names else None


def prepare(engine: Engine, display: str = "the database") -> int:
    """Create or bring the web tables up to :data:`SCHEMA_VERSION`; return the version found.

    Called by :class:`~twitchscope.web.store.WebStore` once every table is defined.

    Raises
    ------
    ValidationError
        When the database was written by a newer twitchscope (field ``database``).
    """
    with engine.begin() as conn:
        found = stored_version(conn)
    if found is not None and found > SCHEMA_VERSION:
        raise ValidationError(
            "database",
            f"{display} holds web app tables of layout version {found}, newer than this "
            f"twitchscope understands ({SCHEMA_VERSION}); update twitchscope, or use another "
            "--data folder or --db",
        )
    version = SCHEMA_VERSION if found is None else found
    while version < SCHEMA_VERSION:
        with engine.begin() as conn:
            lock_for_creation(conn)  # two app processes may start at once
            MIGRATIONS[version](conn)
            _record(conn, version + 1)
        version += 1
    with engine.begin() as conn:
        create_tables(conn, WebBase.metadata)
        _record(conn, SCHEMA_VERSION)
    return SCHEMA_VERSION if found is None else found


def _record(conn: Connection, version: int) -> None:
    SchemaRow.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]
    row = conn.scalar(select(SchemaRow.version).where(SchemaRow.id == 1))
    table = SchemaRow.__table__
    if row is None:
        conn.execute(table.insert().values(id=1, version=version))  # type: ignore[attr-defined]
    elif row != version:
        conn.execute(
            table.update().where(table.c.id == 1).values(version=version)  # type: ignore[attr-defined]
        )
