"""Helpers every page uses: rendering with the shared context, redirects, form reading."""

from __future__ import annotations

import re
from typing import Any, Final

from starlette.responses import HTMLResponse, RedirectResponse

from twitchscope import __version__
from twitchscope.disclaimer import DISCLAIMER
from twitchscope.web.deps import Ctx, WebError
from twitchscope.web.forms import emergency_yes, unanswered_emergency, words
from twitchscope.web.security import CSRF_FIELD
from twitchscope.web.store import User

REC_ID: Final[re.Pattern[str]] = re.compile(r"^[0-9a-f]{32}$")
NAV: Final[tuple[tuple[str, str], ...]] = (
    ("/questions", "Questions"),
    ("/labs", "Blood tests"),
    ("/diary", "Diary"),
    ("/recordings", "Recordings"),
    ("/assessment", "Picture"),
)


def page_user(ctx: Ctx) -> User | RedirectResponse:
    """The signed-in user, or a redirect to the sign-in page."""
    if ctx.user is None:
        target = "/setup" if ctx.state.store.count_accounts() == 0 else "/login"
        nxt = ctx.request.url.path
        return RedirectResponse(f"{target}?next={nxt}" if target == "/login" else target, 303)
    return ctx.user


def render(ctx: Ctx, template: str, status: int = 200, **kw: Any) -> HTMLResponse:
    """Render a page with the shared context (user, CSRF token, navigation, emergency state)."""
    answers: dict[str, Any] = {}
    if ctx.user is not None:
        answers, _ = ctx.state.store.answers(ctx.user)
    context = {
        "user": ctx.user,
        "accounts": ctx.accounts,
        "csrf_field": CSRF_FIELD,
        "csrf": ctx.csrf,
        "nav": NAV,
        "path": ctx.request.url.path,
        "version": __version__,
        "disclaimer": DISCLAIMER,
        "emergency_yes": emergency_yes(answers),
        "emergency_unanswered": unanswered_emergency(answers),
        "words": words,
        **kw,
    }
    return HTMLResponse(ctx.state.render(template, **context), status_code=status)


def check_rec_id(rec_id: str) -> str:
    """A recording id from a URL (32 hex characters), or 404."""
    if not REC_ID.fullmatch(rec_id):
        raise WebError(404, "id", "no such recording")
    return rec_id


def see_other(url: str) -> RedirectResponse:
    """Redirect after a successful form (POST-redirect-GET)."""
    return RedirectResponse(url, status_code=303)


def safe_next(url: str | None) -> str:
    """A redirect target inside the app only (no other site, no scheme)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url
