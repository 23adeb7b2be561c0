"""Speed and memory of scoring one 8 h night end to end, twitchscope beside psgscoring.

Usage::

    .venv/bin/python benchmarks/speed.py [--repeats 5]

The night: ``simulate_night("rls", seed=0, duration_h=8, leg_fs=512)`` written once as EDF+ to
``benchmarks/_data/speed_night_512hz.edf`` (12 signals, legs at 512 Hz, stages and events in its
EDF+ annotations).

Each run is a fresh Python process pinned to one core (``taskset -c 0``, BLAS/OpenMP threads 1):

* **twitchscope**: ``prepare`` (open the EDF, decode the two legs and ECG, read the EDF+
  stages and events), ``detect_movements``, ``score_prepared`` (WASM 2016), write
  ``summary.json``. Then, timed apart, ``report.html``.
* **psgscoring**: the documented way in: ``mne.io.read_raw_edf`` of the two leg channels,
  ``get_data`` in µV, the hypnogram and respiratory events from the simulator's CSV files, its
  ``analyze_plm`` (AASM), its summary written as JSON.

Reported: the median over runs of the pipeline time (from before opening the file to after the
JSON is written; imports excluded and given apart), the whole-process wall time, and the peak
resident memory of the process (``VmHWM``, which includes the interpreter and libraries; the
peak right after the imports is given too).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, RESULTS, SINGLE_THREAD_ENV, keep_notes, machine_facts, markdown_table

NIGHT = DATA / "speed_night_512hz.edf"
OUT = RESULTS / "speed.md"
TARGET_S = 1.0
TARGET_MB = 400.0


def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (VmHWM; ru_maxrss as fallback).

    ``ru_maxrss`` is not used first: Linux carries it across ``exec``, so a child forked from a
    large parent would report the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def make_night() -> Path:
    """Simulate and write the 8 h, 512 Hz night once (cached under benchmarks/_data)."""
    if NIGHT.is_file():
        return NIGHT
    from twitchscope.simulate import simulate_night

    DATA.mkdir(parents=True, exist_ok=True)
    simulate_night("rls", seed=0, duration_h=8.0, leg_fs=512).write(NIGHT)
    return NIGHT


def child_twitchscope(path: Path, out: Path) -> dict[str, Any]:
    """One twitchscope run in this (fresh) process."""
    t_import = time.perf_counter()
    from twitchscope.api import detect_movements, prepare, score_prepared
    from twitchscope.outputs import write_report, write_summary
    from twitchscope.scoring.rules import WASM2016

    t0 = time.perf_counter()
    rss_imports = _rss_mb()
    inputs = prepare(path)
    t1 = time.perf_counter()
    mv = detect_movements(inputs, WASM2016)
    t2 = time.perf_counter()
    result = score_prepared(inputs, mv, WASM2016)
    t3 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    write_summary(result, out / "summary.json")
    t4 = time.perf_counter()
    rss = _rss_mb()
    write_report(result, out / "report.html")
    t5 = time.perf_counter()
    return {
        "import_s": t0 - t_import,
        "read_s": t1 - t0,
        "detect_s": t2 - t1,
        "score_s": t3 - t2,
        "write_s": t4 - t3,
        "pipeline_s": t4 - t0,
        "report_s": t5 - t4,
        "rss_imports_mb": rss_imports,
        "peak_rss_mb": rss,
        "peak_rss_with_report_mb": _rss_mb(),
        "plms_index": result.indices["plms_index"],
        "n_lm": len(result.movements),
    }


def child_psgscoring(path: Path, out: Path) -> dict[str, Any]:
    """One psgscoring run in this (fresh) process."""
    t_import = time.perf_counter()
    import mne
    import numpy as np
    import pandas as pd
    from psgscoring import analyze_plm

    resp_kinds = {"obstructive_apnea", "central_apnea", "mixed_apnea", "apnea", "hypopnea", "rera"}
    t0 = time.perf_counter()
    rss_imports = _rss_mb()
    raw = mne.io.read_raw_edf(path, include=["Leg L", "Leg R"], preload=False, verbose="error")
    data = raw.get_data(picks=["Leg L", "Leg R"]) * 1e6
    fs = float(raw.info["sfreq"])
    t1 = time.perf_counter()
    stem = path.with_suffix("")
    hyp = pd.read_csv(f"{stem}.truth_hypnogram.csv")
    ev = pd.read_csv(f"{stem}.truth_events.csv")
    stages = np.repeat(hyp["stage"].to_numpy(), (hyp["duration"] // 30).astype(int)).tolist()
    resp = ev[ev["kind"].isin(resp_kinds)]
    resp_events = [
        {"onset_s": float(o), "duration_s": float(d)}
        for o, d in zip(resp["onset"], resp["duration"], strict=True)
    ]
    res = analyze_plm(
        data[0], data[1], fs, stages, resp_events=resp_events, leg_unit="uV", event_list_cap=None
    )
    t2 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    (out / "psgscoring_plm.json").write_text(json.dumps(res["summary"], default=str))
    t3 = time.perf_counter()
    return {
        "import_s": t0 - t_import,
        "read_s": t1 - t0,
        "detect_s": t2 - t1,
        "score_s": 0.0,
        "write_s": t3 - t2,
        "pipeline_s": t3 - t0,
        "report_s": float("nan"),
        "rss_imports_mb": rss_imports,
        "peak_rss_mb": _rss_mb(),
        "peak_rss_with_report_mb": float("nan"),
        "plms_index": res["summary"].get("plm_index"),
        "n_lm": res["summary"].get("n_lm_total"),
    }


def run_child(tool: str, path: Path, out: Path) -> dict[str, Any]:
    """Run one measurement in a fresh single-core process; return its numbers."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", tool, str(path), str(out)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    env = {**os.environ, **SINGLE_THREAD_ENV}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{tool} run failed:\n{proc.stderr}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    data["process_s"] = wall
    return data


