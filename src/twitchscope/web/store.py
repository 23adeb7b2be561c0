"""What the web app stores beside the diary: users, sessions, answers, recordings, reviews.

The tables live in the same database as the diary (the SQLite file under the data folder, or
the PostgreSQL database of ``--db``), prefixed ``web_``. Every change is one transaction.
Times are UTC. A recording's files live in ``data/recordings/<id>/``, named by the app, never
by the person (the original file name is kept here for display only).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from twitchscope.errors import ValidationError
from twitchscope.web.schema import WebBase, prepare

#: Name of the one user when accounts are off.
LOCAL_USER: Final[str] = "local"
#: Roles of an account: a person sees their own data; a clinician also sees and reviews every
#: person's nights and pictures (read-only for the answers and diary).
ROLES: Final[tuple[str, ...]] = ("person", "clinician")
RECORDING_STATUSES: Final[tuple[str, ...]] = ("queued", "running", "done", "failed")
LEGS: Final[tuple[str, ...]] = ("left", "right")


def utcnow() -> datetime:
    """The current UTC time, naive (the database columns hold UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def token_hash(token: str) -> str:
    """SHA-256 of a session or API token (only hashes are stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserRow(WebBase):
    """One account (or the local user)."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="person")


class SessionRow(WebBase):
    """A browser session: the cookie's hash, its CSRF token and expiry."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), nullable=False, index=True)
    csrf: Mapped[str] = mapped_column(String(64), nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    expires: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class TokenRow(WebBase):
    """An API token (sent as ``Authorization: Bearer <token>``)."""

    __tablename__ = "web_api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), nullable=False, index=True)
    label: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class AnswersRow(WebBase):
    """A person's answers (the ``assess`` answer contract, labs inside), saved as they go."""

    __tablename__ = "web_answers"

    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), primary_key=True)
    answers: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    skipped: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    updated: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class RecordingRow(WebBase):
    """An uploaded recording and the state of its scoring."""

    __tablename__ = "web_recordings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), nullable=False, index=True)
    created: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    step: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    file_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hypnogram_name: Mapped[str | None] = mapped_column(String(255))
    hypnogram_file: Mapped[str | None] = mapped_column(String(40))
    events_name: Mapped[str | None] = mapped_column(String(255))
    events_file: Mapped[str | None] = mapped_column(String(40))
    rules: Mapped[str] = mapped_column(String(20), nullable=False, default="wasm2016")
    stage_codes: Mapped[str | None] = mapped_column(String(200))
    finished: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)


class ReviewMovementRow(WebBase):
    """One single-leg movement under review: detected or added, kept or rejected."""

    __tablename__ = "web_review_movements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recording_id: Mapped[str] = mapped_column(
        ForeignKey("web_recordings.id"), nullable=False, index=True
    )
    leg: Mapped[str] = mapped_column(String(5), nullable=False)
    onset: Mapped[float] = mapped_column(Float, nullable=False)
    duration: Mapped[float] = mapped_column(Float, nullable=False)
    origin: Mapped[str] = mapped_column(String(10), nullable=False, default="detected")
    rejected: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    amplitude_uv: Mapped[float | None] = mapped_column(Float)


class EditRow(WebBase):
    """One review edit, with its time and who made it."""

    __tablename__ = "web_movement_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recording_id: Mapped[str] = mapped_column(
        ForeignKey("web_recordings.id"), nullable=False, index=True
    )
    movement_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    user_name: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(10), nullable=False)
    before: Mapped[str] = mapped_column(Text, nullable=False, default="")
    after: Mapped[str] = mapped_column(Text, nullable=False, default="")


@dataclass(frozen=True)
class User:
    """A signed-in user (or the local user)."""

    id: int
    name: str
    role: str = "person"

    @property
    def is_clinician(self) -> bool:
        """Whether this account may see and review every person's nights."""
        return self.role == "clinician"


@dataclass(frozen=True)
class Recording:
    """A recording's row as plain data."""

    id: str
    user_id: int
    created: datetime
    status: str
    error: str
    step: str
    progress: float
    file_name: str
    file_kind: str
    size_bytes: int
    hypnogram_name: str | None
    hypnogram_file: str | None
    events_name: str | None
    events_file: str | None
    rules: str
    finished: datetime | None
    reviewed_at: datetime | None
    stage_codes: str | None = None


@dataclass(frozen=True)
class ReviewMovement:
    """A movement under review as plain data (``onset``/``duration`` in seconds)."""

    id: int
    leg: str
    onset: float
    duration: float
    origin: str
    rejected: bool
    amplitude_uv: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "id": self.id,
            "leg": self.leg,
            "onset": round(self.onset, 4),
            "duration": round(self.duration, 4),
            "origin": self.origin,
            "rejected": self.rejected,
            "amplitude_uv": self.amplitude_uv,
        }


