"""The version of the web app's tables: recorded, migrated from the first release, and a newer
layout refused (real SQLite here; the same checks run on PostgreSQL in test_postgres.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from twitchscope.errors import ValidationError
from twitchscope.web.schema import SCHEMA_VERSION, SchemaRow, WebBase, stored_version
from twitchscope.web.store import WebStore

#: web_users as the first release of the app created it (no role, no version table).
V1_USERS = (
    "CREATE TABLE web_users (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE, "
    "password_hash VARCHAR(255), created TIMESTAMP NOT NULL)"
)


def make_v1(engine: Engine) -> None:
    """Tables of the first release, with one account and one recording in them."""
    with engine.begin() as conn:
        conn.execute(text(V1_USERS))
        later = [
            t
            for t in WebBase.metadata.sorted_tables
            if t.name not in ("web_users", SchemaRow.__tablename__)
        ]
        WebBase.metadata.create_all(conn, tables=later)
        conn.execute(
            text(
                "INSERT INTO web_users (id, name, password_hash, created) "
                "VALUES (1, 'anna', 'x', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO web_recordings (id, user_id, created, status, error, step, progress,"
                " file_name, file_kind, size_bytes, rules) VALUES ('a1', 1, '2026-01-01 00:00:00',"
                " 'done', '', 'done', 1.0, 'old night.edf', 'edf', 10, 'wasm2016')"
            )
        )


def check_migration(engine: Engine) -> None:
    """A first-release database opens, keeps its data, and is at the current version."""
    make_v1(engine)
    with engine.connect() as conn:
        assert stored_version(conn) == 1
    store = WebStore(engine)
    assert store.schema_version_found == 1
    with engine.connect() as conn:
        assert stored_version(conn) == SCHEMA_VERSION
        assert "role" in {c["name"] for c in inspect(conn).get_columns("web_users")}
    (anna,) = store.users()
    assert (anna.name, anna.role) == ("anna", "person")
    rec = store.recording("a1")
    assert rec is not None and rec.file_name == "old night.edf"
    store.set_role("anna", "clinician")
    again = WebStore(engine)  # opening again changes nothing
    assert again.schema_version_found == SCHEMA_VERSION
    assert again.users()[0].is_clinician


def check_newer_refused(engine: Engine) -> None:
    WebStore(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE web_schema SET version = :v"), {"v": SCHEMA_VERSION + 1})
    with pytest.raises(ValidationError) as err:
        WebStore(engine, "the test database")
    assert err.value.field == "database"
    assert f"layout version {SCHEMA_VERSION + 1}" in err.value.problem
    assert "update twitchscope" in err.value.problem


def sqlite(tmp_path: Path, name: str) -> Engine:
    return create_engine(f"sqlite:///{tmp_path / name}")


def test_fresh_database_records_the_version(tmp_path: Path) -> None:
    engine = sqlite(tmp_path, "fresh.sqlite")
    store = WebStore(engine)
    assert store.schema_version_found == SCHEMA_VERSION
    with engine.connect() as conn:
        assert stored_version(conn) == SCHEMA_VERSION


def test_first_release_tables_are_migrated(tmp_path: Path) -> None:
    check_migration(sqlite(tmp_path, "v1.sqlite"))


def test_newer_tables_are_refused(tmp_path: Path) -> None:
    check_newer_refused(sqlite(tmp_path, "new.sqlite"))


def test_serve_refuses_a_newer_data_folder(tmp_path: Path, capsys: Any) -> None:
    """The whole command: a clear message naming the database, no traceback, non-zero exit."""
    from twitchscope.cli import main
    from twitchscope.web.app import build_state
    from twitchscope.web.config import WebConfig

    build_state(WebConfig(data_dir=tmp_path)).close()
    engine = create_engine(f"sqlite:///{tmp_path / 'twitchscope.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE web_schema SET version = 99"))
    engine.dispose()
    assert main(["serve", "--data", str(tmp_path), "--port", "8799"]) == 2
    out = capsys.readouterr()
    text_out = out.out + out.err
    assert "layout version 99" in text_out and "Traceback" not in text_out
