"""``twitchscope validate``: tables, JSON, index agreement and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from twitchscope.cli import main

BIN = Path(sys.executable).parent / "twitchscope"

REF = pd.DataFrame(
    {
        "leg": ["left"] * 6 + ["right"] * 2,
        "onset": [100.0, 120.0, 140.0, 160.0, 180.0, 900.0, 100.5, 500.0],
        "duration": [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0],
    }
)


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    ref = tmp_path / "ref.csv"
    REF.to_csv(ref, index=False)
    pred = tmp_path / "pred.csv"
    # one left movement missed (900 s), one extra right movement (700 s), one shifted 0.2 s
    p = REF.drop(index=5).copy()
    p.loc[0, "onset"] += 0.2
    p = pd.concat([p, pd.DataFrame({"leg": ["right"], "onset": [700.0], "duration": [1.0]})])
    p.to_csv(pred, index=False)
    hyp = tmp_path / "hyp.csv"
    hyp.write_text("stage\n" + "W\n" * 2 + "N2\n" * 38)  # 20 minutes
    return pred, ref, hyp


def test_json_output_with_hand_computed_metrics(
    files: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred, ref, hyp = files
    out = tmp_path / "v.json"
    code = main(["validate", str(pred), str(ref), "--json", "--out", str(out),
                 "--hypnogram", str(hyp)])  # fmt: skip
    stdout = capsys.readouterr().out
    assert code == 0
    data = json.loads(stdout)
    assert data == json.loads(out.read_text())
    left, right, total = (data["legs"][k] for k in ("left", "right", "all"))
    assert (left["n_pred"], left["n_ref"], left["tp"]) == (5, 6, 5)
    assert left["recall"] == pytest.approx(5 / 6) and left["precision"] == 1.0
    assert (right["n_pred"], right["n_ref"], right["tp"]) == (3, 2, 2)
    assert total["f1"] == pytest.approx(2 * 7 / (8 + 8))
    assert total["onset_error_mean_s"] == pytest.approx(0.2 / 7)
    ia = data["index_agreement"]
    assert ia["index_basis"] == "total_sleep_time"
    # 100-180 s (N2) holds a series of 5 CLMs on both sides; the missed and the extra movement
    # are isolated, so the PLMS counts agree
    assert ia["plms_count"]["predicted"] == ia["plms_count"]["reference"] == 5
    assert ia["plms_count"]["difference"] == 0


def test_tables_and_score_output_directory(
    files: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred, ref, _ = files
    outdir = tmp_path / "scored"
    outdir.mkdir()
    pd.read_csv(pred).assign(amplitude_uv=30.0, stage="N2").to_csv(
        outdir / "leg_movements.csv", index=False
    )
    (outdir / "summary.json").write_text(json.dumps({"recording_duration_s": 1200.0}))
    code = main(["validate", str(outdir), str(ref)])
    cap = capsys.readouterr()
    assert code == 0
    assert "Event agreement" in cap.out and "Index agreement" in cap.out
    assert "per hour of recording" in cap.err  # no hypnogram anywhere: said so


def test_bad_input(
    files: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred, _, _ = files
    bad = tmp_path / "bad.csv"
    bad.write_text("leg,onset,duration\nmiddle,1,1\n")
    for args, message in (
        ([str(pred), str(tmp_path / "none.csv")], "none.csv"),
        ([str(pred), str(bad)], "leg must be"),
        ([str(pred), str(pred), "--iou", "0"], "iou"),
        ([str(tmp_path), str(pred)], "leg_movements.csv"),
    ):
        code = main(["validate", *args])
        err = capsys.readouterr().err
        assert code == 2, err
        assert message in err and "Traceback" not in err


def test_real_subprocess(files: tuple[Path, Path, Path]) -> None:
    pred, ref, _ = files
    proc = subprocess.run(
        [str(BIN), "validate", str(pred), str(ref), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["legs"]["all"]["tp"] == 7
