"""``twitchscope simulate`` through main() and a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from twitchscope.cli import main


def test_cli_writes_files_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "dir" / "n.edf"
    rc = main(["simulate", "--scenario", "healthy", "--seed", "2", "--hours", "0.2", str(out)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "healthy" in text and "Leg L" in text and "n.truth_movements.csv" in text
    mov = pd.read_csv(tmp_path / "sub" / "dir" / "n.truth_movements.csv")
    assert f"left {(mov['leg'] == 'left').sum()}" in text
    assert out.is_file()


def test_cli_refuses_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "n.edf"
    args = ["simulate", "--scenario", "healthy", "--hours", "0.1", str(out)]
    assert main(args) == 0
    before = out.stat().st_mtime_ns
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "exists" in err and "--force" in err and "Traceback" not in err
    assert out.stat().st_mtime_ns == before
    assert main([*args, "--force"]) == 0


def test_cli_unknown_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--scenario", "bogus", str(tmp_path / "x.edf")]) == 2
    err = capsys.readouterr().err
    assert "bogus" in err and "rls" in err and "healthy" in err
    assert not (tmp_path / "x.edf").exists()


def test_cli_bad_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--format", "gdf", str(tmp_path / "x.gdf")]) == 2
    assert "format" in capsys.readouterr().err


def test_cli_subprocess_bdf(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "twitchscope"
    out = tmp_path / "n.bdf"
    proc = subprocess.run(
        [str(exe), "simulate", "--scenario", "osa", "--seed", "1", "--hours", "0.2",
         "--format", "bdf", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "osa" in proc.stdout
    assert out.is_file() and (tmp_path / "n.truth.json").is_file()


def test_cli_bad_hours(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--hours", "0", str(tmp_path / "x.edf")]) == 2
    assert "--hours" in capsys.readouterr().err
    assert not (tmp_path / "x.edf").exists()
