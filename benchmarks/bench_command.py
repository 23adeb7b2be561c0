"""The figure a user waits for: whole commands, in fresh processes, side by side in one run.

Usage::

    .venv/bin/python benchmarks/bench_command.py [--repeats 3] [--quick]

The night: ``simulate_night("rls", seed=0, duration_h=8, leg_fs=500)`` as EDF+
(``benchmarks/_data/night_8h_500hz.edf``, stages and events in its annotations). Each command
runs as its own process, from process start to exit, with a warm page cache; the runs of the
different commands are interleaved, so a change of machine load hits all of them alike:

* ``twitchscope score NIGHT --out DIR`` (report.html included) and with ``--no-report``;
* psgscoring's whole run: a fresh Python process that imports mne and psgscoring, reads the two
  leg channels with mne, reads the hypnogram and respiratory events (simulator CSVs), runs
  ``analyze_plm`` (its LM detection and AASM PLM scoring) and writes its summary as JSON;
* ``twitchscope --help`` and ``twitchscope assess examples/answers_example.json --out DIR``;
* an analysis row, not a user's figure: ``score`` (report included) in a process that imports
  every module a ``score`` run loads (the list taken from one untimed run) before the command
  starts, its wall and CPU time less the time of those imports, which the process measures
  itself. Interpreter start and the command line's own imports stay in. Imports cost nothing in
  this figure, so it bounds what any cut of import time alone (pandas off the path among them)
  could reach.

Reported per command: median wall time (what the user waits for; every target is judged on it),
CPU time (user + system of the process, from ``wait4``) beside it, and peak RSS. Targets:
``score`` with the report at least 10x faster than psgscoring's whole run; ``--help`` and
``assess`` under 0.5 s. The machine's load average is recorded before every run. ``--quick``
runs once and prints; it never writes ``benchmarks/results/command.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    RESULTS,
    ROOT,
    SINGLE_THREAD_ENV,
    load_average,
    load_statement,
    machine_facts,
    make_night,
)

OUT = RESULTS / "command.md"
SPEEDUP_TARGET = 10.0
STARTUP_TARGET_S = 0.5

#: psgscoring's whole run, as a user of it would write it (run with ``python -c``).
PSGSCORING_RUN = """
import json, sys
import mne
import numpy as np
import pandas as pd
from psgscoring import analyze_plm

