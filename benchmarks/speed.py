"""Speed and memory of scoring one 8 h night, stage by stage, twitchscope beside psgscoring.

Usage::

    .venv/bin/python benchmarks/speed.py [--repeats 5] [--quick]

The night: ``simulate_night("rls", seed=0, duration_h=8, leg_fs=500)`` written once as EDF+ to
``benchmarks/_data/night_8h_500hz.edf`` (the night of ``bench_command.py``; stages and events in
its EDF+ annotations).

Each run is a fresh Python process pinned to one core (``taskset -c 0``, BLAS/OpenMP threads 1);
every stage is timed in wall time (``perf_counter``) and CPU time (``process_time``):

* **twitchscope**: ``prepare`` (open the EDF, decode the two legs and ECG, read the EDF+
  stages and events), ``detect_movements`` (with each leg's part of twitch detection, as the
  ``score`` command runs it), ``score_prepared`` (WASM 2016), ``detect_other_twitches`` (the
  other twitch kinds, part of every ``score`` run since issue 11), write ``summary.json``. Then,
  timed apart, ``report.html``. Stages run one after the other here, on one core.
* **psgscoring**: the documented way in: ``mne.io.read_raw_edf`` of the two leg channels,
  ``get_data`` in µV, the hypnogram and respiratory events from the simulator's CSV files;
  detection is its per-leg detector ``_detect_lm_channel`` on each leg (what ``analyze_plm``
  runs first); scoring is ``analyze_plm`` itself with that detector replaced by the movements
  just found, so the scoring figure is its bilateral merge, staging, respiratory exclusion,
  series and indices, measured rather than assumed; then its summary is written as JSON.

Reported: the median over runs of each stage and of the pipeline (from before opening the file
to after the JSON is written; imports excluded and given apart), the whole-process wall time,
and the peak resident memory of the process (``VmHWM``, which includes the interpreter and
libraries). The pipeline target is judged on wall time, with CPU time beside it; the whole
command as a user runs it is ``bench_command.py``. ``--quick`` runs once and writes nothing.
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

# common (numpy, pandas) is imported only in the parent: a child's import figure must count
# every library it loads.
OUT = Path(__file__).resolve().parent / "results" / "speed.md"
TARGET_S = 1.0
#: The stages of the pipeline, in order (a stage a tool does not have is NaN).
PIPELINE = ("read", "detect", "score", "twitches", "write")
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


class _Clock:
    """Wall and CPU time of consecutive stages."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        self.out: dict[str, float] = {}

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.out[f"{name}_s"] = wall - self.wall
        self.out[f"{name}_cpu_s"] = cpu - self.cpu
        self.wall, self.cpu = wall, cpu


def child_twitchscope(path: Path, out: Path) -> dict[str, Any]:
    """One twitchscope run in this (fresh) process."""
    clock = _Clock()
    import dataclasses

    from twitchscope.api import detect_movements, detect_other_twitches, prepare, score_prepared
    from twitchscope.outputs import write_report, write_summary
    from twitchscope.scoring.rules import WASM2016

    clock.lap("import")
    rss_imports = _rss_mb()
    inputs = prepare(path)
    clock.lap("read")
    mv = detect_movements(inputs, WASM2016, twitches=True)
    clock.lap("detect")
    result = score_prepared(inputs, mv, WASM2016)
    clock.lap("score")
    result = dataclasses.replace(result, twitches=detect_other_twitches(inputs, mv, WASM2016))
    clock.lap("twitches")
    out.mkdir(parents=True, exist_ok=True)
    write_summary(result, out / "summary.json")
    clock.lap("write")
    rss = _rss_mb()
    write_report(result, out / "report.html")
    clock.lap("report")
    return {
        **clock.out,
        "rss_imports_mb": rss_imports,
        "peak_rss_mb": rss,
        "peak_rss_with_report_mb": _rss_mb(),
        "plms_index": result.indices["plms_index"],
        "n_lm": len(result.movements),
    }


