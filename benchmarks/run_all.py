"""Run every recorded benchmark in turn and rewrite benchmarks/results/*.md.

Usage::

    make bench            # installs the bench extra (mne, pyedflib, psgscoring), then this
    .venv/bin/python benchmarks/run_all.py [--quick]

Each benchmark runs in its own process, one after the other, so they never compete for the cores:
the reader comparison (``bench_read.py``), the stages of one night (``speed.py``), the whole
command as a user waits for it (``bench_command.py``), start-up of the light commands
(``bench_startup.py``), the report's cost (``bench_report.py``), agreement with PLMScoRe
(``plmscore_agreement.py``), detection accuracy (``accuracy.py``), the other twitch kinds,
accelerometers and automatic staging (``bench_twitches.py``), the web app (``bench_web.py``) and
the cohort runner on 200 nights of 8 h (``bench_batch.py``, the longest, last).

``--quick`` uses one repeat and fewer nights, for a smoke check: its figures are never recorded.
The scripts that know ``--quick`` print instead of writing; as a guarantee for all of them, the
results folder is restored afterwards to what it was before the quick run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def runs(quick: bool) -> list[list[str]]:
    """Script and arguments of every benchmark."""
    q = ["--quick"] if quick else []
    return [
        ["bench_read.py", *q],
        ["speed.py", *q],
        ["bench_command.py", *q],
        ["bench_startup.py", *q],
        ["bench_report.py", *(["--repeats", "1", "--no-baseline"] if quick else [])],
        ["plmscore_agreement.py", *q],
        ["accuracy.py", *q],  # --quick: a smoke run that never overwrites
        ["bench_twitches.py"],
        ["bench_web.py", *(["--repeats", "1"] if quick else [])],
        [
            "bench_batch.py",
            *(
                ["--nights", "12", "--hours", "1", "--distinct", "3", "--no-night-reports"]
                if quick
                else []
            ),
        ],
    ]


def _snapshot(directory: Path, into: Path) -> None:
    if directory.is_dir():
        shutil.copytree(directory, into / "results")


def _restore(directory: Path, saved: Path) -> None:
    """Put the results folder back as saved (files added by the quick run are removed)."""
    saved_dir = saved / "results"
    if directory.is_dir():
        shutil.rmtree(directory)
    if saved_dir.is_dir():
        shutil.copytree(saved_dir, directory)


def main() -> int:
    """Run the benchmarks; return the first non-zero exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and nights; not recorded")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="twitchscope-results-") as tmp:
        if args.quick:
            _snapshot(RESULTS, Path(tmp))
        code = 0
        try:
            for script, *extra in runs(args.quick):
                print(f"== {script} {' '.join(extra)}", flush=True)
                code = subprocess.call([sys.executable, str(HERE / script), *extra])
                if code:
                    print(f"{script} failed with exit code {code}", file=sys.stderr)
                    break
        finally:
            if args.quick:
                _restore(RESULTS, Path(tmp))
                print("--quick: benchmarks/results left as they were")
    return code


if __name__ == "__main__":
    sys.exit(main())
