"""Accounts with roles: a person sees only their own data; a clinician sees every person's
pictures and nights, reviews them under their own name, and cannot delete them."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from twitchscope.web.app import create_app
from twitchscope.web.config import WebConfig

from .conftest import Night

PASSWORD = "a long enough password"


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]*)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def sign_in(client: Any, name: str, password: str = PASSWORD) -> str:
    """Sign in as ``name`` (after signing out); return the session's CSRF token."""
    client.cookies.clear()
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/").text)


def sign_up(client: Any, name: str, **extra: str) -> None:
    client.cookies.clear()
    page = client.get("/register" if "first" not in extra else "/setup")
    data = {
        "username": name,
        "password": PASSWORD,
        "password2": PASSWORD,
        "csrf_token": csrf_of(page.text),
        **{k: v for k, v in extra.items() if k != "first"},
    }
    r = client.post("/setup" if "first" in extra else "/register", data=data)
    assert r.status_code in (200, 303), r.text


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, night: Night) -> Iterator[Any]:
    """doc (clinician, the first account), anna with one scored night, bob with nothing."""
    from fastapi.testclient import TestClient

    data = tmp_path_factory.mktemp("roles")
    config = WebConfig(data_dir=data, accounts=True, allow_signup=True, login_attempts=50)
    with TestClient(create_app(config), base_url="http://127.0.0.1:8000") as c:
        sign_up(c, "doc", first="1", role="clinician")
        sign_up(c, "anna", role="clinician")  # a sign-up cannot choose to be a clinician
        sign_up(c, "bob")
        token = sign_in(c, "anna")
        files = {"recording": ("anna's night.edf", night.edf.read_bytes(), "application/edf")}
        r = c.post("/api/recordings", files=files, headers={"x-csrf-token": token})
        assert r.status_code == 202, r.text
        rec_id = r.json()["id"]
        deadline = time.monotonic() + 120
        while c.get(f"/api/recordings/{rec_id}").json()["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        c.post(
            "/diary/episodes",
            data={
                "start": "2026-11-01T22:30",
                "kind": "jerk",
                "locations": "calf",
                "note": "anna's note <img src=x onerror=alert(1)>",
                "csrf_token": token,
            },
        )
        c.rec_id = rec_id  # type: ignore[attr-defined]
        yield c


def test_roles_of_the_accounts(app: Any) -> None:
    store = app.app.state.ts.store
    roles = {u.name: u.role for u in store.users()}
    assert roles == {"doc": "clinician", "anna": "person", "bob": "person"}


def test_a_person_sees_only_their_own(app: Any) -> None:
    rec = app.rec_id
    sign_in(app, "bob")
    for path in (
        f"/recordings/{rec}",
        f"/recordings/{rec}/review",
        f"/recordings/{rec}/report",
        f"/recordings/{rec}/files/summary.json",
        f"/recordings/{rec}/review/export.csv",
        f"/api/recordings/{rec}",
        f"/api/recordings/{rec}/movements",
        f"/api/recordings/{rec}/overview",
        f"/api/recordings/{rec}/signal?channels=0",
    ):
        assert app.get(path, headers={"accept": "application/json"}).status_code == 404, path
    assert app.get("/api/recordings").json() == []
    assert "anna" not in app.get("/recordings").text
    assert "anna&#39;s note" not in app.get("/diary").text
    for path in ("/people", "/people/2", "/people/2/report.pdf"):
        r = app.get(path, headers={"accept": "application/json"})
        assert r.status_code == 403 and r.json()["field"] == "role", path


def test_a_clinician_sees_and_reviews_every_night(app: Any) -> None:
    rec = app.rec_id
    token = sign_in(app, "doc")
    home = app.get("/recordings").text
    assert "Every person&#39;s nights" in home and "anna&#39;s night.edf" in home
    assert '<a href="/people"' in home  # the clinician's navigation
    listed = app.get("/api/recordings").json()
    assert [(r["id"], r["owner"]) for r in listed] == [(rec, "anna")]
    night = app.get(f"/recordings/{rec}").text
    assert "The night of <strong>anna</strong>" in night
    assert "Delete this night" not in night and "Use in my picture" not in night
    people = app.get("/people").text
    table = people.split("<table")[1]
    assert "anna" in table and "bob" in table and ">doc<" not in table
    anna_id = next(u.id for u in app.app.state.ts.store.users() if u.name == "anna")
    picture = app.get(f"/people/{anna_id}").text
    assert "The picture of anna" in picture and "anna&#39;s night.edf" in picture
    assert 'href="/questions' not in picture.split("<main")[1]  # read-only: no "answer them"
    # what the person wrote reaches the clinician as text, never as markup
    assert "anna&#39;s note &lt;img src=x onerror=alert(1)&gt;" in picture
    assert "<img src=x" not in picture
    # a review edit is stored under the clinician's name
    mv = app.get(f"/api/recordings/{rec}/review").json()["movements"][0]
    r = app.post(
        f"/api/recordings/{rec}/review/edits",
        json={"action": "reject", "id": mv["id"]},
        headers={"x-csrf-token": token},
    )
    assert r.status_code == 200, r.text
    assert app.app.state.ts.store.edits(rec)[-1].user_name == "doc"
    # but the night stays anna's: the clinician cannot delete it
    r = app.delete(f"/api/recordings/{rec}", headers={"x-csrf-token": token})
    assert r.status_code == 404
    r = app.post(f"/recordings/{rec}/delete", data={"csrf_token": token})
    assert r.status_code == 404
    assert app.app.state.ts.store.recording(rec) is not None


def test_the_person_sees_the_clinicians_edit(app: Any) -> None:
    sign_in(app, "anna")
    page = app.get(f"/recordings/{app.rec_id}/review").text
    assert "· doc · reject" in page
