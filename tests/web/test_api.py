"""The JSON API of the web app, through FastAPI's test client (a real app, a real SQLite file)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from twitchscope.web.app import create_app
from twitchscope.web.config import WebConfig

from .conftest import Night


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    data = tmp_path_factory.mktemp("apidata")
    config = WebConfig(data_dir=data, allowed_hosts=("testserver",), max_upload_bytes=40 * 1024**2)
    with TestClient(create_app(config)) as c:
        c.data_dir = data  # type: ignore[attr-defined]
        yield c


def wait_done(client: Any, rec_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/recordings/{rec_id}").json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise TimeoutError(rec_id)


def upload(client: Any, path: Path, **extra: Path) -> Any:
    files = {"recording": (path.name, path.read_bytes(), "application/octet-stream")}
    for name, p in extra.items():
        files[name] = (p.name, p.read_bytes(), "text/csv")
    return client.post("/api/recordings", files=files)


def test_assessment_returns_the_contract(client: Any) -> None:
    r = client.post(
        "/api/assessments",
        json={"age": 40, "kind": ["twitch"], "labs": {"ferritin": {"value": 20, "unit": "ng/mL"}}},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["triage"] in ("emergency", "urgent", "see_doctor", "self_care")
    assert "iron_deficiency" in {f["id"] for f in body["findings"]}
    assert body["unanswered_emergency_questions"]  # unanswered is never "no"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"agee": 40}, "agee"),
        ({"age": "forty"}, "age"),
        ({"labs": {"ferritin": {"value": 20, "unit": "furlongs"}}}, "labs.ferritin"),
        ([1, 2], "answers"),
    ],
)
def test_assessment_errors_name_the_field(client: Any, body: Any, field: str) -> None:
    r = client.post("/api/assessments", json=body)
    assert r.status_code == 422
    assert r.json()["field"].startswith(field), r.json()
    assert r.json()["error"]


def test_bad_json_is_a_422(client: Any) -> None:
    r = client.post(
        "/api/assessments", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["field"] == "body"


def test_diary_episodes_round_trip(client: Any) -> None:
    episode = {
        "start": "2026-11-01T22:30:00",
        "duration_s": 20,
        "locations": ["calf", "thigh"],
        "side": "left",
        "kind": "twitch",
        "intensity": 4,
        "context": "resting",
        "note": "<b>after coffee</b>",
    }
    r = client.post("/api/diary/episodes", json=episode)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["id"] >= 1 and created["locations"] == ["calf", "thigh"]
    listed = client.get("/api/diary/episodes").json()
    assert any(e["id"] == created["id"] and e["note"] == "<b>after coffee</b>" for e in listed)
    bad = client.post("/api/diary/episodes", json={**episode, "intensity": 11})
    assert bad.status_code == 422 and bad.json()["field"] == "intensity"
    bad = client.post("/api/diary/episodes", json={**episode, "locations": "calf"})
    assert bad.status_code == 422 and bad.json()["field"] == "locations"


def test_upload_score_review_put(client: Any, night: Night) -> None:
    r = upload(client, night.edf, hypnogram=night.hypnogram)
    assert r.status_code == 202, r.text
    rec_id = r.json()["id"]
    body = wait_done(client, rec_id)
    assert body["status"] == "done", body
    summary = body["summary"]
    assert summary["plms_index"] is not None and summary["channels"]["left"]
    movements = client.get(f"/api/recordings/{rec_id}/movements").json()
    assert movements and set(movements[0]) == {"leg", "onset", "duration"}
    # Keep every second movement: the PLMS count must fall.
    put = client.put(f"/api/recordings/{rec_id}/movements", json=movements[::2])
    assert put.status_code == 200, put.text
    assert put.json()["plms_count"] < summary["plms_count"]
    assert put.json()["mode"] == "reference"
    again = client.get(f"/api/recordings/{rec_id}/movements").json()
    assert len(again) == len(movements[::2])
    bad = client.put(
        f"/api/recordings/{rec_id}/movements", json=[{"leg": "middle", "onset": 1, "duration": 1}]
    )
    assert bad.status_code == 422 and bad.json()["field"] == "movements[0].leg"
    bad = client.put(
        f"/api/recordings/{rec_id}/movements", json=[{"leg": "left", "onset": 1e9, "duration": 1}]
    )
    assert bad.status_code == 422 and bad.json()["field"] == "movements[0].onset"
    # The viewer's window: native rate for 30 s, min/max pairs for 5 min.
    ov = client.get(f"/api/recordings/{rec_id}/overview").json()
    left = ov["legs"]["left"]
    raw = client.get(f"/api/recordings/{rec_id}/signal?channels={left}&start=60&duration=30").json()
    assert raw["traces"][0]["mode"] == "raw" and raw["traces"][0]["n"] == 30 * 256
    zoomed = client.get(
        f"/api/recordings/{rec_id}/signal?channels={left}&start=0&duration=300&max_points=2000"
    ).json()
    assert zoomed["traces"][0]["mode"] == "minmax" and zoomed["traces"][0]["n"] <= 2000


def test_unknown_recording_is_404(client: Any) -> None:
    assert client.get("/api/recordings/" + "0" * 32).status_code == 404
    assert client.get("/api/recordings/../../etc").status_code == 404


def test_corrupt_recording_gets_the_cli_message(client: Any, night: Night, tmp_path: Path) -> None:
    from twitchscope.errors import InputFileError
    from twitchscope.io import open_recording

    truncated = tmp_path / "cut.edf"
    truncated.write_bytes(night.edf.read_bytes()[:3000])
    with pytest.raises(InputFileError) as cli:
        open_recording(truncated)
    before = set((client.data_dir / "recordings").iterdir())  # type: ignore[attr-defined]
    r = upload(client, truncated)
    assert r.status_code == 422
    assert r.json()["error"] == f"cut.edf: {cli.value.problem}"
    after = set((client.data_dir / "recordings").iterdir())  # type: ignore[attr-defined]
    assert after == before  # nothing kept


def test_not_an_edf_is_refused_before_storing(client: Any, tmp_path: Path) -> None:
    fake = tmp_path / "notes.edf"
    fake.write_bytes(b"PK\x03\x04 this is a zip file" * 50)
    r = upload(client, fake)
    assert r.status_code == 422 and r.json()["field"] == "recording"
    assert "not an EDF or BDF" in r.json()["error"]


def test_upload_size_limit(tmp_path: Path, night: Night) -> None:
    from fastapi.testclient import TestClient

    config = WebConfig(data_dir=tmp_path, allowed_hosts=("testserver",), max_upload_bytes=64 * 1024)
    with TestClient(create_app(config)) as c:
        r = upload(c, night.edf)
        assert r.status_code == 413 and r.json()["field"] == "recording"
        assert not any((tmp_path / "recordings").iterdir())


def test_delete_recording(client: Any, night: Night) -> None:
    rec_id = upload(client, night.edf).json()["id"]
    assert wait_done(client, rec_id)["status"] == "done"
    folder = client.data_dir / "recordings" / rec_id  # type: ignore[attr-defined]
    assert folder.is_dir()
    assert client.delete(f"/api/recordings/{rec_id}").status_code == 204
    assert client.get(f"/api/recordings/{rec_id}").status_code == 404
    assert not folder.exists()


def test_integer_coded_hypnogram_with_stage_codes(
    client: Any, night: Night, tmp_path: Path
) -> None:
    import pandas as pd

    stages = pd.read_csv(night.hypnogram)["stage"]
    codes = {"W": 0, "N1": 1, "N2": 2, "N3": 3, "R": 5}
    coded = tmp_path / "hyp_codes.csv"
    coded.write_text("stage\n" + "".join(f"{codes[s]}\n" for s in stages))
    files = {
        "recording": (night.edf.name, night.edf.read_bytes(), "application/octet-stream"),
        "hypnogram": (coded.name, coded.read_bytes(), "text/csv"),
    }
    failed = client.post("/api/recordings", files=files)
    assert failed.status_code == 202
    body = wait_done(client, failed.json()["id"])
    assert body["status"] == "failed" and "integer codes" in body["error"]
    assert "hyp_codes.csv" in body["error"] and str(client.data_dir) not in body["error"]  # type: ignore[attr-defined]
    bad = client.post("/api/recordings", files=files, data={"stage_codes": "zero=W"})
    assert bad.status_code == 422 and bad.json()["field"] == "stage_codes"
    ok = client.post("/api/recordings", files=files, data={"stage_codes": "0=W,1=N1,2=N2,3=N3,5=R"})
    assert ok.status_code == 202
    done = wait_done(client, ok.json()["id"])
    assert done["status"] == "done", done
    assert done["summary"]["total_sleep_time_h"] > 0
