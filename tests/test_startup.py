"""Start-up: each command imports only what it needs (checked by module, not by timing).

``twitchscope --help`` and ``twitchscope assess`` must start in well under 0.5 s, so they must
not load numpy, pandas, scipy, matplotlib or pydantic; ``score`` needs numpy and pandas but not
scipy or matplotlib (without ``report.html``). The times themselves are measured by
``benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("numpy", "pandas", "scipy", "matplotlib", "pydantic", "sqlalchemy", "jinja2", "mne")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

_RUN = r"""
import json, sys
from twitchscope.cli import main
try:
    code = main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code
heavy = json.loads(sys.argv[2])
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def loaded_by(args: list[str], cwd: Path) -> list[str]:
    """Heavy packages in ``sys.modules`` after running the CLI with ``args`` in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, proc.stdout + proc.stderr
    loaded: list[str] = result["loaded"]
    return loaded


@pytest.mark.parametrize(
    "args",
    [["--help"], ["score", "--help"], ["version"]],
    ids=["help", "score-help", "version"],
)
def test_help_loads_no_heavy_package(args: list[str], tmp_path: Path) -> None:
    assert loaded_by(args, tmp_path) == []


def test_assess_loads_no_heavy_package(tmp_path: Path) -> None:
    args = ["assess", str(EXAMPLES / "answers_example.json")]
    args += ["--labs", str(EXAMPLES / "labs_example.json"), "--out", str(tmp_path / "a")]
    # assessment.html is rendered from the shared Jinja2 templates (issue 7): jinja2 (~30 ms of
    # imports) is the one library the page needs; nothing numeric is loaded.
    assert loaded_by(args, tmp_path) == ["jinja2"]
    assert (tmp_path / "a" / "assessment.html").is_file()


def test_score_without_report_loads_no_scipy_or_matplotlib(tmp_path: Path) -> None:
    from twitchscope.simulate import simulate_night

    simulate_night("rls", seed=4, duration_h=0.1).write(tmp_path / "n.edf")
    args = ["score", str(tmp_path / "n.edf"), "--out", str(tmp_path / "o"), "--no-report", "-q"]
    assert loaded_by(args, tmp_path) == ["numpy", "pandas"]


def test_package_import_is_light() -> None:
    code = "import sys, json, twitchscope; print(json.dumps([m for m in %r if m in sys.modules]))"
    proc = subprocess.run(
        [sys.executable, "-c", code % (HEAVY,)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


_RUN_SET_UP = r"""
import json, sys
from twitchscope.cli import main, set_up_process
args = json.loads(sys.argv[1])
set_up_process(args)
code = main(args)
loaded = sys.modules.get("pyarrow") is not None
print(json.dumps({"code": code, "pyarrow": loaded}))
"""


def _run_set_up(args: list[str], cwd: Path) -> bool:
    """Run the command as the console script sets it up; whether pyarrow was loaded."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_SET_UP, json.dumps(args)],
        capture_output=True, text=True, timeout=300, cwd=cwd,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, proc.stdout + proc.stderr
    return bool(result["pyarrow"])


def test_score_of_an_edf_keeps_pyarrow_out_with_the_same_results(tmp_path: Path) -> None:
    """pandas loads pyarrow when installed; ``score`` of an EDF needs none of it, so the console
    script keeps it out: the same files as a run with it (checked here against the in-process
    command, which loads it)."""
    pytest.importorskip("pyarrow")
    from twitchscope.cli import main
    from twitchscope.simulate import simulate_night

    simulate_night("rls", seed=4, duration_h=0.2).write(tmp_path / "n.edf")
    without = ["score", str(tmp_path / "n.edf"), "--out", str(tmp_path / "a"), "-q"]
    assert _run_set_up(without, tmp_path) is False
    assert main(["score", str(tmp_path / "n.edf"), "--out", str(tmp_path / "b"), "-q"]) == 0
    for name in ("leg_movements.csv", "scored_movements.csv", "twitches.csv", "summary.csv",
                 "hypnogram.csv", "scored_movements.edf"):  # fmt: skip
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    a = json.loads((tmp_path / "a" / "summary.json").read_text())
    b = json.loads((tmp_path / "b" / "summary.json").read_text())
    a.pop("created", None), b.pop("created", None)
    assert a == b


def test_score_of_a_parquet_accelerometer_file_may_load_pyarrow(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import numpy as np
    import pandas as pd

    n, fs = 25 * 600, 25.0  # 10 min of a still ankle, in g
    rng = np.random.default_rng(0)
    xyz = {axis: rng.normal(0, 0.01, n) for axis in "xyz"}
    frame = pd.DataFrame({"time": np.arange(n) / fs, **xyz}).assign(z=lambda f: f.z + 1.0)
    path = tmp_path / "ankle.PARQUET"
    frame.to_parquet(path, index=False)
    assert _run_set_up(["score", str(path), "--out", str(tmp_path / "o"), "-q"], tmp_path)