def child_psgscoring(path: Path, out: Path) -> dict[str, Any]:
    """One psgscoring run in this (fresh) process."""
    clock = _Clock()
    import mne
    import numpy as np
    import pandas as pd
    import psgscoring.plm as plm
    from psgscoring import analyze_plm

    clock.lap("import")
    resp_kinds = {"obstructive_apnea", "central_apnea", "mixed_apnea", "apnea", "hypopnea", "rera"}
    rss_imports = _rss_mb()
    raw = mne.io.read_raw_edf(path, include=["Leg L", "Leg R"], preload=False, verbose="error")
    data = raw.get_data(picks=["Leg L", "Leg R"]) * 1e6
    fs = float(raw.info["sfreq"])
    stem = path.with_suffix("")
    hyp = pd.read_csv(f"{stem}.truth_hypnogram.csv")
    ev = pd.read_csv(f"{stem}.truth_events.csv")
    stages = np.repeat(hyp["stage"].to_numpy(), (hyp["duration"] // 30).astype(int)).tolist()
    resp = ev[ev["kind"].isin(resp_kinds)]
    resp_events = [
        {"onset_s": float(o), "duration_s": float(d)}
        for o, d in zip(resp["onset"], resp["duration"], strict=True)
    ]
    clock.lap("read")
    # detection: the per-leg detector analyze_plm runs first, with analyze_plm's defaults
    left, right = data[0], data[1]  # kept: the stand-in detector below looks them up by id
    detected = {
        id(leg): plm._detect_lm_channel(leg, fs, unit="uV", time_base_fix=True, offset_aasm=False)
        for leg in (left, right)
    }
    clock.lap("detect")
    # scoring: analyze_plm with its detector replaced by the movements just detected
    original = plm._detect_lm_channel
    plm._detect_lm_channel = lambda leg, *a, **k: detected[id(leg)]
    try:
        res = analyze_plm(
            left, right, fs, stages, resp_events=resp_events, leg_unit="uV",
            event_list_cap=None,
        )  # fmt: skip
    finally:
        plm._detect_lm_channel = original
    if not res.get("success"):
        raise RuntimeError(f"analyze_plm failed: {res.get('error')}")
    clock.lap("score")
    out.mkdir(parents=True, exist_ok=True)
    (out / "psgscoring_plm.json").write_text(json.dumps(res["summary"], default=str))
    clock.lap("write")
    return {
        **clock.out,
        "twitches_s": float("nan"),  # psgscoring finds leg movements only
        "twitches_cpu_s": float("nan"),
        "report_s": float("nan"),
        "report_cpu_s": float("nan"),
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
    from common import SINGLE_THREAD_ENV, load_average

    env = {**os.environ, **SINGLE_THREAD_ENV}
    load = load_average()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{tool} run failed:\n{proc.stderr}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    data["process_s"] = wall
    data["load"] = load
    for stage in PIPELINE:
        data.setdefault(f"{stage}_cpu_s", float("nan"))
    # a stage a tool does not have (psgscoring's twitch kinds) is NaN and adds nothing
    data["pipeline_s"] = sum(data[f"{s}_s"] for s in PIPELINE if data[f"{s}_s"] == data[f"{s}_s"])
    data["pipeline_cpu_s"] = sum(
        data[f"{s}_cpu_s"] for s in PIPELINE if data[f"{s}_cpu_s"] == data[f"{s}_cpu_s"]
    )
    return data


def render(rows: dict[str, list[dict[str, Any]]], command: str, repeats: int) -> str:
    """The results markdown; every statement is generated from ``rows``."""
    import pandas as pd
    from common import NIGHT, load_statement, machine_facts, markdown_table

    stages = (*PIPELINE, "pipeline", "import", "report")
    table = []
    med: dict[str, dict[str, float]] = {}
    for tool, runs in rows.items():
        m = {
            c: statistics.median(float(r[c]) for r in runs)
            for c in [f"{s}_s" for s in stages]
            + [f"{s}_cpu_s" for s in stages]
            + ["process_s", "peak_rss_mb", "rss_imports_mb", "peak_rss_with_report_mb"]
        }
        med[tool] = m
        row: dict[str, Any] = {"tool": tool}
        for s in stages:
            row[f"{s} s (CPU s)"] = (
                "n/a"
                if m[f"{s}_s"] != m[f"{s}_s"]
                else f"{m[f'{s}_s']:.2f} ({m[f'{s}_cpu_s']:.2f})"
            )
        row["whole process s"] = m["process_s"]
        row["peak RSS MB"] = m["peak_rss_mb"]
        table.append(row)
    df = pd.DataFrame(table)
    ts = med["twitchscope"]
    ok_t = ts["pipeline_s"] < TARGET_S
    ok_m = ts["peak_rss_mb"] < TARGET_MB
    verdict = [
        f"- twitchscope pipeline (read, detect, score, twitch kinds, summary.json): "
        f"{ts['pipeline_s']:.2f} s "
        f"wall, {ts['pipeline_cpu_s']:.2f} s CPU (target < {TARGET_S:g} s wall: "
        f"{'met' if ok_t else 'MISSED'}); peak RSS {ts['peak_rss_mb']:.0f} MB (target < "
        f"{TARGET_MB:g} MB: {'met' if ok_m else 'MISSED'}).",
        f"- report.html, timed apart: {ts['report_s']:.2f} s wall ({ts['report_cpu_s']:.2f} s "
        "CPU).",
    ]
    if "psgscoring" in med:
        psg = med["psgscoring"]
        verdict.append(
            f"- psgscoring on the same file: pipeline {psg['pipeline_s']:.2f} s wall "
            f"({psg['pipeline_cpu_s']:.2f} s CPU), of which scoring (`analyze_plm` on its "
            f"detected movements) {psg['score_s']:.3f} s; peak RSS {psg['peak_rss_mb']:.0f} MB. "
            f"twitchscope's pipeline is {psg['pipeline_s'] / ts['pipeline_s']:.1f}x faster in "
            f"wall time ({psg['pipeline_cpu_s'] / ts['pipeline_cpu_s']:.1f}x in CPU time). The "
            "whole command, imports and report included, is compared in "
            "[command.md](command.md)."
        )
    verdict.append(load_statement([float(r["load"]) for runs in rows.values() for r in runs]))
    runs_lines = []
    for tool, runs in rows.items():
        runs_lines.append(
            f"- {tool}: pipeline s "
            + ", ".join(f"{r['pipeline_s']:.3f} (load {r['load']:.1f})" for r in runs)
            + f"; PLMS/PLM index {runs[0]['plms_index']:.1f}/h, {runs[0]['n_lm']} LMs"
        )
    return "\n".join(
        [
            "# Speed and memory: one 8 h night, stage by stage",
            "",
            f"Command: `{command}`",
            "",
            "Night: `simulate_night('rls', seed=0, duration_h=8, leg_fs=500)` as EDF+ "
            f"({NIGHT.stat().st_size / 1e6:.0f} MB, 12 signals, legs at 500 Hz = 14.4 M samples "
            "per leg). Each figure is the median of "
            f"{repeats} runs, each in a fresh Python process pinned to one core "
            "(`taskset -c 0`, OMP/OpenBLAS/MKL threads = 1), warm page cache. Every stage is "
            "given as wall time with CPU time in brackets. *pipeline* = open the file to "
            "summary.json written (imports excluded, shown apart); *whole process* includes "
            "interpreter start and imports. Peak RSS is the process's high-water mark (`VmHWM`, "
            "interpreter and libraries included) before the report is drawn. psgscoring's "
            "*detect* is its per-leg detector on both legs and its *score* is `analyze_plm` on "
            "those movements (bilateral merge, staging, respiratory exclusion, series, indices).",
            "",
            markdown_table(df, floatfmt="{:.2f}"),
            "",
            *verdict,
            "",
            "Runs:",
            *runs_lines,
            "",
            "psgscoring's side: mne reads the two legs (float64); the hypnogram and respiratory "
            "events come from the simulator's CSVs (psgscoring takes them as Python lists); its "
            "`analyze_plm` scores AASM only (no WASM 2016 series rules, no by-stage or by-hour "
            "indices).",
            "",
            "## Machine",
            "",
            *machine_facts(),
            "",
        ]
    )


def main() -> None:
    """Run the speed benchmark (or one child measurement) and write benchmarks/results/speed.md."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="one run each; print, write nothing")
    ap.add_argument("--tools", nargs="+", default=["twitchscope", "psgscoring"])
    ap.add_argument("--child", nargs=3, metavar=("TOOL", "FILE", "OUT"), help=argparse.SUPPRESS)
    ns = ap.parse_args()
    if ns.child:
        tool, file, out = ns.child
        fn = child_twitchscope if tool == "twitchscope" else child_psgscoring
        print(json.dumps(fn(Path(file), Path(out))))
        return
    from common import RESULTS, make_night

    command = ".venv/bin/python benchmarks/speed.py " + " ".join(sys.argv[1:])
    path = make_night()
    repeats = 1 if ns.quick else ns.repeats
    rows: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="twitchscope-speed-") as tmp:
        for i in range(repeats):
            for tool in ns.tools:
                r = run_child(tool, path, Path(tmp) / f"{tool}{i}")
                rows.setdefault(tool, []).append(r)
                print(
                    f"{tool} run {i + 1}: pipeline {r['pipeline_s']:.3f} s (read "
                    f"{r['read_s']:.3f}, detect {r['detect_s']:.3f}, score {r['score_s']:.3f}), "
                    f"process {r['process_s']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB",
                    flush=True,
                )
    text = render(rows, command.strip(), repeats)
    if ns.quick:
        print(text)
        print("--quick: results not written")
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
