"""Build the FastAPI application: stores, worker, templates, security, routes, errors."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles

from twitchscope import __version__
from twitchscope.errors import TwitchscopeError, ValidationError
from twitchscope.web.config import WebConfig
from twitchscope.web.deps import WebError, set_session_cookie
from twitchscope.web.security import BodyLimit, LoginLimiter, PasswordHasher, SecurityHeaders
from twitchscope.web.state import AppState

log = logging.getLogger("twitchscope.web")


def _templates() -> Any:
    """The page templates: the app's own first, then the report templates (their macros)."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

    from twitchscope.report.templating import install_helpers, template_loader

    folder = resources.files("twitchscope.web").joinpath("templates")
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)), template_loader()]),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return install_helpers(env)


def build_state(config: WebConfig) -> AppState:
    """Open the databases, create the tables, and make the worker (not yet started)."""
    from twitchscope.clinical.diary import DiaryStore
    from twitchscope.web.store import WebStore
    from twitchscope.web.worker import Worker

    config.data_dir.mkdir(parents=True, exist_ok=True)
    config.recordings_dir.mkdir(parents=True, exist_ok=True)
    diary = DiaryStore(config.database)
    try:
        store = WebStore(diary.engine, diary.display)
    except BaseException:
        diary.close()
        raise
    return AppState(
        config=config,
        main_diary=diary,
        store=store,
        worker=Worker(store, config.recordings_dir, config.workers),
        templates=_templates(),
        hasher=PasswordHasher(),
        limiter=LoginLimiter(config.login_attempts, config.login_window_s),
    )


def create_app(config: WebConfig, *, state: AppState | None = None) -> FastAPI:
    """The web application for ``config`` (see :mod:`twitchscope.web`)."""
    st = state or build_state(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        n = st.worker.resume()
        if n:
            log.info("re-queued %d recording(s) left unfinished", n)
        if config.demo:
            from twitchscope.web.demo import load_demo

            load_demo(st)
        try:
            yield
        finally:
            st.close()

    app = FastAPI(
        title="twitchscope",
        version=__version__,
        docs_url=None,  # the interactive docs load scripts from a CDN; the app is offline
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.ts = st

    from twitchscope.web.routes import account, api, diary, people, person, picture, recordings

    for module in (person, picture, diary, recordings, api, account, people):
        app.include_router(module.router)
    static = resources.files("twitchscope.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    # inside the cookie middleware, so a body cut off at the limit reaches it as a plain
    # exception (the cookie middleware runs the app in a task group)
    app.add_middleware(BodyLimit)

    @app.middleware("http")
    async def session_cookie(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        token = getattr(request.state, "set_session", None)
        if token:
            set_session_cookie(response, token, st)
        if request.url.path.startswith("/static/"):
            response.headers["cache-control"] = "public, max-age=3600"
        return response

    _errors(app)
    app.add_middleware(SecurityHeaders, allowed_hosts=config.host_names())
    return app


def _wants_json(request: Request) -> bool:
    return (
        request.url.path.startswith("/api/")
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


def _error_response(request: Request, status: int, field: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "field": field}, status_code=status)
    st: AppState = request.app.state.ts
    from twitchscope.disclaimer import DISCLAIMER
    from twitchscope.web.routes.common import NAV

    html = st.render(
        "error.html",
        status=status,
        field=field,
        message=message,
        user=None,
        accounts=False,
        nav=NAV,
        path=request.url.path,
        version=__version__,
        disclaimer=DISCLAIMER,
        emergency_yes=[],
        emergency_unanswered=[],
        not_known=[],
        csrf="",
        csrf_field="csrf_token",
        words=lambda s: s,
    )
    return HTMLResponse(html, status_code=status)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        response = _error_response(request, exc.status, exc.field, exc.message)
        if exc.status == 401 and not _wants_json(request):
            response.status_code = 303
            response.headers["location"] = f"/login?next={request.url.path}"
        return response

    @app.exception_handler(ValidationError)
    async def validation_error(request: Request, exc: ValidationError) -> Response:
        return _error_response(request, 422, exc.field, exc.problem)

    @app.exception_handler(TwitchscopeError)
    async def input_error(request: Request, exc: TwitchscopeError) -> Response:
        return _error_response(request, 422, "input", str(exc))

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        return _error_response(
            request, 422, ".".join(loc) or "request", str(first.get("msg", "bad request"))
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        field = "path" if exc.status_code == 404 else "request"
        return _error_response(request, exc.status_code, field, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return _error_response(
            request,
            500,
            "server",
            "internal error; nothing you entered was lost: go back and send it again",
        )
