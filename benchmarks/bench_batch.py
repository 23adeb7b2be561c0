"""Cohort runs: nights per hour, memory per worker, interrupted and resumed, a killed worker.

Usage::

    .venv/bin/python benchmarks/bench_batch.py                      # 200 nights of 8 h (the record)
    .venv/bin/python benchmarks/bench_batch.py --nights 40 --hours 2  # a quick check

The cohort: ``--distinct`` simulated nights (scenarios rls, healthy, osa, severe, noisy,
low_amplitude, plmd_no_rls; seeds 9000+, used by no other benchmark), hard-linked under
``--nights`` names (each night is still opened, hashed, detected, scored and written on its
own), plus ``--corrupt`` broken files (truncated EDF, garbage after the version field, an empty
file, an EDF without leg channels). Each configuration runs the whole command as a user would,
``twitchscope batch COHORT --out DIR -j N -q [--dask]`` in a fresh process with numeric libraries
on one thread, into a fresh output folder; the time is the whole command (start-up, cluster
start, tables and cohort report included).

Measured:

- nights per hour with 1 and 2 workers, process pool and Dask ``LocalCluster``;
- peak memory per worker (each night's worker high-water mark, ``ru_maxrss``) and of the whole
  process tree (sampled every 0.2 s);
- a run killed (SIGKILL to the whole process group) halfway, then the same command again:
  total time, nights scored by the second run, and that no night finished by the first was
  scored again (its ``batch.json`` is untouched);
- worker processes killed (SIGKILL) in the middle of nights: every night still ends scored, with
  the same results as the undisturbed run;
- from these, what a 10,000-night cohort would take on N cores.

Results go to ``benchmarks/results/batch.md`` (and ``batch.json``), with the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, RESULTS, SINGLE_THREAD_ENV, machine_facts

SCENARIOS = ("rls", "healthy", "osa", "severe", "noisy", "low_amplitude", "plmd_no_rls")
SEED_BASE = 9000
BIN = Path(sys.executable).with_name("twitchscope")
COHORT_SIZE = 10_000


# --- the cohort --------------------------------------------------------------------------------


def base_nights(folder: Path, distinct: int, hours: float) -> list[Path]:
    """Simulated nights (cached by scenario, seed and length)."""
    from twitchscope.simulate import simulate_night

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(distinct):
        scenario = SCENARIOS[i % len(SCENARIOS)]
        seed = SEED_BASE + i
        path = folder / f"{scenario}-{seed}-{hours:g}h.edf"
        if not path.exists():
            tmp = folder / f"tmp-{path.name}"
            simulate_night(scenario, seed=seed, duration_h=hours).write(tmp)
            os.replace(tmp, path)
            for extra in folder.glob(f"tmp-{path.stem}.*"):
                extra.unlink()
        out.append(path)
    return out


#: Damaged files a cohort meets, and what must become of each: a failed row with the reader's
#: message, or (a truncated file: the complete records are read) a scored night with a warning.
CORRUPT_KINDS = (
    ("garbage", "failed"),
    ("empty", "failed"),
    ("no-legs", "failed"),
    ("header-only", "failed"),
    ("truncated", "done"),
)


def corrupt_files(folder: Path, sample: Path) -> list[tuple[Path, str]]:
    """Broken recordings of the kinds a cohort meets, with the status each must end in."""
    import numpy as np
    from edfio import Edf, EdfSignal

    folder.mkdir(parents=True, exist_ok=True)
    data = sample.read_bytes()
    n_signals = int(data[252:256].decode("ascii").strip())
    contents = {
        "garbage": b"0       " + np.random.default_rng(1).bytes(4096),
        "empty": b"",
        "header-only": data[: 256 * (n_signals + 1)],
        "truncated": data[: len(data) // 3],
    }
    out = []
    for kind, expect in CORRUPT_KINDS:
        p = folder / f"corrupt-{kind}.edf"
        if kind == "no-legs":
            eeg = np.random.default_rng(0).normal(0, 20, 256 * 600)
            Edf([EdfSignal(eeg, 256, label="EEG C3-A2", physical_dimension="uV")]).write(p)
        else:
            p.write_bytes(contents[kind])
        out.append((p, expect))
    return out


def build_cohort(
    folder: Path, bases: list[Path], corrupt: list[tuple[Path, str]], n: int
) -> tuple[Path, list[str], dict[str, str]]:
    """``n`` nights in one folder: hard links to the base nights, corrupt files spread in.

    Returns the folder, the names (ids) of the good nights, and the damaged nights' expected
    status by name.
    """
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    n_corrupt = min(len(corrupt), n)
    spots = {round((k + 1) * n / (n_corrupt + 1)) for k in range(n_corrupt)}
    c = 0
    good = []
    damaged: dict[str, str] = {}
    for i in range(n):
        name = folder / f"night-{i:05d}.edf"
        if i in spots and c < n_corrupt:
            src, damaged[name.stem] = corrupt[c]
            c += 1
        else:
            src = bases[i % len(bases)]
            good.append(name.stem)
        try:
            os.link(src, name)
        except OSError:
            shutil.copy(src, name)
    return folder, good, damaged


# --- running the command ------------------------------------------------------------------------


@dataclass
class TreeSampler:
    """Peak RSS of a process and of its whole tree, sampled every 0.2 s."""

    pid: int
    driver_mb: float = 0.0
    tree_mb: float = 0.0
    process_mb: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_info().rss / 2**20)
                    except psutil.Error:
                        rss.append(0.0)
                self.driver_mb = max(self.driver_mb, rss[0])
                self.tree_mb = max(self.tree_mb, sum(rss))
                self.process_mb = max(self.process_mb, max(rss))
            except psutil.Error:
                return
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()


def command(cohort: Path, out: Path, workers: int, backend: str) -> list[str]:
    """The command a user runs; ``backend`` is ``processes``, ``dask`` or ``processes+reports``
    (the process pool with each night's report.html)."""
    cmd = [str(BIN), "batch", str(cohort), "--out", str(out), "-j", str(workers), "-q"]
    if backend == "dask":
        cmd.append("--dask")
    if backend.endswith("+reports"):
        cmd.append("--night-reports")
    return cmd


def env() -> dict[str, str]:
    return {**os.environ, **SINGLE_THREAD_ENV}


def timed(cmd: list[str], **popen: Any) -> tuple[float, TreeSampler, subprocess.Popen[bytes]]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen
    )
    sampler = TreeSampler(proc.pid)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    return t0, sampler, proc