def render(rows: dict[str, list[dict[str, Any]]], command: str, repeats: int) -> str:
    """The results markdown."""
    import pandas as pd

    cols = ["read_s", "detect_s", "score_s", "write_s", "pipeline_s", "import_s", "process_s",
            "report_s", "rss_imports_mb", "peak_rss_mb", "peak_rss_with_report_mb"]  # fmt: skip
    table = []
    for tool, runs in rows.items():
        med = {c: statistics.median(float(r[c]) for r in runs) for c in cols}
        table.append({"tool": tool, **med})
    df = pd.DataFrame(table)
    ts = df.set_index("tool").loc["twitchscope"]
    pretty = df.rename(
        columns={
            "read_s": "read s",
            "detect_s": "detect s",
            "score_s": "score s",
            "write_s": "write JSON s",
            "pipeline_s": "pipeline s",
            "import_s": "imports s",
            "process_s": "whole process s",
            "report_s": "report.html s",
            "rss_imports_mb": "RSS after imports MB",
            "peak_rss_mb": "peak RSS MB",
            "peak_rss_with_report_mb": "peak RSS with report MB",
        }
    )
    verdict = [
        f"- twitchscope pipeline (read, detect, score, summary.json): {ts['pipeline_s']:.2f} s "
        f"(target < {TARGET_S:g} s: {'met' if ts['pipeline_s'] < TARGET_S else 'MISSED'}); "
        f"peak RSS {ts['peak_rss_mb']:.0f} MB (target < {TARGET_MB:g} MB: "
        f"{'met' if ts['peak_rss_mb'] < TARGET_MB else 'MISSED'}).",
        f"- report.html, timed apart: {ts['report_s']:.2f} s.",
    ]
    if "psgscoring" in df["tool"].to_list():
        psg = df.set_index("tool").loc["psgscoring"]
        verdict.append(
            f"- psgscoring on the same file: {psg['pipeline_s']:.2f} s, peak RSS "
            f"{psg['peak_rss_mb']:.0f} MB; twitchscope is "
            f"{psg['pipeline_s'] / ts['pipeline_s']:.1f}x faster."
        )
    runs_lines = []
    for tool, runs in rows.items():
        runs_lines.append(
            f"- {tool}: pipeline s "
            + ", ".join(f"{r['pipeline_s']:.3f}" for r in runs)
            + f"; PLMS/PLM index {runs[0]['plms_index']:.1f}/h, {runs[0]['n_lm']} LMs"
        )
    return "\n".join(
        [
            "# Speed and memory: one 8 h night end to end",
            "",
            f"Command: `{command}`",
            "",
            "Night: `simulate_night('rls', seed=0, duration_h=8, leg_fs=512)` as EDF+ "
            f"({NIGHT.stat().st_size / 1e6:.0f} MB, 12 signals, legs at 512 Hz = 14.7 M samples "
            "per leg). Each figure is the median of "
            f"{repeats} runs, each in a fresh Python process pinned to one core "
            "(`taskset -c 0`, OMP/OpenBLAS/MKL threads = 1), warm page cache. "
            "*pipeline* = open the file to summary.json written (imports excluded, shown apart); "
            "*whole process* includes interpreter start and imports. Peak RSS is the process's "
            "high-water mark (`VmHWM`, interpreter and libraries included) before the report is "
            "drawn.",
            "",
            markdown_table(pretty, floatfmt="{:.2f}"),
            "",
            *verdict,
            "",
            "Runs:",
            *runs_lines,
            "",
            "psgscoring's side: mne reads the two legs (float64); the hypnogram and respiratory "
            "events come from the simulator's CSVs (psgscoring takes them as Python lists); its "
            "`analyze_plm` scores AASM only (no WASM 2016 series rules, no by-stage or by-hour "
            "indices), so it does less work than twitchscope's scorer.",
            "",
            "## Machine",
            "",
            *machine_facts(),
            "",
            keep_notes(OUT),
        ]
    )


def main() -> None:
    """Run the speed benchmark (or one child measurement) and write benchmarks/results/speed.md."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tools", nargs="+", default=["twitchscope", "psgscoring"])
    ap.add_argument("--child", nargs=3, metavar=("TOOL", "FILE", "OUT"), help=argparse.SUPPRESS)
    ns = ap.parse_args()
    if ns.child:
        tool, file, out = ns.child
        fn = child_twitchscope if tool == "twitchscope" else child_psgscoring
        print(json.dumps(fn(Path(file), Path(out))))
        return
    command = ".venv/bin/python benchmarks/speed.py " + " ".join(sys.argv[1:])
    path = make_night()
    rows: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="twitchscope-speed-") as tmp:
        for i in range(ns.repeats):
            for tool in ns.tools:
                r = run_child(tool, path, Path(tmp) / f"{tool}{i}")
                rows.setdefault(tool, []).append(r)
                print(
                    f"{tool} run {i + 1}: pipeline {r['pipeline_s']:.3f} s (read "
                    f"{r['read_s']:.3f}, detect {r['detect_s']:.3f}, score {r['score_s']:.3f}), "
                    f"process {r['process_s']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB",
                    flush=True,
                )
    RESULTS.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(rows, command.strip(), ns.repeats), encoding="utf-8")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
