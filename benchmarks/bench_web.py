"""Web app benchmarks: upload of an 8 h night to its report, the review viewer's page turn,
and server memory with five uploads at once.

Run: ``.venv/bin/python benchmarks/bench_web.py [--repeats 3]`` (writes
``benchmarks/results/web.md``). The server is a real ``twitchscope serve`` process on
loopback with a fresh data folder; the browser is Debian's chromium driven by Playwright.
Timing depends on the machine's load, which is recorded before and after each part.

1. *Upload to report*: from the first byte of ``POST /api/recordings`` (multipart, streamed from
   the file) until the night's page (``/recordings/{id}``, indices shown) has been served: upload,
   header check, queue, scoring (read, detect, score, tables, report.html, review table, both
   legs decoded for the viewer) and the page.
2. *Viewer page turn*: in the review page (1280 px wide, both legs at 512 Hz, 30 s window), the
   time from the key press (``ArrowRight``) to the traces drawn, measured inside the page
   (``performance.now()`` at the keydown handler to the end of drawing). The viewer fetches the
   next page ahead, so a second figure is given for windows not fetched before (a click on the
   night overview at a new place: request, decode and draw).
3. *Memory*: five uploads of the 8 h night sent at once to a server with the default single
   scoring worker; the server process's resident memory sampled every 50 ms (peak) and its
   high-water mark (``VmHWM``).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, RESULTS, machine_facts

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def night_8h() -> Path:
    """The benchmark night (simulated once, kept under benchmarks/_data)."""
    from twitchscope.simulate import simulate_night

    path = DATA / "web_night_8h.edf"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        simulate_night("rls", 0, duration_h=8, leg_fs=512).write(path)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``twitchscope serve`` in a child process."""

    def __init__(self, data: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "twitchscope",
                "serve",
                "--data",
                str(data),
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--max-upload-mb",
                "4096",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/api/recordings", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def rss_mb(self, field: str = "VmRSS") -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def upload(url: str, path: Path) -> str:
    import httpx

    with path.open("rb") as fh:
        r = httpx.post(
            url + "/api/recordings",
            files={"recording": (path.name, fh, "application/octet-stream")},
            timeout=600,
        )
    r.raise_for_status()
    return str(r.json()["id"])


def wait_done(url: str, rec_id: str) -> dict[str, Any]:
    import httpx

    while True:
        body: dict[str, Any] = httpx.get(f"{url}/api/recordings/{rec_id}", timeout=60).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)


def bench_upload(night: Path, repeats: int) -> tuple[list[dict[str, float]], str]:
    import httpx

    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server(Path(tmp))
        try:
            rec_id = ""
            for _ in range(repeats):
                t0 = time.perf_counter()
                rec_id = upload(srv.url, night)
                t1 = time.perf_counter()
                status = wait_done(srv.url, rec_id)
                t2 = time.perf_counter()
                page = httpx.get(f"{srv.url}/recordings/{rec_id}", timeout=60)
                t3 = time.perf_counter()
                assert status["status"] == "done", status
                assert "fig-night" in page.text  # the night report shown
                runs.append(
                    {
                        "upload_s": t1 - t0,
                        "scoring_s": t2 - t1,
                        "page_s": t3 - t2,
                        "total_s": t3 - t0,
                    }
                )
            viewer = bench_viewer(srv.url, rec_id)
        finally:
            srv.stop()
    return runs, viewer


def bench_viewer(url: str, rec_id: str, turns: int = 20) -> str:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        return "chromium missing: viewer not measured"
    warm, cold = [], []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        pg = b.new_page(viewport={"width": 1280, "height": 900})
        pg.goto(f"{url}/recordings/{rec_id}/review")
        pg.wait_for_selector("#review[data-ready='1']", timeout=60_000)
        pg.evaluate("() => window.__viewer.t0 = 600")
        for _ in range(turns):
            n = pg.evaluate("() => (window.__viewerTiming || {drawn: 0}).drawn")
            pg.keyboard.press("ArrowRight")
            pg.wait_for_function(f"() => window.__viewerTiming.drawn > {n}")
            warm.append(pg.evaluate("() => window.__viewerTiming.ms"))
            pg.wait_for_timeout(150)  # let the next page be fetched ahead, as a reader would
        box = pg.locator("#overview").bounding_box()
        for i in range(turns):
            n = pg.evaluate("() => window.__viewerTiming.drawn")
            frac = 0.03 + 0.9 * ((i * 0.381966) % 1.0)
            pg.mouse.click(box["x"] + frac * box["width"], box["y"] + box["height"] / 2)
            pg.wait_for_function(f"() => window.__viewerTiming.drawn > {n}")
            cold.append(pg.evaluate("() => window.__viewerTiming.ms"))
        b.close()

    def q(v: list[float]) -> str:
        v = sorted(v)
        p95 = v[int(0.95 * (len(v) - 1))]
        return f"median {statistics.median(v):.0f} ms, p95 {p95:.0f} ms, max {v[-1]:.0f} ms"

    return (
        f"- page turn (ArrowRight, next page fetched ahead), {turns} turns: {q(warm)} "
        f"(target < 200 ms: {'met' if statistics.median(warm) < 200 else 'NOT met'})\n"
        f"- window not fetched before (click on the overview), {turns} jumps: {q(cold)} "
        f"(target < 200 ms: {'met' if statistics.median(cold) < 200 else 'NOT met'})"
    )


