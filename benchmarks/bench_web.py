"""Web app benchmarks: an 8 h night from upload to its report shown, the review viewer's page
turn, and server memory with five uploads at once; beside them, the same night scored by
``twitchscope score`` (the job without the web app), in the same run.

Run: ``.venv/bin/python benchmarks/bench_web.py [--repeats 3]`` (writes
``benchmarks/results/web.md``; every note there is computed from this run's figures). The
server is a real ``twitchscope serve`` process on loopback with a fresh data folder; the browser
is Debian's chromium driven by Playwright. Timing depends on the machine's load, which is
recorded before and after each part.

1. *Upload to report shown*: from the first byte of ``POST /api/recordings`` (multipart, streamed
   from the file) until the night's page (``/recordings/{id}``: indices and figures) has loaded
   in the browser: upload, header check, queue, scoring (read, detect, score, tables,
   report.html, review table, both legs decoded for the viewer), the status polled every
   0.5 s as the page itself does, and the page drawn. The server's resident memory is sampled
   meanwhile (one night alone).
2. *Viewer page turn*: in the review page (1366 px wide, both legs at 512 Hz, 30 s window), the
   time from the key press (the keydown event's time stamp) to the frame that shows the new
   traces (the animation frame after drawing), measured inside the page. The viewer fetches the
   next page ahead as a reader reads, so windows not fetched before (a click on the night
   overview at a new place: request, decode and draw) are measured too.
3. *Memory*: five uploads of the 8 h night sent at once to a server with the default single
   scoring worker; the server process's resident memory sampled every 50 ms (peak) and its
   high-water mark (``VmHWM``).
4. *The CLI*: ``twitchscope score NIGHT --out DIR`` on the same file, as a subprocess (the whole
   command, report included).
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
POLL_S = 0.5  # as the night's page polls the status
TARGET_MS = 200.0


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
    """``twitchscope serve`` in a child process, with its memory sampled on demand."""

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


class RssSampler:
    """The server's resident memory every 50 ms, in a thread, while a ``with`` block runs."""

    def __init__(self, srv: Server) -> None:
        self.srv = srv
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.srv.rss_mb())
            time.sleep(0.05)

    def __enter__(self) -> RssSampler:
        self.samples.append(self.srv.rss_mb())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> float:
        return max(self.samples)


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


def wait_done(url: str, rec_id: str, poll_s: float = 0.05) -> dict[str, Any]:
    import httpx

    while True:
        body: dict[str, Any] = httpx.get(f"{url}/api/recordings/{rec_id}", timeout=60).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(poll_s)


def bench_cli(night: Path, repeats: int) -> list[float]:
    """``twitchscope score`` of the night (the whole command), seconds per run."""
    out = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "twitchscope", "score", str(night), "--out", tmp],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            out.append(time.perf_counter() - t0)
    return out


def bench_upload(night: Path, repeats: int) -> tuple[list[dict[str, float]], dict[str, Any]]:
    """Upload to report shown, ``repeats`` times on one server; then the viewer on the last."""
    from playwright.sync_api import sync_playwright

    runs = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        srv = Server(Path(tmp))
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(srv.url + "/recordings")  # the browser warm, as a person's would be
            idle = srv.rss_mb()
            rec_id = ""
            for _ in range(repeats):
                with RssSampler(srv) as rss:
                    t0 = time.perf_counter()
                    rec_id = upload(srv.url, night)
                    t1 = time.perf_counter()
                    status = wait_done(srv.url, rec_id, POLL_S)
                    t2 = time.perf_counter()
                    page.goto(f"{srv.url}/recordings/{rec_id}", wait_until="load")
                    page.wait_for_selector("#fig-night svg")
                    t3 = time.perf_counter()
                assert status["status"] == "done", status
                runs.append(
                    {
                        "upload_s": t1 - t0,
                        "scoring_s": t2 - t1,
                        "page_s": t3 - t2,
                        "total_s": t3 - t0,
                        "peak_mb": rss.peak,
                        "idle_mb": idle,
                    }
                )
            viewer = bench_viewer(browser, srv.url, rec_id)
        finally:
            browser.close()
            srv.stop()
    return runs, viewer


