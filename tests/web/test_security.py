"""Security measures: headers, host check, cross-site refusal, CSRF, cookies, accounts,
rate-limited sign-in, non-loopback refusal, and hostile text escaped."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from twitchscope.errors import ValidationError
from twitchscope.web.app import create_app
from twitchscope.web.config import WebConfig

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _client(config: WebConfig) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(create_app(config), base_url="http://127.0.0.1:8000")


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Any]:
    with _client(WebConfig(data_dir=tmp_path)) as c:
        yield c


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Any]:
    with _client(WebConfig(data_dir=tmp_path, accounts=True, login_attempts=3)) as c:
        yield c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def test_security_headers(local: Any) -> None:
    r = local.get("/")
    csp = r.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_pages_have_no_inline_script(local: Any) -> None:
    for path in ("/", "/questions/emergency", "/labs", "/diary", "/recordings", "/assessment"):
        html = local.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " on" + "click=" not in html and "style=" not in html, path
        # every asset from the app itself (works offline, no CDN)
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), path


def test_unknown_host_is_refused(local: Any) -> None:
    r = local.get("/", headers={"host": "evil.example"})
    assert r.status_code == 400


def test_cross_site_post_is_refused(local: Any) -> None:
    r = local.post("/api/diary/episodes", json={}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and r.json()["field"] == "origin"
    r = local.post("/api/diary/episodes", json={}, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403


def test_form_without_csrf_token_is_refused_and_kept(local: Any) -> None:
    local.get("/")  # a session cookie
    r = local.post("/questions/about_you", data={"age": "44"})
    assert r.status_code == 403
    token = csrf_of(local.get("/questions/about_you").text)
    r = local.post(
        "/questions/about_you", data={"age": "44", "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    assert 'value="44"' in local.get("/questions/about_you").text


def test_bad_answer_is_shown_again_not_lost(local: Any) -> None:
    token = csrf_of(local.get("/questions/about_you").text)
    r = local.post(
        "/questions/about_you", data={"age": "400", "sex": "female", "csrf_token": token}
    )
    assert r.status_code == 422
    assert 'value="400"' in r.text  # what was typed stays on the page
    assert 'value="female" checked' in local.get("/questions/about_you").text  # the rest saved


def test_hostile_text_is_escaped(local: Any, tmp_path: Path) -> None:
    token = csrf_of(local.get("/diary").text)
    r = local.post(
        "/diary/episodes",
        data={
            "start": "2026-11-01T22:30",
            "kind": "twitch",
            "locations": "calf",
            "note": HOSTILE,
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert r.status_code == 200
    assert HOSTILE not in r.text and "&lt;script&gt;" in r.text
    token = csrf_of(local.get("/questions/context").text)
    local.post("/questions/context", data={"medications": HOSTILE, "csrf_token": token})
    page = local.get("/questions/context").text
    assert HOSTILE not in page and "&lt;img src=x" in page
    # a hostile file name is shown escaped, and never used as a path
    files = {"recording": (HOSTILE + ".edf", b"not an edf at all" * 20, "application/octet-stream")}
    token = csrf_of(local.get("/recordings").text)
    r = local.post("/recordings", files=files, data={"csrf_token": token})
    assert r.status_code == 422
    assert "<img src=x" not in r.text and "&lt;img src=x onerror=alert(1)&gt;.edf" in r.text
    assert not list((tmp_path / "recordings").iterdir())


def test_refuses_non_loopback_without_accounts(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="accounts"):
        WebConfig(data_dir=tmp_path, host="0.0.0.0").check_listen()
    WebConfig(data_dir=tmp_path, host="0.0.0.0", accounts=True).check_listen()
    WebConfig(data_dir=tmp_path, host="127.0.0.2").check_listen()


def _setup(client: Any, name: str = "clinician", password: str = "correct horse battery") -> None:
    page = client.get("/setup")
    r = client.post(
        "/setup",
        data={
            "username": name,
            "password": password,
            "password2": password,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_accounts_sign_in_tokens_and_rate_limit(accounts: Any) -> None:
    assert accounts.get("/", follow_redirects=False).headers["location"] == "/setup"
    assert accounts.get("/api/diary/episodes").status_code == 401
    _setup(accounts)
    assert accounts.get("/").status_code == 200
    token = csrf_of(accounts.get("/account").text)
    made = accounts.post("/api/tokens", json={"label": "checks"}, headers={"x-csrf-token": token})
    assert made.status_code == 201
    api_token = made.json()["token"]
    accounts.post("/logout", data={"csrf_token": token})
    assert accounts.get("/api/diary/episodes").status_code == 401
    r = accounts.get("/api/diary/episodes", headers={"authorization": f"Bearer {api_token}"})
    assert r.status_code == 200
    assert (
        accounts.get("/api/diary/episodes", headers={"authorization": "Bearer nope"}).status_code
        == 401
    )
    # wrong passwords: refused, then rate-limited even with the right one
    for _ in range(3):
        page = accounts.get("/login")
        r = accounts.post(
            "/login",
            data={
                "username": "clinician",
                "password": "wrong password!",
                "csrf_token": csrf_of(page.text),
            },
        )
        assert r.status_code == 401
    page = accounts.get("/login")
    r = accounts.post(
        "/login",
        data={
            "username": "clinician",
            "password": "correct horse battery",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert r.status_code == 429 and "retry-after" in r.headers


def test_accounts_keep_people_apart(accounts: Any, tmp_path: Path) -> None:
    _setup(accounts, "first", "first password 123")
    token = csrf_of(accounts.get("/diary").text)
    accounts.post(
        "/diary/episodes",
        data={
            "start": "2026-11-01T22:30",
            "kind": "jerk",
            "locations": "calf",
            "note": "first's note",
            "csrf_token": token,
        },
    )
    assert "first&#39;s note" in accounts.get("/diary").text
    stored = next((tmp_path / "people").glob("*/diary.sqlite"))
    assert stored.stat().st_size > 0


def test_password_hashes_are_argon2(tmp_path: Path) -> None:
    from twitchscope.web.security import PasswordHasher

    h = PasswordHasher()
    stored = h.hash("a long password")
    assert stored.startswith("$argon2id$") and h.verify(stored, "a long password")
    assert not h.verify(stored, "another one")


def test_hostile_annotation_labels_are_escaped(local: Any, tmp_path: Path) -> None:
    from twitchscope.simulate import simulate_night

    files = simulate_night("healthy", 1, duration_h=0.1, leg_fs=256).write(tmp_path / "n.edf")
    events = tmp_path / "events.csv"
    events.write_text(f"onset,duration,kind,label\n10,12,apnea,{HOSTILE.replace(',', ' ')}\n")
    token = csrf_of(local.get("/recordings").text)
    r = local.post(
        "/api/recordings",
        files={
            "recording": ("n.edf", files.recording.read_bytes(), "application/octet-stream"),
            "events": (HOSTILE + ".csv", events.read_bytes(), "text/csv"),
        },
        headers={"x-csrf-token": token},
    )
    assert r.status_code == 202, r.text
    rec_id = r.json()["id"]
    for _ in range(600):
        if local.get(f"/api/recordings/{rec_id}").json()["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    page = local.get(f"/recordings/{rec_id}").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.csv" in page