@dataclass(frozen=True)
class Edit:
    """One stored review edit."""

    id: int
    movement_id: int | None
    at: datetime
    user_name: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _recording(row: RecordingRow) -> Recording:
    return Recording(**{c: getattr(row, c) for c in Recording.__dataclass_fields__})


def _movement(row: ReviewMovementRow) -> ReviewMovement:
    return ReviewMovement(
        id=row.id,
        leg=row.leg,
        onset=row.onset,
        duration=row.duration,
        origin=row.origin,
        rejected=row.rejected,
        amplitude_uv=row.amplitude_uv,
    )


def _mv_state(row: ReviewMovementRow) -> dict[str, Any]:
    return {
        "leg": row.leg,
        "onset": row.onset,
        "duration": row.duration,
        "rejected": row.rejected,
        "origin": row.origin,
    }


def _user(row: UserRow) -> User:
    return User(row.id, row.name, row.role or "person")


class WebStore:
    """The web app's tables on an existing SQLAlchemy engine.

    The tables are created when missing and brought up to the current layout when an older
    twitchscope made them (:mod:`twitchscope.web.schema`).

    Raises
    ------
    ValidationError
        When a newer twitchscope made the tables.
    """

    def __init__(self, engine: Engine, display: str = "the database") -> None:
        self.engine = engine
        self.schema_version_found = prepare(engine, display)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, committed at the end and rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    # --- users, sessions, tokens ------------------------------------------------------------
    def local_user(self) -> User:
        """The one user of an app without accounts (created on first use)."""
        with self.session() as s:
            row = s.scalars(select(UserRow).where(UserRow.name == LOCAL_USER)).first()
            if row is None:
                row = UserRow(name=LOCAL_USER, password_hash=None, created=utcnow(), role="person")
                s.add(row)
                s.flush()
            return _user(row)

    def count_accounts(self) -> int:
        """Number of accounts with a password."""
        with self.session() as s:
            n = s.scalar(
                select(func.count()).select_from(UserRow).where(UserRow.password_hash.is_not(None))
            )
            return int(n or 0)

    def add_user(self, name: str, password_hash: str, role: str = "person") -> User:
        """Create an account (``role``: ``person`` or ``clinician``).

        Raises
        ------
        ValidationError
            When the name is taken or the role unknown.
        """
        if role not in ROLES:
            raise ValidationError("role", f"{role!r} is not one of {', '.join(ROLES)}")
        with self.session() as s:
            if s.scalars(select(UserRow).where(UserRow.name == name)).first() is not None:
                raise ValidationError("username", "this name is taken")
            row = UserRow(name=name, password_hash=password_hash, created=utcnow(), role=role)
            s.add(row)
            s.flush()
            return _user(row)

    def users(self) -> list[User]:
        """Every account with a password, by name."""
        with self.session() as s:
            q = select(UserRow).where(UserRow.password_hash.is_not(None)).order_by(UserRow.name)
            return [_user(r) for r in s.scalars(q)]

    def user(self, user_id: int) -> User | None:
        """An account by id (None when there is none)."""
        with self.session() as s:
            row = s.get(UserRow, user_id)
            return None if row is None else _user(row)

    def set_role(self, name: str, role: str) -> User:
        """Change the role of an account.

        Raises
        ------
        ValidationError
            Unknown account or role.
        """
        if role not in ROLES:
            raise ValidationError("role", f"{role!r} is not one of {', '.join(ROLES)}")
        with self.session() as s:
            row = s.scalars(select(UserRow).where(UserRow.name == name)).first()
            if row is None or row.password_hash is None:
                raise ValidationError("username", f"no account {name!r}")
            row.role = role
            return _user(row)

    def user_credentials(self, name: str) -> tuple[User, str] | None:
        """The user and their password hash, or None when there is no such account."""
        with self.session() as s:
            row = s.scalars(select(UserRow).where(UserRow.name == name)).first()
            if row is None or row.password_hash is None:
                return None
            return _user(row), row.password_hash

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace a stored hash (re-hash with newer parameters after a sign-in)."""
        with self.session() as s:
            s.execute(
                update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
            )

    def new_session(self, user: User, hours: float) -> tuple[str, str]:
        """Start a session; return ``(cookie token, csrf token)``."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = utcnow()
        with self.session() as s:
            s.execute(delete(SessionRow).where(SessionRow.expires < now))
            s.add(
                SessionRow(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    csrf=csrf,
                    created=now,
                    expires=now + timedelta(hours=hours),
                )
            )
        return token, csrf

    def get_session(self, token: str) -> tuple[User, str] | None:
        """The user and CSRF token of a live session, or None."""
        with self.session() as s:
            row = s.get(SessionRow, token_hash(token))
            if row is None or row.expires < utcnow():
                return None
            user = s.get(UserRow, row.user_id)
            if user is None:
                return None
            return _user(user), row.csrf

    def end_session(self, token: str) -> None:
        """Sign out: forget the session."""
        with self.session() as s:
            s.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash(token)))

    def new_api_token(self, user: User, label: str = "") -> str:
        """Create an API token for ``user`` and return it (only its hash is stored)."""
        token = "tsk_" + secrets.token_urlsafe(32)
        with self.session() as s:
            s.add(
                TokenRow(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    label=label[:100],
                    created=utcnow(),
                )
            )
        return token

    def api_token_user(self, token: str) -> User | None:
        """The user of an API token, or None."""
        with self.session() as s:
            row = s.get(TokenRow, token_hash(token))
            if row is None:
                return None
            user = s.get(UserRow, row.user_id)
            return None if user is None else _user(user)

    def api_tokens(self, user: User) -> list[tuple[str, datetime]]:
        """Labels and creation times of a user's API tokens."""
        with self.session() as s:
            rows = s.scalars(select(TokenRow).where(TokenRow.user_id == user.id))
            return [(r.label, r.created) for r in rows]

    # --- answers -----------------------------------------------------------------------------
    def answers(self, user: User) -> tuple[dict[str, Any], list[str]]:
        """A person's saved answers and the ids they chose to skip."""
        with self.session() as s:
            row = s.get(AnswersRow, user.id)
            if row is None:
                return {}, []
            return dict(json.loads(row.answers)), list(json.loads(row.skipped))

    def save_answers(self, user: User, answers: dict[str, Any], skipped: Sequence[str]) -> None:
        """Replace a person's saved answers (already validated)."""
        text = json.dumps(answers, ensure_ascii=False, sort_keys=True)
        skip = json.dumps(sorted(set(skipped)))
        with self.session() as s:
            row = s.get(AnswersRow, user.id)
            if row is None:
                s.add(AnswersRow(user_id=user.id, answers=text, skipped=skip, updated=utcnow()))
            else:
                row.answers, row.skipped, row.updated = text, skip, utcnow()

    # --- recordings --------------------------------------------------------------------------
    def add_recording(self, rec_id: str, user: User, **values: Any) -> Recording:
        """Register an uploaded recording (status ``queued``)."""
        with self.session() as s:
            row = RecordingRow(id=rec_id, user_id=user.id, created=utcnow(), **values)
            s.add(row)
            s.flush()
            return _recording(row)

    def recording(self, rec_id: str) -> Recording | None:
        """A recording by id, or None."""
        with self.session() as s:
            row = s.get(RecordingRow, rec_id)
            return None if row is None else _recording(row)

    def recordings(self, user: User | None = None) -> list[Recording]:
        """Recordings, newest first (all users' when ``user`` is None)."""
        with self.session() as s:
            q = select(RecordingRow).order_by(RecordingRow.created.desc(), RecordingRow.id)
            if user is not None:
                q = q.where(RecordingRow.user_id == user.id)
            return [_recording(r) for r in s.scalars(q)]

    def set_status(self, rec_id: str, **values: Any) -> None:
        """Update a recording's status, step, progress, error or times."""
        if "status" in values and values["status"] not in RECORDING_STATUSES:
            raise ValueError(f"bad status {values['status']!r}")
        with self.session() as s:
            s.execute(update(RecordingRow).where(RecordingRow.id == rec_id).values(**values))

    def delete_recording(self, rec_id: str) -> None:
        """Forget a recording, its review and its edits (the caller removes its folder)."""
        with self.session() as s:
            s.execute(delete(EditRow).where(EditRow.recording_id == rec_id))
            s.execute(delete(ReviewMovementRow).where(ReviewMovementRow.recording_id == rec_id))
            s.execute(delete(RecordingRow).where(RecordingRow.id == rec_id))

    def unfinished_recordings(self) -> list[str]:
        """Ids of recordings queued or running (to re-queue after a restart)."""
        with self.session() as s:
            q = select(RecordingRow.id).where(RecordingRow.status.in_(("queued", "running")))
            return list(s.scalars(q.order_by(RecordingRow.created)))

    # --- review ------------------------------------------------------------------------------
    def has_review(self, rec_id: str) -> bool:
        """Whether the review table of a recording was filled."""
        with self.session() as s:
            q = select(func.count()).select_from(ReviewMovementRow)
            return bool(s.scalar(q.where(ReviewMovementRow.recording_id == rec_id)))

    def start_review(self, rec_id: str, movements: Sequence[dict[str, Any]]) -> None:
        """Fill the review table with the detected movements (once, after scoring)."""
        with self.session() as s:
            s.execute(delete(ReviewMovementRow).where(ReviewMovementRow.recording_id == rec_id))
            s.add_all(
                ReviewMovementRow(
                    recording_id=rec_id,
                    leg=m["leg"],
                    onset=float(m["onset"]),
                    duration=float(m["duration"]),
                    origin="detected",
                    rejected=False,
                    amplitude_uv=m.get("amplitude_uv"),
                )
                for m in movements
            )

    def review_movements(self, rec_id: str) -> list[ReviewMovement]:
        """Every movement under review (rejected ones too), by onset."""
        with self.session() as s:
            q = (
                select(ReviewMovementRow)
                .where(ReviewMovementRow.recording_id == rec_id)
                .order_by(ReviewMovementRow.onset, ReviewMovementRow.leg, ReviewMovementRow.id)
            )
            return [_movement(r) for r in s.scalars(q)]

    def edit_movement(
        self,
        rec_id: str,
        user: User,
        action: str,
        *,
        movement_id: int | None = None,
        leg: str | None = None,
        onset: float | None = None,
        duration: float | None = None,
    ) -> ReviewMovement:
        """Apply one review edit and log it (time and user).

        ``action`` is ``reject``, ``restore``, ``adjust`` (new onset and duration) or ``add``
        (leg, onset, duration).

        Raises
        ------
        ValidationError
            Unknown action or movement, or a leg, onset or duration that is not acceptable.
        """
        with self.session() as s:
            if action == "add":
                if leg not in LEGS or onset is None or duration is None:
                    raise ValidationError("leg", "an added movement needs leg, onset and duration")
                row = ReviewMovementRow(
                    recording_id=rec_id,
                    leg=leg,
                    onset=float(onset),
                    duration=float(duration),
                    origin="added",
                    rejected=False,
                )
                s.add(row)
                s.flush()
                before = None
            else:
                row_or_none = s.get(ReviewMovementRow, movement_id) if movement_id else None
                if row_or_none is None or row_or_none.recording_id != rec_id:
                    raise ValidationError("movement_id", f"no movement {movement_id} here")
                row = row_or_none
                before = _mv_state(row)
                if action == "reject":
                    row.rejected = True
                elif action == "restore":
                    row.rejected = False
                elif action == "adjust":
                    if onset is None or duration is None:
                        raise ValidationError(
                            "onset", "an adjusted movement needs onset and duration"
                        )
                    row.onset, row.duration = float(onset), float(duration)
                else:
                    raise ValidationError(
                        "action", f"{action!r} is not one of reject, restore, adjust, add"
                    )
            s.add(
                EditRow(
                    recording_id=rec_id,
                    movement_id=row.id,
                    at=utcnow(),
                    user_name=user.name,
                    action=action,
                    before="" if before is None else json.dumps(before),
                    after=json.dumps(_mv_state(row)),
                )
            )
            s.flush()
            return _movement(row)

    def replace_movements(
        self, rec_id: str, user: User, movements: Sequence[dict[str, Any]]
    ) -> None:
        """Replace the reviewed set with ``movements`` (the API's PUT), logged as one edit."""
        with self.session() as s:
            old = s.scalars(
                select(ReviewMovementRow).where(ReviewMovementRow.recording_id == rec_id)
            ).all()
            n_old = sum(1 for r in old if not r.rejected)
            for r in old:
                s.delete(r)
            s.add_all(
                ReviewMovementRow(
                    recording_id=rec_id,
                    leg=m["leg"],
                    onset=float(m["onset"]),
                    duration=float(m["duration"]),
                    origin="given",
                    rejected=False,
                )
                for m in movements
            )
            s.add(
                EditRow(
                    recording_id=rec_id,
                    movement_id=None,
                    at=utcnow(),
                    user_name=user.name,
                    action="replace",
                    before=json.dumps({"n_movements": n_old}),
                    after=json.dumps({"n_movements": len(movements)}),
                )
            )

    def edits(self, rec_id: str) -> list[Edit]:
        """The review edits of a recording, oldest first."""
        with self.session() as s:
            q = select(EditRow).where(EditRow.recording_id == rec_id).order_by(EditRow.id)
            return [
                Edit(
                    id=r.id,
                    movement_id=r.movement_id,
                    at=r.at,
                    user_name=r.user_name,
                    action=r.action,
                    before=json.loads(r.before) if r.before else None,
                    after=json.loads(r.after) if r.after else None,
                )
                for r in s.scalars(q)
            ]
