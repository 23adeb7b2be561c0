"""Database tables of the symptom diary (SQLAlchemy 2.0 typed ORM).

Three tables, the same on SQLite and PostgreSQL:

- ``diary_episodes``: one row per symptom episode.
- ``diary_days``: one row per diary day with the day's factors (NULL = not recorded).
- ``diary_schema``: one row holding :data:`SCHEMA_VERSION`, checked on open so an older
  twitchscope never writes into a diary laid out by a newer one.

List values (locations, medications) are stored as text joined by ``;`` so both back-ends
store them the same way; the vocabularies never contain ``;``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Layout version of the diary tables; bump on every change and add a migration.
SCHEMA_VERSION: Final[int] = 1


class Base(DeclarativeBase):
    """Declarative base of the diary tables."""


class SchemaRow(Base):
    """The diary's layout version."""

    __tablename__ = "diary_schema"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class EpisodeRow(Base):
    """One symptom episode (see :class:`~.validation.EpisodeEntry`)."""

    __tablename__ = "diary_episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    start: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    duration_s: Mapped[float | None] = mapped_column(Float)
    locations: Mapped[str] = mapped_column(String(400), nullable=False)
    side: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    intensity: Mapped[int | None] = mapped_column(Integer)
    context: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class DayRow(Base):
    """The factors of one diary day (see :class:`~.validation.DayEntry`)."""

    __tablename__ = "diary_days"

    date: Mapped[date] = mapped_column(Date, primary_key=True)
    caffeine_cups: Mapped[float | None] = mapped_column(Float)
    alcohol_units: Mapped[float | None] = mapped_column(Float)
    stress: Mapped[int | None] = mapped_column(Integer)
    exercise_minutes: Mapped[float | None] = mapped_column(Float)
    heavy_exercise: Mapped[bool | None] = mapped_column(Boolean)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    medications: Mapped[str | None] = mapped_column(Text)
