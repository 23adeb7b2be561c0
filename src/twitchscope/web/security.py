"""Security measures of the web app, each in one place.

- Response headers (:class:`SecurityHeaders`): a Content-Security-Policy without inline script
  (``script-src 'self'``), ``frame-ancestors 'none'``, ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy``, and ``Cache-Control: no-store`` (pages hold health data).
- Host check: only the loopback names, the configured host and ``--allowed-host`` values are
  served (a loopback app is otherwise reachable through DNS rebinding).
- Cross-site requests: an unsafe method (POST, PUT, PATCH, DELETE) whose ``Origin`` is another
  site, or whose ``Sec-Fetch-Site`` says ``cross-site``, is refused; a browser session must also
  send its CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
- Passwords: Argon2id (argon2-cffi), re-hashed when the parameters change.
- Sign-in attempts: at most N failures per client address and per user name in a window.
- Sign-in forms (:class:`FormTokens`): the CSRF token of a page shown before anyone signed in
  is signed by the server and kept in a cookie beside the form (double submit), so a visitor
  who is not signed in stores nothing on the server.
- Request bodies (:class:`BodyLimit`): at most :data:`MAX_BODY_BYTES` on every route but the
  recording uploads, which stream to disk under their own limit; a larger body is refused with
  413 before it is held in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The policy of every page: scripts and styles only from the app itself.
PAGE_CSP: Final[str] = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: The policy of a stored night report (self-contained HTML with inline styles): no script.
REPORT_CSP: Final[str] = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
#: Largest body of a form or JSON request (the diary import's 5 MiB file fits).
MAX_BODY_BYTES: Final[int] = 8 * 1024 * 1024
#: Routes whose bodies stream to disk under the upload limit instead.
STREAMED_UPLOADS: Final[frozenset[str]] = frozenset({"/recordings", "/api/recordings"})
UNSAFE_METHODS: Final[frozenset[str]] = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD: Final[str] = "csrf_token"
CSRF_HEADER: Final[str] = "x-csrf-token"


class SecurityHeaders:
    """ASGI middleware: security headers on every response, and the Host check.

    A route may set its own ``Content-Security-Policy`` (the stored report does); it is kept.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if host is not None and _host_name(host) not in self.allowed:
            await _plain(send, 400, b"unknown host name")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                headers += [(k, v) for k, v in extra if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """A request body went past :data:`MAX_BODY_BYTES`."""


class BodyLimit:
    """ASGI middleware: refuse request bodies larger than ``limit`` bytes (413).

    A declared ``Content-Length`` above the limit is refused before reading; a body sent without
    one (chunked) is counted as it arrives and cut off at the limit.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in STREAMED_UPLOADS:
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _too_large(send, self.limit)


async def _too_large(send: Send, limit: int) -> None:
    body = b'{"error": "the request is larger than %d MiB", "field": "body"}' % (limit // 1024**2)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _plain(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def cross_site(headers: Any, host: str | None) -> str | None:
    """Why a request looks cross-site, or None when it comes from the app's own pages.

    ``headers`` is a mapping of lower-case header names (Starlette's ``Headers``).
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site == "cross-site":
        return "a request from another site"
    origin = headers.get("origin")
    if origin and origin != "null" and host:
        if urlsplit(origin).netloc.lower() != host.lower():
            return "a request from another origin"
    elif origin == "null":
        return "a request from an opaque origin"
    return None


def same_token(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


class FormTokens:
    """Signed CSRF tokens for the forms of visitors who are not signed in (sign-in, set-up).

    A token is ``<issued time>.<nonce>.<HMAC-SHA256 of both>`` with a key made at start: it
    needs no row in the database, expires after ``max_age_s``, and a restart of the app makes
    the forms already shown ask for a reload.
    """

    def __init__(self, max_age_s: float = 7200.0) -> None:
        self._key = secrets.token_bytes(32)
        self.max_age_s = max_age_s

    def _sign(self, body: str) -> str:
        return hmac.new(self._key, body.encode("ascii"), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        """A new token."""
        body = f"{int(time.time())}.{secrets.token_urlsafe(16)}"
        return f"{body}.{self._sign(body)}"

    def valid(self, token: str | None) -> bool:
        """Whether ``token`` was issued here and is not too old."""
        if not token or token.count(".") != 2 or len(token) > 200:
            return False
        body, _, mac = token.rpartition(".")
        if not hmac.compare_digest(mac.encode("ascii", "replace"), self._sign(body).encode()):
            return False
        issued = body.split(".", 1)[0]
        return issued.isdigit() and 0 <= time.time() - int(issued) <= self.max_age_s


class PasswordHasher:
    """Argon2id hashing (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

    def __init__(self) -> None:
        from argon2 import PasswordHasher as _Hasher

        self._hasher = _Hasher()

    def hash(self, password: str) -> str:
        """Hash a password for storage."""
        return str(self._hasher.hash(password))

    def verify(self, stored: str, password: str) -> bool:
        """Whether ``password`` matches the stored hash (never raises for a mismatch)."""
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            return bool(self._hasher.verify(stored, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether the stored hash was made with older parameters."""
        return bool(self._hasher.check_needs_rehash(stored))


#: A hash verified when the user name is unknown, so both cases take the same time.
_DUMMY_PASSWORD: Final[str] = "not a password of anyone"


class LoginLimiter:
    """Failed sign-in attempts per key (client address, user name) in a sliding window."""

    def __init__(self, attempts: int, window_s: float) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> float:
        """Seconds to wait before another attempt (0 when allowed)."""
        now = time.monotonic()
        with self._lock:
            wait = 0.0
            for key in keys:
                q = self._recent(key, now)
                if len(q) >= self.attempts:
                    wait = max(wait, self.window_s - (now - q[0]))
            return wait

    def failed(self, *keys: str) -> None:
        """Record a failed attempt for each key."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of these keys."""
        with self._lock:
            for key in keys:
                self._fails.pop(key, None)