def bench_memory(night: Path, n: int = 5) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server(Path(tmp))
        try:
            base = srv.rss_mb()
            peak = [base]
            stop = threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    peak.append(srv.rss_mb())
                    time.sleep(0.05)

            th = threading.Thread(target=sample)
            th.start()
            ids: list[str] = []
            t0 = time.perf_counter()
            ups = [
                threading.Thread(target=lambda: ids.append(upload(srv.url, night)))
                for _ in range(n)
            ]
            for u in ups:
                u.start()
            for u in ups:
                u.join()
            t_up = time.perf_counter() - t0
            states = [wait_done(srv.url, i)["status"] for i in ids]
            t_all = time.perf_counter() - t0
            stop.set()
            th.join()
            assert states == ["done"] * n, states
            return {
                "idle_mb": base,
                "peak_mb": max(peak),
                "hwm_mb": srv.rss_mb("VmHWM"),
                "uploads_s": t_up,
                "all_done_s": t_all,
            }
        finally:
            srv.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    night = night_8h()
    load0 = os.getloadavg()
    runs, viewer = bench_upload(night, args.repeats)
    load1 = os.getloadavg()
    mem = bench_memory(night)
    load2 = os.getloadavg()
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    size_mb = night.stat().st_size / 1024**2
    lines = [
        "# Web app: upload to report, viewer page turn, memory with five uploads",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_web.py --repeats {args.repeats}`",
        "",
        f"Night: `simulate_night('rls', seed=0, duration_h=8, leg_fs=512)` as EDF+ "
        f"({size_mb:.0f} MB). Server: `twitchscope serve` in its own process on loopback, "
        "one scoring worker, SQLite in a fresh data folder; client: httpx (uploads) and "
        "Debian chromium with Playwright (viewer).",
        "",
        "## Upload of an 8 h night to the report shown",
        "",
        "| run | upload s | scoring s | page s | total s |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {i + 1} | {r['upload_s']:.2f} | {r['scoring_s']:.2f} | {r['page_s']:.3f} | "
            f"{r['total_s']:.2f} |"
            for i, r in enumerate(runs)
        ],
        f"| median | {med['upload_s']:.2f} | {med['scoring_s']:.2f} | {med['page_s']:.3f} | "
        f"{med['total_s']:.2f} |",
        "",
        "*scoring* is from the upload's answer (header checked, queued) to status `done`: "
        "read, detect, score, write the tables and report.html, fill the review table and "
        "decode both legs for the viewer.",
        "",
        "## Viewer: 30 s of two legs at 512 Hz, key press to drawn",
        "",
        viewer,
        "",
        "## Server memory with five uploads at once",
        "",
        f"- server idle: {mem['idle_mb']:.0f} MB resident",
        f"- peak resident while five 8 h nights were uploaded and scored: {mem['peak_mb']:.0f} MB "
        f"(VmHWM {mem['hwm_mb']:.0f} MB)",
        f"- the five uploads took {mem['uploads_s']:.1f} s; all five scored after "
        f"{mem['all_done_s']:.1f} s (one worker: nights are scored one after another, so memory "
        "stays that of one night plus the server)",
        "",
        "## Load during the run",
        "",
        f"- load average (1, 5, 15 min) before: {load0[0]:.2f}, {load0[1]:.2f}, {load0[2]:.2f}; "
        f"after the upload and viewer runs: {load1[0]:.2f}, {load1[1]:.2f}, {load1[2]:.2f}; "
        f"after the memory run: {load2[0]:.2f}, {load2[1]:.2f}, {load2[2]:.2f} "
        f"(2 cores: a load above 2 means the figures include waiting for a core)",
        "",
        "## Machine",
        "",
        *machine_facts(),
        "",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
