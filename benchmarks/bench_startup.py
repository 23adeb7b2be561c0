"""Start-up time of the command line: whole processes, as a user waits for them.

Usage::

    .venv/bin/python benchmarks/bench_startup.py [--repeats 10] [--baseline REV] [--quick]

Commands, each run ``--repeats`` times as a fresh process:

* ``twitchscope --help``, ``twitchscope score --help``, ``twitchscope version``;
* ``twitchscope assess examples/answers_example.json --labs examples/labs_example.json
  --out TMP`` (the whole command: answers, labs, assessment.json and assessment.html written);
* for scale: ``python -c pass`` (the interpreter alone) and ``python -c "import typer"``.

Every (tree, command) pair runs once per round, ``--repeats`` rounds, so a change of machine load
hits every row alike. Reported per command: the median and minimum wall time, the median CPU
time (user + system of the process, less disturbed than wall time on a loaded machine), and the
median of the ``python -X importtime`` cumulative import time (the sum over top-level imports).
With
``--baseline REV`` the same commands also run against the package source of git revision REV
(extracted to a temporary folder, same interpreter and libraries), side by side.

The target (issue 12, section 4): ``--help`` and ``assess`` under 0.5 s on the project's machine.
The result file records the machine, its load before and after, and whether each target was met
by the median wall time of this run. ``--quick`` (3 repeats) writes nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import RESULTS, ROOT, busy_load, machine_facts, was_busy

TARGET_S = 0.5
#: Start-up runs one short process at a time; a load above half the cores already shifts its
#: wall time (CPU and import times less).
STARTUP_BUSY_PER_CORE = 0.5
EXAMPLES = ROOT / "examples"


@dataclass
class Command:
    """One command line to time; ``target`` when the issue sets one for it."""

    name: str
    argv: list[str]
    target: float | None = None


def commands(python: str, out: Path, examples: Path = EXAMPLES) -> list[Command]:
    cli = [python, "-m", "twitchscope"]
    assess = [
        "assess",
        str(examples / "answers_example.json"),
        "--labs",
        str(examples / "labs_example.json"),
        "--out",
        str(out),
    ]
    return [
        Command("twitchscope --help", [*cli, "--help"], TARGET_S),
        Command("twitchscope score --help", [*cli, "score", "--help"]),
        Command("twitchscope version", [*cli, "version"]),
        Command("twitchscope assess (answers, labs)", [*cli, *assess], TARGET_S),
        Command("python -c pass", [python, "-c", "pass"]),
        Command('python -c "import typer"', [python, "-c", "import typer"]),
    ]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def import_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Cumulative import time (s) from ``-X importtime``: the sum over top-level imports."""
    proc = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]], env=env, capture_output=True, text=True
    )
    total_us = 0
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if not name.startswith("  "):  # a top-level import (nested ones are indented)
            total_us += int(cumulative.strip())
    return total_us / 1e6


def baseline_source(rev: str, folder: Path) -> Path:
    """The ``src`` and ``examples`` folders of git revision ``rev``, extracted into ``folder``.

    The baseline runs on its own example answers (the answer contract may have changed since).
    """
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "src.tar"
    git = ["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive)]
    subprocess.run([*git, rev, "src", "examples"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--baseline", help="git revision to time side by side (e.g. main)")
    ap.add_argument("--quick", action="store_true", help="3 repeats; write no result file")
    args = ap.parse_args()
    repeats = 3 if args.quick else args.repeats
    python = sys.executable
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        base_env = {**os.environ, "COLUMNS": "100", "MPLBACKEND": "Agg"}
        base_env.pop("PYTHONPATH", None)
        variants: list[tuple[str, dict[str, str], Path]] = [("this tree", base_env, EXAMPLES)]
        if args.baseline:
            base = baseline_source(args.baseline, Path(tmp) / "baseline")
            env = {**base_env, "PYTHONPATH": str(base / "src")}
            variants.append((f"baseline {args.baseline}", env, base / "examples"))
        # every (variant, command) pair, run round-robin so a change of load hits them alike
        jobs: list[tuple[str, Command, dict[str, str]]] = []
        for label, env, examples in variants:
            out = Path(tmp) / label.replace(" ", "_") / "assess"
            for c in commands(python, out, examples):
                # the interpreter and typer rows do not depend on the tree
                if label == "this tree" or c.name.startswith("twitchscope"):
                    jobs.append((label, c, env))
        for _, c, env in jobs:
            run_once(c.argv, env)  # warm the file cache
        walls: list[list[float]] = [[] for _ in jobs]
        cpus: list[list[float]] = [[] for _ in jobs]
        for _ in range(repeats):
            for i, (_, c, env) in enumerate(jobs):
                wall, cpu = run_once(c.argv, env)
                walls[i].append(wall)
                cpus[i].append(cpu)
        rows = []
        for i, (label, c, env) in enumerate(jobs):
            imports = statistics.median(import_seconds(c.argv, env) for _ in range(3))
            rows.append(
                (
                    label,
                    c,
                    statistics.median(walls[i]),
                    min(walls[i]),
                    statistics.median(cpus[i]),
                    imports,
                )
            )
    load_after = os.getloadavg()
    lines = [
        "| code | command | wall median s | wall min s | CPU median s | imports s (-X importtime) "
        "| target |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    verdicts = []
    for label, c, med, low, cpu, imports in rows:
        target = ""
        if c.target is not None:
            met = med < c.target
            target = f"< {c.target:g} s: {'met' if met else 'not met'}"
            if label == "this tree":
                verdicts.append(
                    f"- `{c.name}`: median wall {med:.3f} s, target < {c.target:g} s "
                    f"{'met' if met else 'NOT met'} in this run (CPU {cpu:.3f} s)."
                )
        lines.append(
            f"| {label} | `{c.name}` | {med:.3f} | {low:.3f} | {cpu:.3f} | {imports:.3f} | "
            f"{target} |"
        )
    loaded = was_busy([load_before[0], load_after[0]], per_core=STARTUP_BUSY_PER_CORE)
    text = "\n".join(
        [
            "# Start-up of the command line",
            "",
            "Generated by `benchmarks/bench_startup.py"
            + (f" --repeats {repeats}" if repeats != 10 else "")
            + (f" --baseline {args.baseline}" if args.baseline else "")
            + "`; every statement below comes from this run's own figures.",
            "",
            "## Machine",
            *machine_facts(),
            f"- load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}"
            f"; after: {', '.join(f'{x:.2f}' for x in load_after)}",
            "",
            f"## Results ({repeats} runs per command, fresh processes, interleaved)",
            "",
            *lines,
            "",
            *verdicts,
            "",
            (
                f"The machine was loaded during this run (load average above "
                f"{busy_load(STARTUP_BUSY_PER_CORE):.1f} on {os.cpu_count() or 1} cores): "
                "wall times are inflated; CPU and import times are less disturbed."
                if loaded
                else "The machine was quiet during this run."
            ),
            "",
        ]
    )
    print(text)
    if not args.quick:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "startup.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
