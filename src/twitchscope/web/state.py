"""The state one running app shares between requests: settings, stores, worker, templates."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twitchscope.web.config import WebConfig
from twitchscope.web.security import FormTokens, LoginLimiter, PasswordHasher
from twitchscope.web.store import LOCAL_USER, User, WebStore

if TYPE_CHECKING:
    from jinja2 import Environment

    from twitchscope.clinical.diary import DiaryStore
    from twitchscope.web.worker import Worker


def _schema_url(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use ``schema`` first (one schema per person)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    query = dict(u.query)
    query["options"] = f"-csearch_path={schema}"
    return u.set(query=query).render_as_string(hide_password=False)


@dataclass
class AppState:
    """Everything the routes share; built once by :func:`twitchscope.web.app.create_app`."""

    config: WebConfig
    main_diary: DiaryStore
    store: WebStore
    worker: Worker
    templates: Environment
    hasher: PasswordHasher
    limiter: LoginLimiter
    form_tokens: FormTokens = field(default_factory=FormTokens)
    _diaries: dict[int, DiaryStore] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def diary(self, user: User) -> DiaryStore:
        """The person's diary: the main one for the local user, one per account otherwise.

        Accounts keep separate diaries: a SQLite file per account under ``data/people/<id>/``,
        or a PostgreSQL schema per account (``<the app's schema>_person_<id>``) in the same
        database.
        """
        from twitchscope.clinical.diary import DiaryStore

        if user.name == LOCAL_USER and not self.config.accounts:
            return self.main_diary
        with self._lock:
            store = self._diaries.get(user.id)
            if store is None:
                url = self.config.db_url or ""
                if "://" in url and not url.startswith("sqlite"):
                    from sqlalchemy import text

                    with self.main_diary.engine.begin() as conn:
                        base = str(conn.execute(text("SELECT current_schema()")).scalar())
                        # scoped by the app's own schema: two apps in one database never share
                        # a person's diary
                        schema = f"{base}_person_{int(user.id)}"[:63]
                        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
                    store = DiaryStore(_schema_url(url, schema))
                else:
                    path = self.config.data_dir / "people" / str(int(user.id)) / "diary.sqlite"
                    store = DiaryStore(path)
                self._diaries[user.id] = store
            return store

    def recording_dir(self, rec_id: str) -> Path:
        """The folder of one recording (ids are hex, checked by the routes)."""
        return self.config.recordings_dir / rec_id

    def close(self) -> None:
        """Stop the worker and release the databases."""
        self.worker.shutdown()
        for store in self._diaries.values():
            store.close()
        self.main_diary.close()

    def render(self, template: str, /, **context: Any) -> str:
        """Render a template."""
        return self.templates.get_template(template).render(**context)