def finish(t0: float, sampler: TreeSampler, proc: subprocess.Popen[bytes]) -> float:
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"batch command failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall


def table(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "nights.parquet")


def run_config(
    cohort: Path, work: Path, workers: int, backend: str, damaged: dict[str, str]
) -> dict[str, Any]:
    out = work / f"{backend}-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    load_before = os.getloadavg()
    t0, sampler, proc = timed(command(cohort, out, workers, backend))
    wall = finish(t0, sampler, proc)
    df = table(out)
    done = df[df["status"] == "done"]
    n = len(df)
    check = (len(done), int((df["status"] == "failed").sum()))
    by_id = df.set_index("id")
    damaged_ok = all(
        by_id.loc[name, "status"] == expect
        and (expect == "failed" or int(by_id.loc[name, "n_warnings"]) > 0)
        for name, expect in damaged.items()
    )
    expected_failed = sum(1 for e in damaged.values() if e == "failed")
    return {
        "backend": backend,
        "workers": workers,
        "nights": n,
        "done": check[0],
        "failed": check[1],
        "expected_failed": expected_failed,
        "damaged_as_expected": damaged_ok,
        "wall_s": wall,
        "nights_per_h": n / wall * 3600,
        "night_s_median": float(done["seconds"].median()),
        "night_s_p90": float(done["seconds"].quantile(0.9)),
        "worker_busy_share": float(df["seconds"].sum() / (wall * workers)),
        "worker_peak_mb_median": float(done["peak_rss_mb"].median()),
        "worker_peak_mb_max": float(df["peak_rss_mb"].max()),
        "driver_peak_mb": sampler.driver_mb,
        "tree_peak_mb": sampler.tree_mb,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "out": str(out),
    }


