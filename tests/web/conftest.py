"""Fixtures of the web tests: one small simulated night, one live server and one browser per
session (Debian's chromium driven by Playwright; no browser is downloaded)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from twitchscope.web.app import build_state, create_app
from twitchscope.web.config import WebConfig
from twitchscope.web.state import AppState


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Starlette suggests another HTTP client for its test client; httpx is the one here."""
    for item in items:
        if "tests/web" in str(item.fspath):
            item.add_marker(
                pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
            )


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass
class Night:
    """A short simulated night written as EDF+, with its truth files."""

    edf: Path
    hypnogram: Path
    folder: Path


@pytest.fixture(scope="session")
def night(tmp_path_factory: pytest.TempPathFactory) -> Night:
    from twitchscope.simulate import simulate_night

    folder = tmp_path_factory.mktemp("night")
    files = simulate_night("rls", 3, duration_h=0.25, leg_fs=256).write(folder / "night.edf")
    return Night(files.recording, files.truth_hypnogram, folder)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A running app: its base URL and its state (to reset the person between tests)."""

    url: str
    state: AppState
    data: Path

    def reset_person(self) -> None:
        """Forget the local person's answers and diary (tests share one server)."""
        store = self.state.store
        user = store.local_user()
        store.save_answers(user, {}, [])
        diary = self.state.diary(user)
        for episode_id, _ in diary.episodes():
            diary.delete_episode(episode_id)
        for day in diary.days():
            diary.delete_day(day.date)

    def wait_done(self, rec_id: str, timeout: float = 120.0) -> str:
        """Wait for a recording's scoring to finish; return its status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rec = self.state.store.recording(rec_id)
            if rec is not None and rec.status in ("done", "failed"):
                return rec.status
            time.sleep(0.1)
        raise TimeoutError(rec_id)


def start_server(
    config: WebConfig, sock: socket.socket | None = None
) -> tuple[Any, threading.Thread, AppState]:
    """Serve the app from a thread; on ``sock`` (already bound to ``config.port``) when given."""
    import uvicorn

    state = build_state(config)
    app = create_app(config, state=state)
    server = uvicorn.Server(
        uvicorn.Config(app, host=config.host, port=config.port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock] if sock else None}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return server, thread, state


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("webdata")
    # The server gets the socket bound here: a port found free and bound later could be taken
    # in between by another test run on the same machine.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = WebConfig(data_dir=data, port=port, max_upload_bytes=50 * 1024 * 1024)
    server, thread, state = start_server(config, sock)
    yield LiveServer(f"http://127.0.0.1:{port}", state, data)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(
                f"{CHROMIUM} is missing: scripts/setup_system.sh installs Debian's chromium"
            )
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup_system.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests save their screenshots."""
    folder = (
        Path(os.environ.get("TWITCHSCOPE_SCREENSHOTS", ""))
        if os.environ.get("TWITCHSCOPE_SCREENSHOTS")
        else tmp_path_factory.mktemp("screenshots")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser: Any, live: LiveServer) -> Iterator[Any]:
    live.reset_person()
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
    assert not [e for e in errors if "status of 4" not in e], errors


def assert_not_blank(path: Path) -> None:
    """A screenshot shows something: several distinct colours and visible contrast."""
    import matplotlib.image as mpimg
    import numpy as np

    img = mpimg.imread(str(path))
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100, img.shape
    grey = img[..., :3].mean(axis=2)
    assert float(grey.std()) > 0.05, f"{path} looks blank"
    assert len(np.unique((grey * 255).astype(np.uint8))) > 20, f"{path} has too few shades"


@pytest.fixture(scope="session")
def scored(live: LiveServer, night: Night) -> str:
    """The id of the test night, uploaded through the API and scored (shared by page tests)."""
    import httpx

    with night.edf.open("rb") as fh:
        r = httpx.post(
            live.url + "/api/recordings",
            files={"recording": ("night.edf", fh, "application/octet-stream")},
            timeout=60,
        )
    assert r.status_code == 202, r.text
    rec_id = str(r.json()["id"])
    assert live.wait_done(rec_id) == "done"
    return rec_id
