"""Accounts: first set-up, sign-in (rate-limited), sign-out, sign-up (when allowed), API tokens."""

from __future__ import annotations

import asyncio
import re
from typing import Final

from fastapi import APIRouter
from starlette.responses import HTMLResponse, RedirectResponse, Response

from twitchscope.errors import ValidationError
from twitchscope.web.deps import SESSION_COOKIE, Ctx, CtxDep, WebError, set_session_cookie
from twitchscope.web.routes.common import render, safe_next, see_other
from twitchscope.web.security import _DUMMY_PASSWORD

router = APIRouter()
#: The cookie holding the signed CSRF token of a sign-in or set-up form.
FORM_COOKIE: Final[str] = "ts_form"
NAME_RE: Final[re.Pattern[str]] = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD: Final[int] = 10


def check_new_account(name: str, password: str) -> None:
    """Rules for a new account's name and password.

    Raises
    ------
    ValidationError
        Naming ``username`` or ``password``.
    """
    if not NAME_RE.fullmatch(name):
        raise ValidationError("username", "2-64 letters, digits or . _ @ -")
    if name == "local":
        raise ValidationError("username", "this name is reserved")
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", f"at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise ValidationError("password", "at most 1024 characters")


def _client(ctx: Ctx) -> str:
    client = ctx.request.client
    return f"ip:{client.host if client else 'unknown'}"


def _signed_in(ctx: Ctx, user_id: int, name: str, target: str) -> Response:
    from twitchscope.web.store import User

    cookie = ctx.request.cookies.get(SESSION_COOKIE)
    if cookie:
        ctx.state.store.end_session(cookie)  # a new session id at sign-in (no fixation)
    token, _ = ctx.state.store.new_session(User(user_id, name), ctx.state.config.session_hours)
    response = see_other(safe_next(target))
    set_session_cookie(response, token, ctx.state)
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_page(ctx: CtxDep) -> Response:
    if not ctx.accounts:
        return see_other("/")
    if ctx.state.store.count_accounts() == 0:
        return see_other("/setup")
    return await _login_form(ctx, "", 200)


def _visitor_token(ctx: Ctx) -> str | None:
    """A signed CSRF token for a page shown to someone not signed in (also set as a cookie:
    the form must send back the token of the cookie beside it). None when signed in."""
    if ctx.via != "none":
        return None
    token = ctx.state.form_tokens.issue()
    ctx.csrf = token
    return token


def _with_visitor_cookie(response: Response, token: str | None, ctx: Ctx) -> Response:
    if token is not None:
        response.set_cookie(
            FORM_COOKIE,
            token,
            max_age=int(ctx.state.form_tokens.max_age_s),
            httponly=True,
            samesite="strict",
            secure=ctx.state.config.secure_cookies,
            path="/",
        )
    return response


async def _login_form(ctx: Ctx, error: str, status: int, name: str = "") -> Response:
    token = _visitor_token(ctx)
    return _with_visitor_cookie(_login_page(ctx, error, status, name), token, ctx)


def _login_page(ctx: Ctx, error: str, status: int, name: str) -> HTMLResponse:
    return render(
        ctx,
        "login.html",
        status=status,
        error=error,
        name=name,
        next=safe_next(ctx.request.query_params.get("next")),
        allow_signup=ctx.state.config.allow_signup,
    )


async def _form_session_ok(ctx: Ctx) -> None:
    """A sign-in form carries the token of the page that drew it: the signed token of its
    cookie for a visitor, the session's token for someone signed in."""
    from twitchscope.web.security import CSRF_FIELD, cross_site, same_token

    req = ctx.request
    why = cross_site(req.headers, req.headers.get("host"))
    if why:
        raise WebError(403, "origin", f"refused: {why}")
    form = await req.form()
    value = form.get(CSRF_FIELD)
    given = value if isinstance(value, str) else None
    if ctx.via == "session":
        ok = same_token(given, ctx.csrf)
    else:
        cookie = req.cookies.get(FORM_COOKIE)
        ok = cookie is not None and same_token(given, cookie)
        ok = ok and ctx.state.form_tokens.valid(given)
    if not ok:
        raise WebError(403, CSRF_FIELD, "this form has expired; reload the page")