def interrupted(cohort: Path, work: Path, workers: int, n_total: int) -> dict[str, Any]:
    """Kill the whole run (SIGKILL to its process group) halfway, then run it again."""
    out = work / "interrupted"
    shutil.rmtree(out, ignore_errors=True)
    cmd = command(cohort, out, workers, "processes")
    load_before = os.getloadavg()
    t0, sampler, proc = timed(cmd, start_new_session=True)
    nights = out / "nights"
    while proc.poll() is None:
        if nights.is_dir() and sum(1 for _ in nights.iterdir()) >= n_total // 2:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = time.perf_counter() - t0
    sampler.stop()
    time.sleep(0.5)  # let orphaned workers notice and leave
    stamps = {
        p.name: (p / "batch.json").stat().st_mtime_ns
        for p in nights.iterdir()
        if (p / "batch.json").is_file()
    }
    failed_first = len(list((out / "failed").iterdir())) if (out / "failed").is_dir() else 0
    leftovers = [p.name for p in (out / ".tmp").iterdir() if p.name != "attempts"]
    t1, sampler2, proc2 = timed(cmd)
    second = finish(t1, sampler2, proc2)
    untouched = sum(
        1 for name, ns in stamps.items() if (nights / name / "batch.json").stat().st_mtime_ns == ns
    )
    log = sorted((out / "logs").iterdir())[-1].read_text()
    planned = next(line for line in log.splitlines() if "finished by an earlier run" in line)
    df = table(out)
    return {
        "workers": workers,
        "killed_after_s": first,
        "done_at_kill": len(stamps),
        "failed_at_kill": failed_first,
        "half_written_left": len(leftovers),
        "resume_s": second,
        "total_s": first + second,
        "resume_plan": planned.split(" INFO ", 1)[-1],
        "rescored_finished_nights": len(stamps) - untouched,
        "done": int((df["status"] == "done").sum()),
        "failed": int((df["status"] == "failed").sum()),
        "rows": len(df),
        "tmp_left_after_resume": len([p for p in (out / ".tmp").iterdir() if p.name != "attempts"]),
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


class Killer(threading.Thread):
    """SIGKILLs the worker scoring a night once its half-written folder appears in ``.tmp/``.

    The worker's pid is in the night's attempts file (``.tmp/attempts/<id>.json``).
    """

    def __init__(self, out: Path, folder: str) -> None:
        super().__init__(daemon=True)
        self.attempts = out / ".tmp" / "attempts" / f"{folder}.json"
        self.tmp = out / ".tmp"
        self.folder = folder
        self.killed: int | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and self.killed is None:
            if not any(self.tmp.glob(f"{self.folder}~*")):
                time.sleep(0.002)
                continue
            try:
                pid = int(json.loads(self.attempts.read_text())["starts"][-1]["pid"])
                os.kill(pid, signal.SIGKILL)
                self.killed = pid
            except (OSError, ValueError, KeyError, IndexError):
                time.sleep(0.002)


def killed_workers(
    cohort: Path, work: Path, workers: int, backend: str, targets: list[str], reference: Path
) -> dict[str, Any]:
    out = work / f"killed-{backend}"
    shutil.rmtree(out, ignore_errors=True)
    killers = [Killer(out, t) for t in targets]
    for k in killers:
        k.start()
    load_before = os.getloadavg()
    t0, sampler, proc = timed(command(cohort, out, workers, backend))
    wall = finish(t0, sampler, proc)
    for k in killers:
        k.stop.set()
    df = table(out).set_index("id").sort_index()
    ref = table(reference).set_index("id").sort_index()
    cols = ["status", "plms_index", "plmw_index", "lm_index", "plms_count", "n_scored_movements"]
    same = df[cols].equals(ref[cols])
    mv = pd.read_parquet(out / "movements.parquet")
    mv_ref = pd.read_parquet(reference / "movements.parquet")
    return {
        "backend": backend,
        "workers": workers,
        "kills": sum(k.killed is not None for k in killers),
        "targets": targets,
        "target_status": [str(df.loc[t, "status"]) for t in targets],
        "target_attempts": [int(df.loc[t, "attempts"]) for t in targets],
        "wall_s": wall,
        "same_results_as_undisturbed": bool(same),
        "movement_rows": len(mv),
        "movement_rows_undisturbed": len(mv_ref),
        "tmp_left": len([p for p in (out / ".tmp").iterdir() if p.name != "attempts"]),
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def hash_rate(path: Path) -> float:
    """SHA-256 throughput on one night's file (MB/s), warm cache."""
    import hashlib

    path.read_bytes()
    t0 = time.perf_counter()
    with path.open("rb") as fh:
        hashlib.file_digest(fh, "sha256")
    return path.stat().st_size / 2**20 / (time.perf_counter() - t0)


# --- the record --------------------------------------------------------------------------------


def fmt_load(load: Any) -> str:
    return "/".join(f"{x:.1f}" for x in load)


def nothing_left(cohort: Path, out: Path, workers: int) -> dict[str, Any]:
    """The same command again on a finished folder: planning, tables and report only."""
    load_before = os.getloadavg()
    t0, sampler, proc = timed(command(cohort, out, workers, "processes"))
    wall = finish(t0, sampler, proc)
    log = sorted((out / "logs").iterdir())[-1].read_text()
    plan = next(line for line in log.splitlines() if "finished by an earlier run" in line)
    return {
        "wall_s": wall,
        "plan": plan.split(" INFO ", 1)[-1],
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def table_seconds(out: Path) -> dict[str, Any]:
    """Time of writing the three cohort tables from a finished folder (in this process)."""
    from twitchscope.batch.spec import NightSpec
    from twitchscope.batch.state import BatchDir
    from twitchscope.batch.tables import write_tables

    df = pd.read_parquet(out / "nights.parquet")
    nights = [
        (NightSpec(id=r.id, recording=r.recording, folder=r.folder), r.status)
        for r in df.itertuples(index=False)
    ]
    t0 = time.perf_counter()
    write_tables(nights, BatchDir(out))
    seconds = time.perf_counter() - t0
    return {"nights": len(nights), "seconds": seconds, "per_night_s": seconds / len(nights)}


def projection(
    rows: list[dict[str, Any]], table_s_per_night: float = 0.0
) -> tuple[list[dict[str, Any]], float, float]:
    by = {(r["backend"], r["workers"]): r for r in rows}
    one = by.get(("processes", 1))
    two = by.get(("processes", 2))
    if one is None:
        return [], float("nan"), float("nan")
    per_core = one["nights_per_h"]
    eff = two["nights_per_h"] / (2 * per_core) if two else 1.0
    table_rows = []
    for cores in (2, 8, 16, 32, 64, 128):
        rate = per_core * cores * min(1.0, eff)
        # The tables are written by the driver alone, after the nights.
        hours = COHORT_SIZE / rate + COHORT_SIZE * table_s_per_night / 3600
        table_rows.append({"cores": cores, "nights_per_h": rate, "hours": hours})
    return table_rows, per_core, eff


def write_results(args: argparse.Namespace, ctx: dict[str, Any]) -> Path:
    rows = ctx["runs"]
    lines = [
        "# Cohort runs: `twitchscope batch`",
        "",
        f"Command: `{ctx['command']}`",
        "",
    ]
    if (args.nights, args.hours) != (200, 8.0):
        lines += [
            f"**A reduced check ({args.nights} nights of {args.hours:g} h), not the record**: the "
            "record is `python benchmarks/bench_batch.py` (200 nights of 8 h) on a quiet machine.",
            "",
        ]
    lines += [
        f"Cohort: {ctx['n_nights']} nights of {args.hours:g} h (EDF+, {ctx['night_mb']:.0f} MB "
        f"each; {args.distinct} distinct simulated nights hard-linked under {ctx['n_nights']} "
        f"names, scenarios {', '.join(SCENARIOS)}, "
        f"seeds {SEED_BASE}-{SEED_BASE + args.distinct - 1}) "
        f"with {ctx['n_corrupt']} damaged files among them ("
        + ", ".join(k for k, _ in CORRUPT_KINDS[: ctx["n_corrupt"]])
        + "). Each figure is one run of the whole command in a fresh process (numeric "
        "libraries on one thread, warm page cache), into a fresh output folder.",
        "",
        "## Nights per hour",
        "",
        "| back end | workers | wall s | nights/h | s per night (median, p90) | workers busy | "
        "worker peak RSS MB (median, max) | driver peak MB | process tree peak MB | done | "
        "failed | load avg before -> after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['backend']} | {r['workers']} | {r['wall_s']:.1f} | {r['nights_per_h']:.0f} | "
            f"{r['night_s_median']:.2f}, {r['night_s_p90']:.2f} | {r['worker_busy_share']:.0%} | "
            f"{r['worker_peak_mb_median']:.0f}, {r['worker_peak_mb_max']:.0f} | "
            f"{r['driver_peak_mb']:.0f} | {r['tree_peak_mb']:.0f} | {r['done']} | {r['failed']} | "
            f"{fmt_load(r['load_before'])} -> {fmt_load(r['load_after'])} |"
        )
    lines.append("")
    notes = []
    ok = all(
        r["failed"] == r["expected_failed"]
        and r["done"] + r["failed"] == r["nights"]
        and r["damaged_as_expected"]
        for r in rows
    )
    notes.append(
        f"Every configuration gave one row per night, recorded the {rows[0]['expected_failed']} "
        "unreadable files (garbage, empty, header only, no leg channels) as failed rows with the "
        "reader's message, and scored the truncated file's complete records with a warning: "
        + ("yes." if ok else "NO, see the table.")
    )
    by = {(r["backend"], r["workers"]): r for r in rows}
    for backend in ("processes", "dask"):
        a, b = by.get((backend, 1)), by.get((backend, 2))
        if a and b:
            notes.append(
                f"{backend}: 2 workers give {b['nights_per_h'] / a['nights_per_h']:.2f}x the "
                f"nights per hour of 1 worker."
            )
    loaded = max(max(r["load_before"][0], r["load_after"][0]) for r in rows) > (os.cpu_count() or 1)
    for w in (1, 2):
        p, d = by.get(("processes", w)), by.get(("dask", w))
        if p and d:
            diff = d["wall_s"] - p["wall_s"]
            why = (
                "Dask's cluster start-up and shutdown and its task round trips"
                if diff > 0
                else "Dask was not slower here"
            )
            notes.append(
                f"{w} worker{'s' if w > 1 else ''}: Dask LocalCluster {d['wall_s']:.1f} s against "
                f"the process pool {p['wall_s']:.1f} s ({diff:+.1f} s; {why})"
                + (
                    "; the machine was loaded, so differences of this size are noise."
                    if loaded
                    else "."
                )
            )
    for w in sorted({r["workers"] for r in rows}):
        p, rp = by.get(("processes", w)), by.get(("processes+reports", w))
        if p and rp:
            extra = rp["night_s_median"] - p["night_s_median"]
            notes.append(
                f"Each night's report.html (`--night-reports`, {w} workers): "
                f"{rp['nights_per_h']:.0f} nights/h against {p['nights_per_h']:.0f} without "
                f"(median {extra:+.2f} s per night); off by default, since a cohort is read "
                "through its tables and cohort report."
            )
    lines += ["Notes (from this run's figures):", ""] + [f"- {n}" for n in notes] + [""]

    it = ctx.get("interrupted")
    if it:
        ref = by.get(("processes", it["workers"]))
        lines += [
            "## Interrupted halfway, then resumed",
            "",
            f"The {it['workers']}-worker run was killed (SIGKILL to the command and its workers) "
            f"once {it['done_at_kill']} nights were finished, after {it['killed_after_s']:.1f} s; "
            f"it left {it['half_written_left']} half-written night folder(s) in `.tmp/`. The same "
            f'command again took {it["resume_s"]:.1f} s (plan: "{it["resume_plan"]}"): '
            f"{it['total_s']:.1f} s in all"
            + (f", against {ref['wall_s']:.1f} s for the run undisturbed" if ref else "")
            + f". Nights finished by the first run and scored again: "
            f"{it['rescored_finished_nights']} of {it['done_at_kill']}. Final table: "
            f"{it['rows']} rows, {it['done']} done, {it['failed']} failed; half-written folders "
            f"left: {it['tmp_left_after_resume']}. Load {fmt_load(it['load_before'])} -> "
            f"{fmt_load(it['load_after'])}.",
            "",
        ]
    for k in ctx.get("killed", []):
        lines += [
            f"## Worker processes killed mid-night ({k['backend']}, {k['workers']} workers)",
            "",
            f"{k['kills']} worker process(es) were SIGKILLed mid-night (while scoring, once the "
            f"night's temporary folder existed) in the nights "
            f"{', '.join(k['targets'])}; those nights ended {', '.join(k['target_status'])} "
            f"after {', '.join(map(str, k['target_attempts']))} attempts. The run took "
            f"{k['wall_s']:.1f} s. Same nights table (status and indices of every night) as the "
            f"undisturbed run: {'yes' if k['same_results_as_undisturbed'] else 'NO'}; movement "
            f"rows {k['movement_rows']} (undisturbed {k['movement_rows_undisturbed']}); "
            f"half-written folders left: {k['tmp_left']}. Load {fmt_load(k['load_before'])} -> "
            f"{fmt_load(k['load_after'])}.",
            "",
        ]
    tables = ctx.get("tables") or {}
    proj, per_core, eff = projection(rows, tables.get("per_night_s", 0.0))
    noop = ctx.get("nothing_left")
    if noop:
        lines += [
            "## The same command on a finished folder",
            "",
            f'{noop["wall_s"]:.1f} s (plan: "{noop["plan"]}"): start-up, planning (a `stat` '
            "and a record read per night), the tables and the report. Writing the three tables "
            f"alone took {tables['seconds']:.2f} s for {tables['nights']} nights "
            f"({1000 * tables['per_night_s']:.1f} ms per night, in the driver). Load "
            f"{fmt_load(noop['load_before'])} -> {fmt_load(noop['load_after'])}.",
            "",
        ]
    if proj:
        lines += [
            f"## What a {COHORT_SIZE:,}-night cohort would take",
            "",
            f"From this run: one worker scores {per_core:.0f} nights/h of {args.hours:g} h "
            f"({3600 / per_core:.2f} s per night, whole command included); 2 workers on 2 cores "
            f"reached {eff:.0%} of twice that. Assuming that efficiency holds on N cores (the "
            "nights are independent; the driver only hands out paths) and storage keeps up, "
            "plus the driver's table writing measured above:",
            "",
            "| cores | nights/h | time for 10,000 nights |",
            "|---:|---:|---:|",
        ]
        for p in proj:
            h = p["hours"]
            took = f"{h:.1f} h" if h >= 1 else f"{h * 60:.0f} min"
            lines.append(f"| {p['cores']} | {p['nights_per_h']:.0f} | {took} |")
        lines += [
            "",
            f"NSRR files hold more channels than these {ctx['night_mb']:.0f} MB nights; only "
            "the leg and ECG channels are decoded, but every input file is read once whole for "
            f"its content hash: SHA-256 ran at {ctx['hash_mb_s']:.0f} MB/s here, so each extra "
            f"100 MB of EDF adds about {100 / ctx['hash_mb_s']:.2f} s of worker time per night "
            "(plus reading it from storage, which on a network file system is usually the limit).",
            "",
        ]
    lines += ["## Machine", "", *ctx["machine"], ""]
    lines += [
        "Load: the figures above carry the 1/5/15-minute load averages before and after each run; "
        f"this machine has {os.cpu_count()} cores, so a load above {os.cpu_count()} means other "
        "work competed for them and the timing figures (not the counts) are pessimistic.",
        "",
    ]
    path = Path(args.out)
    path.write_text("\n".join(lines))
    path.with_suffix(".json").write_text(json.dumps(ctx, indent=2, default=str) + "\n")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nights", type=int, default=200)
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--distinct", type=int, default=14)
    ap.add_argument("--corrupt", type=int, default=len(CORRUPT_KINDS), choices=range(6))
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--backends", nargs="+", default=["processes", "dask"])
    ap.add_argument("--no-night-reports", action="store_true")
    ap.add_argument("--no-interrupt", action="store_true")
    ap.add_argument("--no-kill", action="store_true")
    ap.add_argument("--out", default=str(RESULTS / "batch.md"))
    ap.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite the .md from the .json beside it (the figures of the last run) and stop",
    )
    args = ap.parse_args()
    if args.render_only:
        import shlex

        ctx = json.loads(Path(args.out).with_suffix(".json").read_text())
        ran = ap.parse_args(shlex.split(ctx["command"])[2:])
        ran.out = args.out
        print(f"wrote {write_results(ran, ctx)}")
        return 0

    data = DATA / "batch"
    bases = base_nights(data / "nights", args.distinct, args.hours)
    corrupt = corrupt_files(data / "corrupt", bases[0])[: args.corrupt]
    cohort, names, damaged = build_cohort(data / "cohort", bases, corrupt, args.nights)
    work = data / "runs"
    work.mkdir(parents=True, exist_ok=True)
    ctx: dict[str, Any] = {
        "command": "python benchmarks/bench_batch.py " + " ".join(sys.argv[1:]),
        "n_nights": args.nights,
        "n_corrupt": len(corrupt),
        "night_mb": bases[0].stat().st_size / 2**20,
        "hash_mb_s": hash_rate(bases[0]),
        "machine": machine_facts(),
        "runs": [],
    }
    for backend in args.backends:
        for w in args.workers:
            print(f"== {backend}, {w} worker(s)", flush=True)
            r = run_config(cohort, work, w, backend, damaged)
            print(
                f"   {r['wall_s']:.1f} s, {r['nights_per_h']:.0f} nights/h, "
                f"worker peak {r['worker_peak_mb_max']:.0f} MB, load {fmt_load(r['load_after'])}",
                flush=True,
            )
            ctx["runs"].append(r)
    top = max(args.workers)
    if not args.no_night_reports:
        print(f"== processes with night reports, {top} worker(s)", flush=True)
        r = run_config(cohort, work, top, "processes+reports", damaged)
        print(f"   {r['wall_s']:.1f} s, {r['nights_per_h']:.0f} nights/h", flush=True)
        ctx["runs"].append(r)
    if not args.no_interrupt:
        print("== interrupted and resumed", flush=True)
        ctx["interrupted"] = interrupted(cohort, work, top, args.nights)
        print(f"   {ctx['interrupted']}", flush=True)
    if not args.no_kill:
        ctx["killed"] = []
        ref = work / f"processes-{top}"
        spread = [names[len(names) // 4], names[len(names) // 2], names[3 * len(names) // 4]]
        for backend in args.backends:
            targets = spread if backend == "processes" else spread[:1]
            if ref.is_dir():
                print(f"== workers killed ({backend})", flush=True)
                k = killed_workers(cohort, work, top, backend, targets, ref)
                print(f"   {k}", flush=True)
                ctx["killed"].append(k)
    ref = work / f"processes-{top}"
    if ref.is_dir():
        print("== the same command on a finished folder", flush=True)
        ctx["nothing_left"] = nothing_left(cohort, ref, top)
        ctx["tables"] = table_seconds(ref)
        print(f"   {ctx['nothing_left']}, tables {ctx['tables']}", flush=True)
    path = write_results(args, ctx)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
