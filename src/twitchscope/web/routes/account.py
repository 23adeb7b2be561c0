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
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_page(ctx: CtxDep) -> Response:
    if not ctx.accounts:
        return see_other("/")
    if ctx.state.store.count_accounts() == 0:
        return see_other("/setup")
    return await _login_form(ctx, "", 200)


async def _login_form(ctx: Ctx, error: str, status: int, name: str = "") -> HTMLResponse:
    # A page without a session still needs a CSRF token: an anonymous session carries it.
    if ctx.via == "none":
        from twitchscope.web.store import User

        anon = ctx.state.store.local_user()
        token, csrf = ctx.state.store.new_session(User(anon.id, "anonymous"), 0.5)
        ctx.csrf = csrf
        ctx.request.state.set_session = token
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
    """Sign-in forms carry the CSRF token of the anonymous session that drew them."""
    from twitchscope.web.security import CSRF_FIELD, cross_site, same_token

    req = ctx.request
    why = cross_site(req.headers, req.headers.get("host"))
    if why:
        raise WebError(403, "origin", f"refused: {why}")
    cookie = req.cookies.get(SESSION_COOKIE)
    found = ctx.state.store.get_session(cookie) if cookie else None
    form = await req.form()
    given = form.get(CSRF_FIELD)
    if found is None or not same_token(given if isinstance(given, str) else None, found[1]):
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


async def _register_form(ctx: Ctx, error: str, status: int, name: str = "") -> HTMLResponse:
    if ctx.via == "none":
        from twitchscope.web.store import User

        anon = ctx.state.store.local_user()
        token, csrf = ctx.state.store.new_session(User(anon.id, "anonymous"), 0.5)
        ctx.csrf = csrf
        ctx.request.state.set_session = token
    first = ctx.state.store.count_accounts() == 0
    return render(ctx, "register.html", status=status, error=error, name=name, first=first)


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
