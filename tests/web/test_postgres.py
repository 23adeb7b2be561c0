"""The web app on PostgreSQL (``serve --db postgresql+psycopg://...``), against a real server.

The server is the one ``scripts/setup_system.sh`` starts (or ``$TWITCHSCOPE_TEST_POSTGRES_URL``).
Each test works in a schema of its own, dropped afterwards. The tests skip, with the reason,
only when no server answers at that address; a server that answers but refuses (a wrong
password, a missing database) is a failure to see, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import Night, free_port

pytestmark = pytest.mark.postgres

PG_URL = os.environ.get(
    "TWITCHSCOPE_TEST_POSTGRES_URL",
    "postgresql+psycopg://twitchscope:twitchscope@127.0.0.1:5432/twitchscope_test",
)


def _server_answers() -> None:
    """Skip when nothing listens at the address; let every other problem fail the test."""
    import socket

    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=3):
            pass
    except OSError as exc:
        pytest.skip(f"no PostgreSQL server answers at {url.host}:{url.port or 5432} ({exc})")


@dataclass
class PgSchema:
    """A database URL whose connections use ``schema`` first."""

    url: str
    schema: str


@pytest.fixture
def pg() -> Iterator[PgSchema]:
    """A new, empty schema and the URL that uses it (dropped afterwards, with the per-person
    schemas the app makes beside it)."""
    pytest.importorskip("psycopg")
    _server_answers()
    from sqlalchemy import create_engine, text

    from twitchscope.web.state import _schema_url

    schema = "web_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield PgSchema(_schema_url(PG_URL, schema), schema)
    finally:
        with admin.begin() as conn:
            # the schema and the per-person schemas the app made beside it
            names = conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                {"p": f"{schema}%"},
            ).scalars()
            for name in list(names):
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def test_tables_migration_and_refusal(pg: PgSchema) -> None:
    from sqlalchemy import create_engine, text

    from .test_schema import check_migration, check_newer_refused
    from .test_store import exercise

    engine = create_engine(pg.url)
    try:
        check_migration(engine)
    finally:
        engine.dispose()
    # a clean slate in the same schema for the next checks
    engine = create_engine(pg.url)
    with engine.begin() as conn:
        for table in (
            "web_movement_edits",
            "web_review_movements",
            "web_recordings",
            "web_answers",
            "web_api_tokens",
            "web_sessions",
            "web_users",
            "web_schema",
        ):
            conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    try:
        from twitchscope.web.store import WebStore

        exercise(WebStore(engine))
        check_newer_refused(engine)
    finally:
        engine.dispose()


def _wait(client: Any, rec_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/recordings/{rec_id}").json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise TimeoutError(rec_id)


def test_the_app_on_postgres(pg: PgSchema, tmp_path: Path, night: Night) -> None:
    """Every store of the app in PostgreSQL: answers, diary, a night scored, reviewed and
    re-scored; nothing falls back to SQLite."""
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, text

    from twitchscope.web.app import create_app
    from twitchscope.web.config import WebConfig

    config = WebConfig(data_dir=tmp_path, db_url=pg.url, allowed_hosts=("testserver",))
    with TestClient(create_app(config)) as client:
        r = client.post(
            "/api/diary/episodes",
            json={"start": "2026-11-02T21:00:00", "kind": "cramp", "locations": ["calf"]},
        )
        assert r.status_code == 201, r.text
        assert [e["kind"] for e in client.get("/api/diary/episodes").json()] == ["cramp"]
        files = {"recording": ("night.edf", night.edf.read_bytes(), "application/edf")}
        rec_id = client.post("/api/recordings", files=files).json()["id"]
        body = _wait(client, rec_id)
        assert body["status"] == "done", body
        movements = client.get(f"/api/recordings/{rec_id}/movements").json()
        put = client.put(f"/api/recordings/{rec_id}/movements", json=movements[::2])
        assert put.status_code == 200 and put.json()["plms_count"] < body["summary"]["plms_count"]
        assert client.get("/assessment").status_code == 200
    assert not (tmp_path / "twitchscope.sqlite").exists()  # nothing fell back to SQLite
    engine = create_engine(pg.url)
    try:
        with engine.connect() as conn:
            n_rows = conn.execute(text("SELECT count(*) FROM web_review_movements")).scalar()
            n_edits = conn.execute(text("SELECT count(*) FROM web_movement_edits")).scalar()
            version = conn.execute(text("SELECT version FROM web_schema")).scalar()
        assert n_rows == len(movements[::2]) and n_edits == 1 and version is not None
    finally:
        engine.dispose()


def test_accounts_keep_diaries_apart_on_postgres(pg: PgSchema, tmp_path: Path) -> None:
    """With accounts, each person's diary lives in a schema of its own; a clinician reads it."""
    from fastapi.testclient import TestClient

    from twitchscope.web.app import create_app
    from twitchscope.web.config import WebConfig

    from .test_roles import csrf_of, sign_in, sign_up

    config = WebConfig(data_dir=tmp_path, db_url=pg.url, accounts=True, allow_signup=True)
    with TestClient(create_app(config), base_url="http://127.0.0.1:8000") as c:
        sign_up(c, "doc", first="1", role="clinician")
        sign_up(c, "anna")
        sign_up(c, "bob")
        for name in ("anna", "bob"):
            token = sign_in(c, name)
            r = c.post(
                "/diary/episodes",
                data={
                    "start": "2026-11-01T22:30",
                    "kind": "jerk",
                    "locations": "calf",
                    "note": f"{name}'s own note",
                    "csrf_token": token,
                },
            )
            assert r.status_code in (200, 303), r.text
        assert "anna&#39;s own note" not in c.get("/diary").text  # bob sees his own only
        assert "bob&#39;s own note" in c.get("/diary").text
        sign_in(c, "doc")
        users = c.app.state.ts.store.users()  # type: ignore[attr-defined]
        anna = next(u for u in users if u.name == "anna")
        picture = c.get(f"/people/{anna.id}").text
        assert "The picture of anna" in picture and csrf_of(picture)
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            schemas = conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                {"p": f"{pg.schema}_person_%"},
            ).scalars()
            found = set(schemas)
        ids = {u.name: u.id for u in users}
        # anna's and bob's diaries, each in its own schema (none for the clinician)
        assert found == {f"{pg.schema}_person_{ids[n]}" for n in ("anna", "bob")}
    finally:
        engine.dispose()


def test_serve_with_db_url(pg: PgSchema, tmp_path: Path) -> None:
    """The command itself: ``twitchscope serve --db postgresql+psycopg://...`` answers."""
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "twitchscope",
            "serve",
            "--db",
            pg.url,
            "--data",
            str(tmp_path),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/recordings", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and r.json() == []
        assert not (tmp_path / "twitchscope.sqlite").exists()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)  # waits, and closes the pipes
