"""Who is asking, and may they: request context, CSRF checks and the app's error type."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends
from starlette.requests import Request

from twitchscope.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    UNSAFE_METHODS,
    cross_site,
    same_token,
)
from twitchscope.web.state import AppState
from twitchscope.web.store import LOCAL_USER, User

SESSION_COOKIE: Final[str] = "ts_session"


class WebError(Exception):
    """A request the app refuses: HTTP status, the field concerned and a message for people."""

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message


@dataclass
class Ctx:
    """The request, the app state, the user (None when not signed in) and the CSRF token."""

    request: Request
    state: AppState
    user: User | None
    csrf: str
    via: str  # "session", "token", "local" (no cookie, no accounts) or "none"

    @property
    def accounts(self) -> bool:
        """Whether the app runs with accounts."""
        return self.state.config.accounts

    def require_user(self) -> User:
        """The user, or a 401 error."""
        if self.user is None:
            raise WebError(401, "authorization", "sign in first (or send an API token)")
        return self.user

    async def check_unsafe(self, form_token: str | None = None) -> None:
        """Refuse a state-changing request from another site or without its CSRF token.

        Raises
        ------
        WebError
            403 for a cross-site request or a missing/wrong CSRF token; 401 when not signed in.
        """
        req = self.request
        if req.method not in UNSAFE_METHODS or self.via == "token":
            return
        why = cross_site(req.headers, req.headers.get("host"))
        if why:
            raise WebError(403, "origin", f"refused: {why}")
        if self.via == "session":
            given = req.headers.get(CSRF_HEADER) or form_token
            if given is None and _is_form(req):
                form = await req.form()
                value = form.get(CSRF_FIELD)
                given = value if isinstance(value, str) else None
            if not same_token(given, self.csrf):
                raise WebError(
                    403,
                    CSRF_FIELD,
                    "this form has expired or did not come from this app; reload the page and "
                    "send it again (what you entered is kept in the page)",
                )
            return
        if self.via == "local" and req.url.path.startswith("/api/"):
            return
        self.require_user()
        raise WebError(403, CSRF_FIELD, "send the form from the app's own page")


def _is_form(req: Request) -> bool:
    ctype = req.headers.get("content-type", "")
    return ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def app_state(request: Request) -> AppState:
    """The app's shared state."""
    state: AppState = request.app.state.ts
    return state


async def get_ctx(request: Request) -> AsyncIterator[Ctx]:
    """The request's context; afterwards, close the uploaded files of any form it parsed.

    Starlette keeps a parsed form (and its spooled upload files) on the request and leaves
    closing it to whoever parsed it; the routes and the CSRF check parse forms themselves.
    """
    try:
        yield _resolve_ctx(request)
    finally:
        await request.close()


def _resolve_ctx(request: Request) -> Ctx:
    """Resolve the user of a request (API token, session cookie, or the local user)."""
    state = app_state(request)
    store = state.store
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        user = store.api_token_user(auth[7:].strip())
        if user is None:
            raise WebError(401, "authorization", "unknown API token")
        return Ctx(request, state, user, "", "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = store.get_session(cookie)
        if found is not None and not (state.config.accounts and found[0].name == LOCAL_USER):
            return Ctx(request, state, found[0], found[1], "session")
    if state.config.accounts:
        return Ctx(request, state, None, "", "none")
    user = store.local_user()
    if request.method == "GET" and not request.url.path.startswith(("/api/", "/static/")):
        token, csrf = store.new_session(user, state.config.session_hours)
        request.state.set_session = token
        return Ctx(request, state, user, csrf, "session")
    return Ctx(request, state, user, "", "local")


def set_session_cookie(response: Any, token: str, state: AppState) -> None:
    """Set the session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(state.config.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=state.config.secure_cookies,
        path="/",
    )


#: The request context as a route parameter: ``ctx: CtxDep``.
CtxDep = Annotated[Ctx, Depends(get_ctx)]
