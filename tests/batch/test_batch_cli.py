"""``twitchscope batch`` on the command line: output, exit codes, escaping, light imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from twitchscope.cli import main

BIN = Path(sys.executable).parent / "twitchscope"


def test_batch_command_runs_resumes_and_escapes_names(
    tmp_path: Path, night_files: dict[str, Path]
) -> None:
    d = tmp_path / "in"
    d.mkdir()
    odd = "[b]odd night"
    shutil.copy(night_files["night0"], d / f"{odd}.edf")
    (d / "[red]bad.edf").write_bytes(b"0       " + b"junk" * 80)
    out = tmp_path / "out"
    proc = subprocess.run(
        [BIN, "batch", d, "--out", out, "--workers", "1", "--rule", "interval_max_s=80"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "done             1" in proc.stdout and "failed           1" in proc.stdout
    assert "(e.g. [red]bad)" in proc.stdout  # shown as text, not taken as console markup
    assert f"report: {out / 'report.html'}" in proc.stdout
    assert "2 nights found" in proc.stderr
    nights = pd.read_parquet(out / "nights.parquet").set_index("id")
    assert nights.loc[odd, "status"] == "done" and nights.loc["[red]bad", "status"] == "failed"
    assert nights.loc[odd, "rules"] == "wasm2016+custom"

    code = main(["batch", str(d), "--out", str(out), "-q", "--rule", "interval_max_s=80"])
    assert code == 0
    log = sorted((out / "logs").iterdir())
    assert len(log) == 2 and "1 finished by an earlier run" not in log[0].read_text()
    assert "2 finished by an earlier run" in log[1].read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "nonsense=1"], "--rule nonsense: unknown option"),
        (["--rules", "xyz"], "unknown preset 'xyz'"),
        (["--layout", "xnat"], "--layout: must be one of"),
        (["--timeout", "10", "--dask"], "--timeout: applies to the local process pool only"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "a.edf").write_bytes(b"x")
    code = main(["batch", str(tmp_path), "--out", str(tmp_path / "out"), "-q", *args])
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", str(tmp_path / "nope"), "--out", str(tmp_path / "o"), "-q"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_cli_start_does_not_import_the_batch_stack() -> None:
    # (pyarrow is left out: pandas itself imports it when it is installed.)
    code = (
        "import sys, twitchscope.cli; "
        "print(sorted(m for m in ('distributed', 'dask', 'duckdb', 'twitchscope.batch') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr


def test_ctrl_c_keeps_finished_nights_and_the_same_command_resumes(
    tmp_path: Path, night_files: dict[str, Path]
) -> None:
    import os
    import signal
    import time

    d = tmp_path / "in"
    d.mkdir()
    for i in range(6):
        os.link(night_files[f"night{i % 3}"], d / f"n{i:02d}.edf")
    out = tmp_path / "out"
    cmd = [str(BIN), "batch", str(d), "--out", str(out), "-j", "1"]
    # A terminal sends Ctrl-C to the whole process group: the command and its workers.
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # Ctrl-C once the first night is in place. The driver may not have received that night's
    # outcome yet: the run still counts it (it is on disk), so the result does not depend on
    # how fast the driver is scheduled. Five nights of scoring are left as margin for the
    # signal to land before the run ends by itself.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any((out / "nights").glob("n*")):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted: run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    finished = pd.read_parquet(out / "nights.parquet")
    assert 1 <= len(finished) < 6 and set(finished["status"]) == {"done"}
    kept = len(list((out / "nights").iterdir()))
    assert kept == len(finished)  # the table lists every night whose folder is in place

    again = subprocess.run([*cmd, "-q"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"finished before  {kept}" in again.stdout
    assert len(pd.read_parquet(out / "nights.parquet")) == 6
