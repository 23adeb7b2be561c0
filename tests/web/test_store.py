"""The web app's tables and the diary edit it relies on (real SQLite, and PostgreSQL when a
server answers)."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from twitchscope.clinical.diary import DiaryStore, make_episode
from twitchscope.errors import ValidationError
from twitchscope.web.store import WebStore

PG_URL = os.environ.get(
    "TWITCHSCOPE_TEST_POSTGRES_URL",
    "postgresql+psycopg://twitchscope:twitchscope@127.0.0.1:5432/twitchscope_test",
)


def test_diary_episode_update(tmp_path: Path) -> None:
    with DiaryStore(tmp_path / "d.sqlite") as store:
        first = make_episode({"start": "2026-11-01 22:30", "kind": "twitch", "locations": "calf"})
        eid = store.add_episode(first)
        edited = make_episode(
            {"start": "2026-11-01 22:35", "kind": "jerk", "locations": "calf;thigh", "intensity": 6}
        )
        before = store.update_episode(eid, edited)
        assert before == first
        assert dict(store.episodes())[eid] == edited
        with pytest.raises(ValidationError):
            store.update_episode(eid + 100, edited)


def _exercise(store: WebStore) -> None:
    user = store.local_user()
    assert store.local_user() == user  # made once
    rec_id = uuid.uuid4().hex
    store.add_recording(rec_id, user, file_name="night.edf", file_kind="edf")
    store.start_review(
        rec_id,
        [
            {"leg": "left", "onset": 10.0, "duration": 1.0},
            {"leg": "right", "onset": 30.0, "duration": 2.0, "amplitude_uv": 40.0},
        ],
    )
    mv = store.review_movements(rec_id)
    assert [m.leg for m in mv] == ["left", "right"]
    store.edit_movement(rec_id, user, "reject", movement_id=mv[0].id)
    store.edit_movement(rec_id, user, "adjust", movement_id=mv[1].id, onset=29.5, duration=3.0)
    added = store.edit_movement(rec_id, user, "add", leg="left", onset=50.0, duration=1.5)
    assert added.origin == "added"
    with pytest.raises(ValidationError):
        store.edit_movement(rec_id, user, "explode", movement_id=mv[0].id)
    edits = store.edits(rec_id)
    assert [e.action for e in edits] == ["reject", "adjust", "add"]
    assert all(e.user_name == "local" and isinstance(e.at, datetime) for e in edits)
    assert edits[1].before is not None and edits[1].before["onset"] == 30.0
    kept = [m for m in store.review_movements(rec_id) if not m.rejected]
    assert [(m.onset, m.duration) for m in kept] == [(29.5, 3.0), (50.0, 1.5)]
    store.replace_movements(rec_id, user, [{"leg": "left", "onset": 5.0, "duration": 1.0}])
    assert len(store.review_movements(rec_id)) == 1
    assert store.edits(rec_id)[-1].action == "replace"
    token, csrf = store.new_session(user, 1.0)
    assert store.get_session(token) == (user, csrf)
    store.end_session(token)
    assert store.get_session(token) is None


def test_web_tables_sqlite(tmp_path: Path) -> None:
    with DiaryStore(tmp_path / "app.sqlite") as diary:
        _exercise(WebStore(diary.engine))


@pytest.mark.postgres
def test_web_tables_postgres() -> None:
    pytest.importorskip("psycopg")
    from sqlalchemy import text

    schema = "web_test_" + uuid.uuid4().hex[:10]
    try:
        admin = DiaryStore(PG_URL)
    except Exception as exc:  # no server here: the reason is shown
        pytest.skip(f"no PostgreSQL at {PG_URL.split('@')[-1]}: {exc}")
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        from twitchscope.web.state import _schema_url

        with DiaryStore(_schema_url(PG_URL, schema)) as diary:
            _exercise(WebStore(diary.engine))
    finally:
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.close()


@pytest.mark.postgres
def test_app_on_postgres(tmp_path: Path) -> None:
    """The whole app with ``--db postgresql+psycopg://...`` (in a schema of its own here)."""
    pytest.importorskip("psycopg")
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from twitchscope.web.app import create_app
    from twitchscope.web.config import WebConfig
    from twitchscope.web.state import _schema_url

    schema = "web_app_" + uuid.uuid4().hex[:10]
    try:
        admin = DiaryStore(PG_URL)
    except Exception as exc:
        pytest.skip(f"no PostgreSQL at {PG_URL.split('@')[-1]}: {exc}")
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        config = WebConfig(
            data_dir=tmp_path, db_url=_schema_url(PG_URL, schema), allowed_hosts=("testserver",)
        )
        with TestClient(create_app(config)) as client:
            r = client.post(
                "/api/diary/episodes",
                json={"start": "2026-11-02T21:00:00", "kind": "cramp", "locations": ["calf"]},
            )
            assert r.status_code == 201, r.text
            assert [e["kind"] for e in client.get("/api/diary/episodes").json()] == ["cramp"]
            assert client.get("/diary").status_code == 200
        assert not (tmp_path / "twitchscope.sqlite").exists()  # nothing fell back to SQLite
        with admin.engine.begin() as conn:
            n = conn.execute(text(f'SELECT count(*) FROM "{schema}".web_sessions')).scalar()
        assert n is not None and n >= 1
    finally:
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.close()
