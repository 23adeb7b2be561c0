"""Ankle accelerometers: reader checks, movements, nights and the score command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from twitchscope.accelerometer import read_accelerometer, score_accelerometer
from twitchscope.cli import app, main
from twitchscope.errors import InputFileError, TwitchscopeError
from twitchscope.io.accelerometer import write_accelerometer_csv
from twitchscope.simulate.accelerometer import simulate_week


@pytest.fixture(scope="module")
def week():  # type: ignore[no-untyped-def]
    return simulate_week("rls", 5, n_nights=2, day_h=3.0, night_h=4.0)


def _frame(n: int = 2000, fs: float = 25.0, scale: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"time": np.arange(n) / fs, "x": rng.normal(0, 0.01, n) * scale,
                         "y": rng.normal(0, 0.01, n) * scale,
                         "z": (1 + rng.normal(0, 0.01, n)) * scale})  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(x=f.x * 9.81, y=f.y * 9.81, z=f.z * 9.81), "m/s²"),
        (lambda f: f.assign(x=f.x * 1000, y=f.y * 1000, z=f.z * 1000), "milli-g"),
        (lambda f: f.drop(columns=["z"]), "missing column"),
        (lambda f: f.iloc[:0], "no samples"),
        (lambda f: f.assign(time=f.time * 10), "sampled at 2.5 Hz"),
        (lambda f: f.assign(time=np.r_[f.time[:1000], f.time[1000:] + 5]), "irregular"),
        (lambda f: f.assign(x=0.0, y=0.0, z=1.0), "flat"),
        (lambda f: f.assign(x=f.x.astype(object).where(f.index != 7, "bad")), "row 9"),
    ],
)
def test_bad_files_get_clear_errors(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "acc.csv"
    change(_frame()).to_csv(p, index=False)
    with pytest.raises(InputFileError, match=message) as err:
        read_accelerometer(p)
    assert str(p) in str(err.value)


def test_empty_corrupt_and_unknown_files(tmp_path: Path) -> None:
    for name, content in (("e.csv", b""), ("c.cwa", b"not a cwa file at all"),
                          ("g.gt3x", b"PK\x03\x04junk"), ("a.txt", b"1,2,3")):  # fmt: skip
        p = tmp_path / name
        p.write_bytes(content)
        with pytest.raises(TwitchscopeError) as err:
            read_accelerometer(p)
        assert name in str(err.value)


def test_csv_and_parquet_read_back(tmp_path: Path, week) -> None:  # type: ignore[no-untyped-def]
    left, _right, _ = week
    short = left.slice(0, 600)
    for name in ("a.csv", "a.parquet"):
        write_accelerometer_csv(short, tmp_path / name)
        rec = read_accelerometer(tmp_path / name, leg="right")
        assert rec.fs == pytest.approx(short.fs) and rec.leg == "right"
        assert np.allclose(rec.z, short.z, atol=1e-4)


def test_week_is_split_into_nights_and_scored(week) -> None:  # type: ignore[no-untyped-def]
    left, right, truth = week
    res = score_accelerometer(left, right)
    assert len(res.nights) == 2
    for night, row in zip(res.nights, truth.nights.itertuples(), strict=True):
        assert abs(night.start_s - row.start_s) < 30 * 60
        ind = night.result.indices
        assert ind["source"] == "accelerometer"
        assert ind["plms_index"] == pytest.approx(row.plms_index_emg, abs=12.0)
    assert res.trend["nights"] == 2 and res.trend["plms_index_mean"] > 5


def test_score_command_with_leg_files(
    tmp_path: Path,
    week,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    left, right, _ = week
    lp, rp = tmp_path / "left.csv", tmp_path / "right.parquet"
    write_accelerometer_csv(left, lp)
    write_accelerometer_csv(right, rp)
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["score", "--left", str(lp), "--right", str(rp), "--out",
                                 str(out), "--no-report", "-q"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Nights (accelerometer)" in r.output
    table = pd.read_csv(out / "nights.csv")
    assert len(table) == 2
    s = json.loads((out / "nights" / "night_01" / "summary.json").read_text())
    assert s["source"] == "accelerometer" and s["plms_index"] is not None
    assert json.loads((out / "week.json").read_text())["trend"]["nights"] == 2
    bad = tmp_path / "bad.csv"
    (_frame() * 9.81).assign(time=_frame().time).to_csv(bad, index=False)
    capsys.readouterr()
    code = main(["score", str(bad), "--out", str(tmp_path / "o2"), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "m/s²" in err and "bad.csv" in err and "Traceback" not in err


def test_gt3x_file_is_read_through_pygt3x(tmp_path: Path, week) -> None:  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from gt3x_writer import write_gt3x

    left = week[0]
    fs = 25
    n = 600 * fs
    xyz = np.column_stack([left.x[:n], left.y[:n], left.z[:n]]).astype(float)
    p = write_gt3x(tmp_path / "ankle.gt3x", xyz, fs, start_unix=1_709_582_400)
    rec = read_accelerometer(p, leg="right")
    assert rec.fs == fs and rec.leg == "right"
    assert rec.start is not None and rec.start.year == 2024
    assert rec.n_samples == pytest.approx(n, abs=fs)
    assert np.allclose(rec.z[: n - fs], xyz[: n - fs, 2], atol=1 / 256 + 1e-6)


def test_cwa_file_is_read_through_scikit_digital_health(tmp_path: Path) -> None:
    import datetime as dt
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from cwa_writer import write_cwa

    n = 100 * 120  # two minutes at 100 Hz
    t = np.arange(n) / 100.0
    slow = 0.05 * np.sin(2 * np.pi * 0.2 * t)  # smooth: a sample's exact time hardly matters
    xyz = np.column_stack([slow, 0.5 * slow, 1 + slow])
    xyz[3000:3100, 2] += 0.3  # one second of movement
    p = write_cwa(tmp_path / "ankle.cwa", xyz, dt.datetime(2024, 3, 4, 22, 0, 0))
    rec = read_accelerometer(p)
    assert rec.fs == 100.0
    assert rec.start is not None and (rec.start.hour, rec.start.minute) == (22, 0)
    assert rec.n_samples == pytest.approx(n, abs=80)  # the reader may trim the last block
    assert np.allclose(rec.z[:2900], xyz[:2900, 2], atol=0.01)
    assert float(rec.z[3050]) == pytest.approx(1.3, abs=0.03)