def bench_viewer(browser: Any, url: str, rec_id: str, turns: int = 20) -> dict[str, Any]:
    pg = browser.new_page(viewport={"width": 1366, "height": 900})
    pg.goto(f"{url}/recordings/{rec_id}/review")
    pg.wait_for_selector("#review[data-ready='1']", timeout=60_000)
    shown = pg.evaluate("window.__viewer.last.traces.map(t => [t.mode, Math.round(1 / t.step)])")
    pg.evaluate("() => { window.__viewer.t0 = 600; }")
    warm, cold = [], []
    for _ in range(turns):
        n = pg.evaluate("() => (window.__viewerTiming || {drawn: 0}).drawn")
        pg.keyboard.press("ArrowRight")
        pg.wait_for_function(f"() => window.__viewerTiming.drawn > {n}")
        warm.append(pg.evaluate("() => window.__viewerTiming.ms"))
        pg.wait_for_timeout(150)  # let the next page be fetched ahead, as a reader would
    box = pg.locator("#overview").bounding_box()
    for i in range(turns):
        n = pg.evaluate("() => window.__viewerTiming.drawn")
        frac = 0.05 + 0.9 * ((i * 0.381966) % 1.0)
        pg.mouse.click(box["x"] + frac * box["width"], box["y"] + box["height"] / 2)
        pg.wait_for_function(f"() => window.__viewerTiming.drawn > {n}")
        cold.append(pg.evaluate("() => window.__viewerTiming.ms"))
    pg.close()
    return {"shown": shown, "warm": warm, "cold": cold}


def bench_memory(night: Path, n: int = 5) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server(Path(tmp))
        try:
            idle = srv.rss_mb()
            ids: list[str] = []
            with RssSampler(srv) as rss:
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
            assert states == ["done"] * n, states
            return {
                "idle_mb": idle,
                "peak_mb": rss.peak,
                "hwm_mb": srv.rss_mb("VmHWM"),
                "uploads_s": t_up,
                "all_done_s": t_all,
                "n": n,
            }
        finally:
            srv.stop()


def quantiles(v: list[float]) -> tuple[float, float, float]:
    s = sorted(v)
    return statistics.median(s), s[int(0.95 * (len(s) - 1))], s[-1]


