"""The web app's tables and the diary edit it relies on (real SQLite here; the same exercise
runs on PostgreSQL in test_postgres.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import pytest

from twitchscope.clinical.diary import DiaryStore, make_episode
from twitchscope.errors import ValidationError
from twitchscope.web.store import WebStore


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


def exercise(store: WebStore) -> None:
    """Users, recordings, review edits and sessions on any database."""
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
        exercise(WebStore(diary.engine))