@router.post("/login", response_class=HTMLResponse)
async def login(ctx: CtxDep) -> Response:
    if not ctx.accounts:
        return see_other("/")
    await _form_session_ok(ctx)
    form = await ctx.request.form()
    name = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")[:1024]
    keys = (_client(ctx), f"user:{name.lower()}")
    limiter = ctx.state.limiter
    wait = limiter.retry_after(*keys)
    if wait > 0:
        response = await _login_form(
            ctx, f"Too many attempts; try again in {int(wait) + 1} s.", 429, name
        )
        response.headers["retry-after"] = str(int(wait) + 1)
        return response
    found = ctx.state.store.user_credentials(name)
    hasher = ctx.state.hasher
    if found is None:
        await asyncio.to_thread(hasher.verify, _dummy_hash(ctx), password)
        ok = False
    else:
        ok = await asyncio.to_thread(hasher.verify, found[1], password)
    if not ok:
        limiter.failed(*keys)
        return await _login_form(ctx, "Wrong user name or password.", 401, name)
    limiter.succeeded(f"user:{name.lower()}")
    user, stored = found  # type: ignore[misc]
    if hasher.needs_rehash(stored):
        ctx.state.store.set_password_hash(user.id, hasher.hash(password))
    nxt = form.get("next")
    return _signed_in(ctx, user.id, user.name, nxt if isinstance(nxt, str) else "/")


_dummy: dict[str, str] = {}


def _dummy_hash(ctx: Ctx) -> str:
    if "h" not in _dummy:
        _dummy["h"] = ctx.state.hasher.hash(_DUMMY_PASSWORD)
    return _dummy["h"]


@router.post("/logout")
async def logout(ctx: CtxDep) -> Response:
    await ctx.check_unsafe()
    cookie = ctx.request.cookies.get(SESSION_COOKIE)
    if cookie:
        ctx.state.store.end_session(cookie)
    response = see_other("/login" if ctx.accounts else "/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _can_create(ctx: Ctx) -> bool:
    return ctx.accounts and (ctx.state.config.allow_signup or ctx.state.store.count_accounts() == 0)


@router.get("/setup", response_class=HTMLResponse)
@router.get("/register", response_class=HTMLResponse)
async def register_page(ctx: CtxDep) -> Response:
    if not _can_create(ctx):
        return see_other("/login" if ctx.accounts else "/")
    return await _register_form(ctx, "", 200)


async def _register_form(ctx: Ctx, error: str, status: int, name: str = "") -> Response:
    token = _visitor_token(ctx)
    first = ctx.state.store.count_accounts() == 0
    page = render(ctx, "register.html", status=status, error=error, name=name, first=first)
    return _with_visitor_cookie(page, token, ctx)


@router.post("/setup", response_class=HTMLResponse)
@router.post("/register", response_class=HTMLResponse)
async def register(ctx: CtxDep) -> Response:
    if not _can_create(ctx):
        raise WebError(403, "username", "accounts are made by the administrator here")
    await _form_session_ok(ctx)
    form = await ctx.request.form()
    name = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    # the first account (made on the set-up page) chooses its role; a sign-up is a person's
    first = ctx.state.store.count_accounts() == 0
    role = str(form.get("role") or "person") if first else "person"
    try:
        if password != str(form.get("password2") or ""):
            raise ValidationError("password2", "the two passwords differ")
        check_new_account(name, password)
        pw_hash = await asyncio.to_thread(ctx.state.hasher.hash, password)
        user = ctx.state.store.add_user(name, pw_hash, role)
    except ValidationError as exc:
        return await _register_form(ctx, str(exc), 422, name[:64])
    return _signed_in(ctx, user.id, user.name, "/")


@router.get("/account", response_class=HTMLResponse)
async def account_page(ctx: CtxDep) -> Response:
    if ctx.user is None:
        return RedirectResponse("/login?next=/account", 303)
    return render(
        ctx,
        "account.html",
        tokens=ctx.state.store.api_tokens(ctx.user),
        new_token=None,
    )


@router.post("/account/tokens", response_class=HTMLResponse)
async def account_new_token(ctx: CtxDep) -> Response:
    await ctx.check_unsafe()
    user = ctx.require_user()
    form = await ctx.request.form()
    label = str(form.get("label") or "")[:100]
    token = ctx.state.store.new_api_token(user, label)
    return render(ctx, "account.html", tokens=ctx.state.store.api_tokens(user), new_token=token)