def report(
    args: argparse.Namespace,
    night: Path,
    runs: list[dict[str, float]],
    viewer: dict[str, Any],
    mem: dict[str, float],
    cli: list[float],
    loads: list[tuple[float, float, float]],
) -> str:
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    cli_med = statistics.median(cli)
    size_mb = night.stat().st_size / 1024**2
    one_night = max(r["peak_mb"] - r["idle_mb"] for r in runs)
    five = mem["peak_mb"] - mem["idle_mb"]
    w_med, w_p95, w_max = quantiles(viewer["warm"])
    c_med, c_p95, c_max = quantiles(viewer["cold"])
    shown = ", ".join(f"{mode} at {fs} Hz" for mode, fs in viewer["shown"])

    def met(x: float) -> str:
        return "met" if x < TARGET_MS else "NOT met"

    overhead = med["total_s"] - cli_med
    loaded = max(max(load) for load in loads) > (os.cpu_count() or 1)
    lines = [
        "# Web app: upload to report shown, viewer page turn, memory with five uploads",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_web.py --repeats {args.repeats}`",
        "",
        f"Night: `simulate_night('rls', seed=0, duration_h=8, leg_fs=512)` as EDF+ "
        f"({size_mb:.0f} MB). Server: `twitchscope serve` in its own process on loopback, "
        "one scoring worker, SQLite in a fresh data folder; client: httpx (uploads, status "
        f"polled every {POLL_S:g} s as the page does) and Debian chromium with Playwright "
        "(the night's page, the viewer).",
        "",
        "## Upload of an 8 h night to the report shown",
        "",
        "| run | upload s | scoring s | page shown s | total s | server peak MB |",
        "|---|---:|---:|---:|---:|---:|",
        *[
            f"| {i + 1} | {r['upload_s']:.2f} | {r['scoring_s']:.2f} | {r['page_s']:.2f} | "
            f"{r['total_s']:.2f} | {r['peak_mb']:.0f} |"
            for i, r in enumerate(runs)
        ],
        f"| median | {med['upload_s']:.2f} | {med['scoring_s']:.2f} | {med['page_s']:.2f} | "
        f"{med['total_s']:.2f} | {med['peak_mb']:.0f} |",
        "",
        f"The same file through `twitchscope score NIGHT --out DIR` (the whole command, report "
        f"included; {len(cli)} runs): median {cli_med:.2f} s "
        f"({', '.join(f'{c:.2f}' for c in cli)}). Through the web app the night took "
        f"{overhead:+.2f} s more ({med['total_s'] / cli_med:.2f}x the command's time): the "
        "upload, the review table, both legs decoded for the viewer, the status poll and the "
        "page.",
        "",
        "*scoring* is from the upload's answer (header checked, queued) to the status `done` "
        "seen by the poll; *page shown* is the night's page loaded in the browser with its "
        "figures drawn.",
        "",
        "## Viewer: 30 s of two legs at 512 Hz, key press to drawn",
        "",
        f"- the traces shown: {shown} (every sample of the window)",
        f"- page turn (ArrowRight, next page fetched ahead), {len(viewer['warm'])} turns: "
        f"median {w_med:.0f} ms, p95 {w_p95:.0f} ms, max {w_max:.0f} ms "
        f"(target < {TARGET_MS:.0f} ms: {met(w_med)}; p95 {met(w_p95)})",
        f"- a window not fetched before (click on the night overview), "
        f"{len(viewer['cold'])} jumps: median {c_med:.0f} ms, p95 {c_p95:.0f} ms, "
        f"max {c_max:.0f} ms (target < {TARGET_MS:.0f} ms: {met(c_med)}; p95 {met(c_p95)})",
        "",
        "Measured in the page from the keydown (or click) event's time stamp to the animation "
        "frame after the traces were drawn.",
        "",
        "## Server memory with five uploads at once",
        "",
        f"- server idle: {mem['idle_mb']:.0f} MB resident",
        f"- peak resident while {mem['n']:.0f} 8 h nights were uploaded at once and scored: "
        f"{mem['peak_mb']:.0f} MB (VmHWM {mem['hwm_mb']:.0f} MB), {five:.0f} MB above idle; "
        f"one night alone peaked {one_night:.0f} MB above idle, so five at once took "
        f"{five / one_night:.1f}x the memory of one",
        f"- the {mem['n']:.0f} uploads took {mem['uploads_s']:.1f} s; all scored after "
        f"{mem['all_done_s']:.1f} s ({mem['all_done_s'] / mem['n']:.1f} s a night: one worker "
        "scores them one after another)",
        "",
        "## Load during the run",
        "",
        "- load average (1, 5, 15 min) "
        + "; ".join(
            f"{when}: {a:.2f}, {b:.2f}, {c:.2f}"
            for when, (a, b, c) in zip(
                (
                    "before",
                    "after the CLI runs",
                    "after the upload and viewer runs",
                    "after the memory run",
                ),
                loads,
                strict=True,
            )
        ),
        f"- {os.cpu_count()} cores: "
        + (
            "the load was above the number of cores, so these timings include waiting for a "
            "core; re-run on a quiet machine for the figures to quote"
            if loaded
            else "the load stayed below the number of cores"
        ),
        "",
        "## Machine",
        "",
        *machine_facts(),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (scripts/setup_system.sh installs it)")
    night = night_8h()
    loads = [os.getloadavg()]
    cli = bench_cli(night, args.repeats)
    loads.append(os.getloadavg())
    runs, viewer = bench_upload(night, args.repeats)
    loads.append(os.getloadavg())
    mem = bench_memory(night)
    loads.append(os.getloadavg())
    text = report(args, night, runs, viewer, mem, cli, loads)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
