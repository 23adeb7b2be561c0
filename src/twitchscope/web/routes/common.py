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
#: A clinician's pages: the people, and every person's nights to review.
CLINICIAN_NAV: Final[tuple[tuple[str, str], ...]] = (
    ("/people", "People"),
    ("/recordings", "Nights"),
)


def not_known(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """What the picture does not know yet, as ``(text, link)`` for the line on every page.

    The questions counted are those the assessment names as able to change the picture (an
    unanswered emergency question has its own banner); blood results when none were entered.
    """
    from twitchscope.clinical import assess
    from twitchscope.errors import TwitchscopeError
    from twitchscope.web.forms import usable_answers

    out: list[tuple[str, str]] = []
    try:
        unknowns = [u for u in assess(usable_answers(answers)).unknowns if not u.get("emergency")]
    except TwitchscopeError:
        unknowns = []
    if unknowns:
        n = len(unknowns)
        out.append(
            (
                f"{n} unanswered question{'s' if n != 1 else ''} could change the picture",
                "/assessment#unknowns",
            )
        )
    if not answers.get("labs"):
        out.append(("no blood results entered", "/labs"))
    return out


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
    user = ctx.user
    # a clinician's own answers are not what their pages are about: no banners about them
    person = user is not None and not user.is_clinician
    if person and user is not None:
        answers, _ = ctx.state.store.answers(user)
    context = {
        "user": user,
        "accounts": ctx.accounts,
        "csrf_field": CSRF_FIELD,
        "csrf": ctx.csrf,
        "nav": (CLINICIAN_NAV if user is not None and user.is_clinician else NAV)
        if user is not None
        else (),
        "path": ctx.request.url.path,
        "version": __version__,
        "disclaimer": DISCLAIMER,
        "emergency_yes": emergency_yes(answers),
        "emergency_unanswered": unanswered_emergency(answers) if person else [],
        "not_known": not_known(answers) if person else [],
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
