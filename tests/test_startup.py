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
