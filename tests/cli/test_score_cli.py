"""``twitchscope score``: outputs, rule options, warnings, and bad input exiting 2 cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from twitchscope.cli import main
from twitchscope.outputs import FILES
from twitchscope.simulate import SimulatedNight, simulate_night

BIN = Path(sys.executable).parent / "twitchscope"


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[SimulatedNight, Path]:
    sim = simulate_night("rls", seed=11, duration_h=0.5)
    path = tmp_path_factory.mktemp("cli_night") / "night.edf"
    sim.write(path)
    return sim, path


def write_legs(
    path: Path,
    left: np.ndarray | None,
    right: np.ndarray | None,
    fs: float = 256.0,
    limit: float = 2000.0,
) -> Path:
    """A plain EDF with the given leg signals (µV) and an EEG channel."""
    from edfio import Edf, EdfSignal

    n = (left if left is not None else right if right is not None else np.zeros(1)).size
    rng = np.random.default_rng(0)
    sigs = [EdfSignal(rng.normal(0, 20, n), sampling_frequency=fs, label="C3-M2",
                      physical_dimension="uV", physical_range=(-500, 500))]  # fmt: skip
    for label, data in (("Leg L", left), ("Leg R", right)):
        if data is not None:
            sigs.append(
                EdfSignal(
                    data,
                    sampling_frequency=fs,
                    label=label,
                    physical_dimension="uV",
                    physical_range=(-limit, limit),
                )
            )
    Edf(sigs).write(path)
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_score_writes_outputs_and_prints_indices(
    night: tuple[SimulatedNight, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = night
    out = tmp_path / "out"
    code, stdout, stderr = run(["score", str(path), "--out", str(out)], capsys)
    assert code == 0, stderr
    names = {p.name for p in out.iterdir()}
    assert set(FILES) <= names and not any(n.endswith(".part") for n in names)
    s = json.loads((out / "summary.json").read_text())
    assert "plms_index" in stdout and "results written" in stdout
    assert f"{s['plms_index']:.2f}" in stdout
    # progress steps are shown
    assert "detected" in stderr and "scored (wasm2016)" in stderr


def test_rules_and_rule_overrides_reach_summary(
    night: tuple[SimulatedNight, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = night
    truth = path.with_name("night.truth_movements.csv")
    out = tmp_path / "aasm"
    args = ["score", str(path), "--movements", str(truth), "--rules", "aasm", "--out", str(out)]
    args += ["--rule", "interval_max_inclusive=false", "--rule", "bandpass_hz=20,90"]
    args += ["--no-report", "-q"]
    code, _, stderr = run(args, capsys)
    assert code == 0, stderr
    s = json.loads((out / "summary.json").read_text())
    assert s["rules"]["preset"] == "aasm+custom"
    assert s["rules"]["options"]["interval_max_inclusive"] is False
    assert s["rules"]["options"]["bandpass_hz"] == [20.0, 90.0]
    assert s["rules"]["options"]["interval_min_s"] == 5.0
    assert s["mode"] == "reference" and s["movements_source"] == str(truth)
    assert not (out / "report.html").exists()


def test_integer_coded_hypnogram_needs_and_uses_stage_codes(
    night: tuple[SimulatedNight, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim, path = night
    truth = path.with_name("night.truth_movements.csv")
    codes = {"W": 0, "N1": 1, "N2": 2, "N3": 3, "R": 5}
    coded = tmp_path / "hyp_codes.csv"
    coded.write_text("stage\n" + "".join(f"{codes[s]}\n" for s in sim.hypnogram.stages))
    base = ["score", str(path), "--movements", str(truth), "--no-report", "-q"]

    code, _, stderr = run([*base, "--hypnogram", str(coded), "--out", str(tmp_path / "a")], capsys)
    assert code == 2 and "integer codes" in stderr and "Traceback" not in stderr

    mapping = "0=W,1=N1,2=N2,3=N3,5=R"
    code, _, stderr = run([*base, "--stage-codes", mapping, "--out", str(tmp_path / "b")], capsys)
    assert code == 2 and "--stage-codes: needs --hypnogram" in stderr

    args = [*base, "--hypnogram", str(coded), "--stage-codes", mapping]
    args += ["--out", str(tmp_path / "c")]
    code, _, stderr = run(args, capsys)
    assert code == 0, stderr
    with_codes = json.loads((tmp_path / "c" / "summary.json").read_text())
    code, _, stderr = run([*base, "--out", str(tmp_path / "d")], capsys)  # stages from the EDF+
    assert code == 0, stderr
    embedded = json.loads((tmp_path / "d" / "summary.json").read_text())
    assert with_codes["total_sleep_time_h"] == embedded["total_sleep_time_h"]
    assert with_codes["plms_index"] == pytest.approx(embedded["plms_index"])


def test_quality_warning_reaches_summary_and_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A leg EMG of 0.05 µV peak: the unit is wrong (V or mV data labelled µV).
    rng = np.random.default_rng(1)
    tiny = rng.normal(0, 0.05, 256 * 120)
    path = write_legs(tmp_path / "tiny.edf", tiny, tiny.copy() * 1.1, limit=1.0)
    out = tmp_path / "out"
    code, _, stderr = run(["score", str(path), "--out", str(out), "--no-report"], capsys)
    assert code == 0, stderr
    s = json.loads((out / "summary.json").read_text())
    unit_warnings = [w for w in s["warnings"] if "implausibly small" in w]
    assert any("'Leg L'" in w for w in unit_warnings)
    assert any("'Leg R'" in w for w in unit_warnings)
    assert "implausibly small" in stderr
    assert any("no hypnogram" in w for w in s["warnings"])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing_file", "missing.edf"),
        ("no_leg", "leg_left"),
        ("flat_leg", "flat"),
        ("slow_leg", "needs at least 100 Hz"),
        ("long_hypnogram", "covers"),
        ("bad_preset", "unknown preset"),
        ("bad_rule", "unknown option"),
    ],
)
def test_bad_input_exits_2_without_traceback(
    case: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(2)
    emg = rng.normal(0, 5, 256 * 60)
    args: list[str] = []
    if case == "missing_file":
        path = tmp_path / "missing.edf"
    elif case == "no_leg":
        path = write_legs(tmp_path / "x.edf", None, emg)
    elif case == "flat_leg":
        path = write_legs(tmp_path / "x.edf", np.full(emg.size, 3.0), emg)
    elif case == "slow_leg":
        path = write_legs(tmp_path / "x.edf", emg[::4], emg[::4].copy(), fs=64.0)
    else:
        path = write_legs(tmp_path / "x.edf", emg, emg.copy())
    if case == "long_hypnogram":
        hyp = tmp_path / "hyp.csv"
        hyp.write_text("stage\n" + "N2\n" * 20)  # 600 s for a 60 s recording
        args = ["--hypnogram", str(hyp)]
    elif case == "bad_preset":
        args = ["--rules", "wasm2099"]
    elif case == "bad_rule":
        args = ["--rule", "speed=fast"]
    code, stdout, stderr = run(["score", str(path), "--out", str(tmp_path / "o"), *args], capsys)
    assert code == 2, stdout + stderr
    assert "error:" in stderr and message in stderr
    assert "Traceback" not in stderr + stdout


def test_real_subprocess(night: tuple[SimulatedNight, Path], tmp_path: Path) -> None:
    _, path = night
    truth = path.with_name("night.truth_movements.csv")
    out = tmp_path / "sub"
    proc = subprocess.run(
        [str(BIN), "score", str(path), "--movements", str(truth), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.html").is_file()
    assert "plms_index" in proc.stdout
    bad = subprocess.run(
        [str(BIN), "score", str(tmp_path / "nope.edf"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "nope.edf" in bad.stderr and "Traceback" not in bad.stderr
