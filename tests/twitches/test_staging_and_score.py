"""score writes twitches.csv; --stage auto stages a night without hypnogram (YASA)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import twitchscope
from twitchscope.cli import app, main
from twitchscope.errors import TwitchscopeError
from twitchscope.simulate import simulate_night
from twitchscope.staging import agreement, stage_automatically


def test_score_writes_twitches(twitch_edf: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["score", str(twitch_edf), "--out", str(out), "-q", "--no-report"])
    assert r.exit_code == 0, r.output
    assert "Other twitch kinds" in r.output
    tw = pd.read_csv(out / "twitches.csv")
    assert {"kind", "leg", "onset", "duration", "stage", "bursts", "frequency_hz"} <= set(tw)
    s = json.loads((out / "summary.json").read_text())
    assert s["twitches"]["counted_in_plm_indices"] is False
    assert sum(v for v in s["twitches"]["counts"].values() if v) == len(tw)


def test_twitches_do_not_change_plm_indices(twitch_edf: Path) -> None:
    a = twitchscope.score(twitch_edf)
    b = twitchscope.score(twitch_edf, twitches=False)
    assert b.twitches is None and a.twitches is not None
    assert a.indices == b.indices


@pytest.fixture(scope="module")
def unstaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    night = simulate_night("healthy", 21, duration_h=0.5)
    path = tmp_path_factory.mktemp("stage") / "n.edf"
    night.write(path)
    return path, night


def test_automatic_staging_agrees_and_is_marked(unstaged) -> None:  # type: ignore[no-untyped-def]
    path, night = unstaged
    auto = stage_automatically(path)
    assert auto.hypnogram.source.startswith("automatic (YASA")
    assert ((auto.confidence >= 0) & (auto.confidence <= 1)).all()
    assert auto.hypnogram.n_epochs == night.hypnogram.n_epochs
    assert agreement(auto.hypnogram, night.hypnogram)["kappa"] > 0.3
    assert auto.summary()["automatic"] is True


def test_stage_auto_in_score(unstaged, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, _night = unstaged
    out = tmp_path / "auto"
    hyp = tmp_path / "h.csv"
    pd.DataFrame({"onset": [0.0], "duration": [30.0], "stage": ["W"]}).to_csv(hyp, index=False)
    # the recording carries its own stages; --stage auto is refused only with --hypnogram
    code = main(["score", str(path), "--out", str(out), "-q", "--no-report",
                 "--stage", "auto", "--hypnogram", str(hyp)])  # fmt: skip
    assert code == 2
    r = CliRunner().invoke(app, ["score", str(path), "--out", str(out), "-q", "--no-report",
                                 "--stage", "auto"])  # fmt: skip
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text())
    assert s["hypnogram_automatic"] is True and s["staging"]["automatic"] is True
    assert "AUTOMATIC" in s["warnings"][0]
    table = pd.read_csv(out / "hypnogram_auto.csv")
    assert {"stage", "confidence", "p_W"} <= set(table.columns)


def test_staging_needs_eeg(tmp_path: Path) -> None:
    import numpy as np
    from edfio import Edf, EdfSignal

    p = tmp_path / "noeeg.edf"
    Edf([EdfSignal(np.random.default_rng(0).normal(0, 5, 256 * 400), 256, label="Leg L",
                   physical_dimension="uV")]).write(p)  # fmt: skip
    with pytest.raises(TwitchscopeError, match="EEG"):
        stage_automatically(p)


def test_simulate_with_twitches_writes_their_truth(tmp_path: Path) -> None:
    path = tmp_path / "n.edf"
    code = main(["simulate", "--scenario", "healthy", "--seed", "3", "--hours", "0.3",
                 "--twitches", str(path)])  # fmt: skip
    assert code == 0
    truth = pd.read_csv(tmp_path / "n.truth_twitches.csv")
    assert {"kind", "leg", "onset", "duration"} <= set(truth.columns)
    assert len(truth) > 0


def test_missing_staging_extra_gives_the_install_hint(
    unstaged,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    from twitchscope.errors import MissingDependencyError

    monkeypatch.setitem(__import__("sys").modules, "yasa", None)  # import yasa -> ImportError
    with pytest.raises(MissingDependencyError, match=r"twitchscope\[staging\]"):
        stage_automatically(unstaged[0])