path, out = sys.argv[1], sys.argv[2]
raw = mne.io.read_raw_edf(path, include=["Leg L", "Leg R"], preload=False, verbose="error")
legs = raw.get_data(picks=["Leg L", "Leg R"]) * 1e6
stem = path[: -len(".edf")]
hyp = pd.read_csv(stem + ".truth_hypnogram.csv")
stages = np.repeat(hyp["stage"].to_numpy(), (hyp["duration"] // 30).astype(int)).tolist()
ev = pd.read_csv(stem + ".truth_events.csv")
kinds = {"obstructive_apnea", "central_apnea", "mixed_apnea", "apnea", "hypopnea", "rera"}
resp = ev[ev["kind"].isin(kinds)]
resp_events = [{"onset_s": float(o), "duration_s": float(d)}
               for o, d in zip(resp["onset"], resp["duration"])]
res = analyze_plm(legs[0], legs[1], float(raw.info["sfreq"]), stages, resp_events=resp_events,
                  leg_unit="uV", event_list_cap=None)
if not res["success"]:
    sys.exit("analyze_plm failed: " + str(res["error"]))
with open(out, "w") as fh:
    json.dump(res["summary"], fh, default=str)
"""


@dataclass
class Run:
    """One process: wall and CPU seconds, peak RSS (MB), load before it, exit code."""

    wall_s: float
    cpu_s: float
    rss_mb: float
    load: float
    code: int


#: Writes the names of the modules a ``score`` run loaded (argv: the score arguments, then the
#: list file to write). Run once, untimed, to make the list :data:`PREIMPORTED_SCORE` imports.
SCORE_MODULES_LIST = """
import sys
from twitchscope.cli import main, set_up_process
args, out = sys.argv[1:-1], sys.argv[-1]
set_up_process(args)
code = main(args)
names = sorted(n for n, m in list(sys.modules.items()) if m is not None and n != "__main__")
open(out, "w").write("\\n".join(names))
sys.exit(code)
"""

#: ``twitchscope score`` with the modules of a ``score`` run imported before the command starts
#: (argv: the modules list file, then the score arguments). The last line on stderr gives the
#: wall and CPU seconds those imports took.
PREIMPORTED_SCORE = """
import importlib, sys, time
from twitchscope.cli import _exit, main, set_up_process
names, args = open(sys.argv[1]).read().split(), sys.argv[2:]
set_up_process(args)
wall, cpu = time.perf_counter(), time.process_time()
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        pass  # a module loaded under another name, or one set aside (pyarrow)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
code = main(args)
sys.stderr.write(f"\\npre-imports {wall:.6f} {cpu:.6f}\\n")
_exit(code)
"""

#: Name of the analysis row (see the module docstring).
PREIMPORTED = "score with its imports taken off (analysis, not a user's figure)"


def commands(night: Path, tmp: Path) -> dict[str, list[str]]:
    """The commands compared, by name."""
    exe = shutil.which("twitchscope", path=str(Path(sys.executable).parent)) or "twitchscope"
    answers = ROOT / "examples" / "answers_example.json"
    return {
        "twitchscope score (with report.html)": [exe, "score", str(night), "--out",
                                                 str(tmp / "score"), "--quiet"],
        "twitchscope score --no-report": [exe, "score", str(night), "--out",
                                          str(tmp / "score_nr"), "--quiet", "--no-report"],
        "psgscoring whole run": [sys.executable, "-c", PSGSCORING_RUN, str(night),
                                 str(tmp / "psgscoring.json")],
        "twitchscope --help": [exe, "--help"],
        "twitchscope assess": [exe, "assess", str(answers), "--out", str(tmp / "assess")],
        PREIMPORTED: [sys.executable, "-c", PREIMPORTED_SCORE, str(tmp / "modules.txt"), "score",
                      str(night), "--out", str(tmp / "score_pre"), "--quiet"],
    }  # fmt: skip


def list_score_modules(night: Path, tmp: Path) -> None:
    """Write ``tmp/modules.txt``: the modules one (untimed) ``score`` run loads."""
    env = {**os.environ, **SINGLE_THREAD_ENV}
    subprocess.run(
        [sys.executable, "-c", SCORE_MODULES_LIST, "score", str(night), "--out",
         str(tmp / "score_list"), "--quiet", str(tmp / "modules.txt")],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _watch_peak_rss(pid: int, peak: list[float], stop: threading.Event) -> None:
    """Keep ``peak[0]`` at the process's own high-water mark (VmHWM, MB) until it exits.

    ``ru_maxrss`` from ``wait4`` cannot be used: Linux carries it across ``fork`` and ``exec``,
    so every child of this (large, night-simulating) parent would report the parent's size.
    VmHWM belongs to the exec'd program alone; it is read every 5 ms until the process is gone.
    """
    path = Path(f"/proc/{pid}/status")
    while not stop.is_set():
        try:
            for line in path.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]) / 1024.0)
        except (OSError, ValueError):
            return
        stop.wait(0.005)


def run_process(cmd: list[str]) -> Run:
    """Run ``cmd`` to completion; wall time from spawn to exit, CPU from ``wait4``, peak RSS
    from the process's own VmHWM."""
    load = load_average()
    env = {**os.environ, **SINGLE_THREAD_ENV, "COLUMNS": "100"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = [0.0]  # max() with a NaN first would stay NaN
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_peak_rss, args=(proc.pid, peak, stop), daemon=True)
    watcher.start()
    assert proc.stderr is not None
    err = proc.stderr.read()
    stop.set()  # VmHWM of a process that is exiting is its final peak: the last read stands
    watcher.join()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({proc.returncode}):\n{err.decode()}")
    pre_wall, pre_cpu = _pre_imports(err.decode(errors="replace"))
    return Run(
        wall_s=wall - pre_wall,
        cpu_s=usage.ru_utime + usage.ru_stime - pre_cpu,
        rss_mb=peak[0] if peak[0] > 0 else float("nan"),
        load=load,
        code=proc.returncode,
    )


def _pre_imports(stderr: str) -> tuple[float, float]:
    """Wall and CPU seconds of the pre-imports a :data:`PREIMPORTED_SCORE` run reports (else 0)."""
    lines = stderr.strip().splitlines()
    if not lines or not lines[-1].startswith("pre-imports "):
        return 0.0, 0.0
    _, wall, cpu = lines[-1].split()
    return float(wall), float(cpu)


def import_profile(cmd: list[str]) -> tuple[float, list[tuple[str, float]]]:
    """Start-up of one run of ``cmd`` under ``python -X importtime``.

    Returns the total import time (s) and, largest first, the cumulative import time of each
    third-party package (with everything it pulled in) and the own time of twitchscope's modules.
    """
    exe = [sys.executable, "-X", "importtime", "-m", "twitchscope", *cmd[1:]]
    env = {**os.environ, **SINGLE_THREAD_ENV, "COLUMNS": "100"}
    proc = subprocess.run(exe, capture_output=True, text=True, env=env, check=True)
    packages: dict[str, float] = {}
    own = total = 0.0
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3:
            continue
        self_us, cum_us = parts[0].split(":")[1].strip(), parts[1].strip()
        if not (self_us.isdigit() and cum_us.isdigit()):
            continue
        name = parts[2].strip()
        total += int(self_us) / 1e6
        if name.startswith("twitchscope"):
            own += int(self_us) / 1e6
        elif "." not in name and not name.startswith("_") and name not in packages:
            packages[name] = int(cum_us) / 1e6
    ranked = sorted(packages.items(), key=lambda kv: -kv[1])[:8]
    return total, sorted([*ranked, ("twitchscope's own modules", own)], key=lambda kv: -kv[1])


def _report_cost(
    with_report: dict[str, float], without: dict[str, float], runs: dict[str, list[Run]]
) -> str:
    """What report.html adds, or that the difference is within the run-to-run spread."""
    diff = with_report["wall"] - without["wall"]
    cpu = with_report["cpu"] - without["cpu"]
    walls = [r.wall_s for r in runs["twitchscope score --no-report"]]
    spread = max(walls) - min(walls)
    if abs(diff) <= spread:
        return (
            f"the report's cost ({diff:+.2f} s wall, {cpu:+.2f} s CPU) is within the run-to-run "
            f"spread of the runs without it ({spread:.2f} s)."
        )
    return f"the report adds {diff:.2f} s wall ({cpu:+.2f} s CPU)."


def render(
    runs: dict[str, list[Run]],
    repeats: int,
    command: str,
    night: Path,
    imports: tuple[float, list[tuple[str, float]]] | None = None,
) -> str:
    """The results markdown; every statement comes from ``runs``."""
    med = {
        name: {
            "wall": statistics.median(r.wall_s for r in rs),
            "cpu": statistics.median(r.cpu_s for r in rs),
            "rss": statistics.median(r.rss_mb for r in rs),
        }
        for name, rs in runs.items()
    }
    psg = med["psgscoring whole run"]["wall"]
    lines = [
        "# The whole command, as a user waits for it",
        "",
        f"Command: `{command}`",
        "",
        f"Night: `simulate_night('rls', seed=0, duration_h=8, leg_fs=500)` as EDF+ "
        f"({night.stat().st_size / 1e6:.0f} MB; legs at 500 Hz, 14.4 M samples each; stages, "
        "apnoeas and arousals in its annotations). Each figure is the median of "
        f"{repeats} runs; every run is a fresh process timed from spawn to exit (interpreter "
        "start, imports, reading, detection, scoring, writing), warm page cache, numeric "
        "libraries on one thread, the commands interleaved. *wall* is what a user waits for and "
        "what every target is judged on; *CPU* (user + system time of the process) is given "
        "beside it. psgscoring's whole run imports mne and psgscoring, reads the two legs with "
        "mne, takes the hypnogram and respiratory events from the simulator's CSV files and runs "
        "`analyze_plm` (LM detection and AASM scoring).",
        "",
        "| command | wall s | CPU s | peak RSS MB | psgscoring's wall / this wall |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, m in med.items():
        scored = name.startswith("twitchscope score") or name == PREIMPORTED
        ratio = psg / m["wall"] if scored else float("nan")
        lines.append(
            f"| {name} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['rss']:.0f} | "
            + (f"{ratio:.1f}x |" if ratio == ratio else "|")
        )
    score = med["twitchscope score (with report.html)"]
    speedup = psg / score["wall"]
    lines += [
        "",
        f"- `twitchscope score` with report.html: {score['wall']:.2f} s wall ({score['cpu']:.2f} "
        f"s CPU) against psgscoring's whole run {psg:.2f} s wall "
        f"({med['psgscoring whole run']['cpu']:.2f} s CPU): {speedup:.1f}x faster (target >= "
        f"{SPEEDUP_TARGET:g}x: {'met' if speedup >= SPEEDUP_TARGET else 'MISSED'}).",
        f"- without report.html: {med['twitchscope score --no-report']['wall']:.2f} s wall; "
        + _report_cost(score, med["twitchscope score --no-report"], runs),
    ]
    for name in ("twitchscope --help", "twitchscope assess"):
        m = med[name]
        ok = m["wall"] < STARTUP_TARGET_S
        lines.append(
            f"- `{name}`: {m['wall']:.2f} s wall ({m['cpu']:.2f} s CPU; target < "
            f"{STARTUP_TARGET_S:g} s: {'met' if ok else 'MISSED'})."
        )
    if PREIMPORTED in med:
        floor = med[PREIMPORTED]
        lines.append(
            f"- with every module of a `score` run imported before the command starts (the "
            f"imports' own time taken off), `score` with report.html takes {floor['wall']:.2f} s "
            f"wall ({floor['cpu']:.2f} s CPU): {psg / floor['wall']:.1f}x psgscoring's whole run. "
            f"Imports cost nothing in this figure: it bounds what any cut of import time alone "
            f"could reach; {SPEEDUP_TARGET:g}x would need {psg / SPEEDUP_TARGET:.2f} s."
        )
    lines.append(load_statement([r.load for rs in runs.values() for r in rs]))
    if imports:
        total, parts = imports
        shown = ", ".join(f"{m} {t:.2f} s" for m, t in parts)
        lines += [
            "",
            f"Start-up of a `score --no-report` process (`python -X importtime`, one run): "
            f"{total:.2f} s of imports in all; largest: {shown} (third-party packages with "
            "everything they import). `score` starts reading and detecting on threads while "
            "its later imports run, so these import times include waiting for the interpreter "
            "lock: they are upper bounds. The stages after the imports (read, detect, score, "
            "write) are timed apart in [speed.md](speed.md).",
        ]
    lines += ["", "Runs (wall s, load average before the run):"]
    for name, rs in runs.items():
        lines.append(f"- {name}: " + ", ".join(f"{r.wall_s:.2f} (load {r.load:.1f})" for r in rs))
    lines += ["", "## Machine", "", *machine_facts(), ""]
    return "\n".join(lines)


def main() -> None:
    """Run every command ``--repeats`` times, interleaved; write results/command.md."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one run each; print, write nothing")
    args = ap.parse_args()
    repeats = 1 if args.quick else args.repeats
    night = make_night()
    with open(night, "rb") as fh:  # warm the page cache
        while fh.read(1 << 24):
            pass
    runs: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="twitchscope-command-") as tmp:
        cmds = commands(night, Path(tmp))
        list_score_modules(night, Path(tmp))
        for i in range(repeats):
            for name, cmd in cmds.items():
                r = run_process(cmd)
                runs.setdefault(name, []).append(r)
                print(
                    f"run {i + 1} {name}: {r.wall_s:.2f} s wall, {r.cpu_s:.2f} s CPU, "
                    f"{r.rss_mb:.0f} MB (load {r.load:.1f})",
                    flush=True,
                )
        imports = import_profile(cmds["twitchscope score --no-report"])
    command = ".venv/bin/python benchmarks/bench_command.py " + " ".join(sys.argv[1:])
    text = render(runs, repeats, command.strip(), night, imports)
    if args.quick:
        print(text)
        print("--quick: results not written")
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
