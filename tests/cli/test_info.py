"""``twitchscope info``: channels, roles, rates, units, duration, start, annotations, warnings."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from edfio import Edf, EdfAnnotation, EdfSignal, Recording

from twitchscope.cli import main


@pytest.fixture
def night(tmp_path: Path) -> Path:
    """A 2-minute EDF+C with legs, chin, SpO2, stages and events; one leg labelled mV wrongly."""
    rng = np.random.default_rng(21)
    n = 120
    path = tmp_path / "night.edf"
    Edf(
        [
            EdfSignal(
                rng.normal(0, 10, 256 * n),
                256,
                label="TIB Sx",
                physical_dimension="uV",
                physical_range=(-500, 500),
            ),
            EdfSignal(
                rng.normal(0, 10, 256 * n),
                256,
                label="TIB Dx",
                physical_dimension="mV",
                physical_range=(-5000, 5000),
            ),
            EdfSignal(
                rng.normal(0, 5, 200 * n),
                200,
                label="Chin1-Chin2",
                physical_dimension="uV",
                physical_range=(-300, 300),
            ),
            EdfSignal(
                np.full(n, 95.0), 1, label="SpO2", physical_dimension="%", physical_range=(0, 100)
            ),
        ],
        recording=Recording(startdate=dt.date(2024, 11, 3)),
        starttime=dt.time(23, 5, 0),
        annotations=[
            EdfAnnotation(0, 30, "Sleep stage W"),
            EdfAnnotation(30, 30, "Sleep stage N2"),
            EdfAnnotation(60, 30, "Sleep stage N2"),
            EdfAnnotation(90, 30, "Sleep stage R"),
            EdfAnnotation(45, 12, "Obstructive apnea"),
        ],
    ).write(path)
    return path


def test_info_human(night: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(night)]) == 0
    out = capsys.readouterr().out
    assert "EDF+C" in out and "2024-11-03 23:05:00" in out and "0:02:00" in out
    for text in ("TIB Sx", "leg_left", "TIB Dx", "leg_right", "Chin1-Chin2", "chin", "200", "%"):
        assert text in out
    assert "uV (from mV)" in out
    assert "'TIB Dx'" in out and "implausibly" in out


def test_info_json(night: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(night), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "EDF+C"
    assert data["start"] == "2024-11-03T23:05:00"
    assert data["duration_s"] == 120.0
    assert [c["label"] for c in data["channels"]] == ["TIB Sx", "TIB Dx", "Chin1-Chin2", "SpO2"]
    assert [c["fs_hz"] for c in data["channels"]] == [256, 256, 200, 1]
    assert data["channels"][1]["unit"] == "uV" and data["channels"][1]["source_unit"] == "mV"
    assert data["roles"]["leg_left"] == ["TIB Sx"] and data["roles"]["spo2"] == ["SpO2"]
    ann = data["annotations"]
    assert ann["descriptions"]["Sleep stage N2"] == 2
    assert ann["n_annotations"] == 5
    if ann["stages"] is not None:  # the annotation reader (another module) interprets stages
        assert ann["stages"] == {"N2": 2, "W": 1, "R": 1}
    assert any("'TIB Dx'" in w for w in data["warnings"])


def test_info_bad_input_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.edf"
    bad.write_text("not a recording at all\n" * 20)
    assert main(["info", str(bad)]) == 2
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert "notes.edf" in err and "not an EDF or BDF file" in err and "Traceback" not in err


def test_info_subprocess(night: Path, tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("twitchscope")
    proc = subprocess.run(
        [str(exe), "info", str(night), "--json"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["roles"]["leg_right"] == ["TIB Dx"]
    truncated = tmp_path / "cut.edf"
    truncated.write_bytes(night.read_bytes()[:300])
    proc = subprocess.run(
        [str(exe), "info", str(truncated)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "cut.edf" in proc.stderr and "Traceback" not in proc.stderr
