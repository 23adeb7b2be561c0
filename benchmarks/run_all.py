"""Run every recorded benchmark in turn and rewrite benchmarks/results/*.md.

Usage::

    make bench            # installs the bench extra (mne, pyedflib, psgscoring), then this
    .venv/bin/python benchmarks/run_all.py [--quick]

``--quick`` uses fewer repeats and nights; its figures are for a smoke check, not for the record.
Each benchmark runs in its own process, one after the other, so they never compete for the cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run the read, speed and accuracy benchmarks; return the first non-zero exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and nights")
    args = ap.parse_args()
    runs = [
        ["bench_read.py", "--repeats", "2" if args.quick else "5"],
        ["speed.py", "--repeats", "2" if args.quick else "5"],
        ["accuracy.py"] + (["--quick"] if args.quick else []),  # --quick never overwrites
    ]
    for script, *extra in runs:
        print(f"== {script} {' '.join(extra)}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), *extra])
        if code:
            print(f"{script} failed with exit code {code}", file=sys.stderr)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
