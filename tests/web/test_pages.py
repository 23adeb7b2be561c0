"""Server-rendered pages without a browser: the question pages follow the data file, and the
diary's day factors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from twitchscope.clinical.questions import QUESTIONS
from twitchscope.web.app import create_app
from twitchscope.web.config import WebConfig
from twitchscope.web.forms import question_pages, usable_answers


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(create_app(WebConfig(data_dir=tmp_path)), base_url="http://127.0.0.1") as c:
        yield c


def csrf(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m
    return m.group(1)


def test_every_question_of_the_data_file_is_on_a_page(client: Any) -> None:
    shown = set()
    for page in question_pages():
        html = client.get(f"/questions/{page.id}").text
        shown |= set(re.findall(r'id="q-([a-z_0-9]+)"', html))
    wanted = {q.id for q in QUESTIONS if q.kind != "labs"}
    assert shown == wanted
    assert question_pages()[0].is_emergency  # emergency questions first


def test_resume_goes_to_the_first_open_page(client: Any) -> None:
    first = question_pages()[0]
    data = {q.id: "no" for q in first.questions}
    data["csrf_token"] = csrf(client.get(f"/questions/{first.id}").text)
    client.post(f"/questions/{first.id}", data=data)
    r = client.get("/questions", follow_redirects=False)
    assert r.headers["location"] == f"/questions/{question_pages()[1].id}"


def test_answers_of_an_older_question_set_do_not_block(client: Any) -> None:
    assert usable_answers({"age": 40, "retired_question": True, "sex": "dragon"}) == {"age": 40}


def test_day_factors_add_list_delete(client: Any) -> None:
    token = csrf(client.get("/diary").text)
    r = client.post(
        "/diary/days",
        data={
            "date": "2026-11-03",
            "caffeine_cups": "3",
            "stress": "6",
            "medications": "ibuprofen",
            "csrf_token": token,
        },
    )
    assert r.status_code == 200
    html = client.get("/diary").text
    assert 'id="day-2026-11-03"' in html and "ibuprofen" in html
    r = client.post("/diary/days", data={"date": "2026-11-04", "stress": "12", "csrf_token": token})
    assert r.status_code == 422 and "stress" in r.text and 'value="12"' in r.text
    client.post("/diary/days/2026-11-03/delete", data={"csrf_token": token})
    assert 'id="day-2026-11-03"' not in client.get("/diary").text
    assert (
        client.post("/diary/days/not-a-day/delete", data={"csrf_token": token}).status_code == 404
    )
