"""``twitchscope.validate.run_validation``: the validate command as one API call.

Which stages, events and recording length the index comparison uses, from a real score output
(a simulated night scored by ``score_to_dir``), and the JSON writer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import twitchscope
from twitchscope.errors import InputFileError, TwitchscopeError, ValidationError
from twitchscope.hypnogram import Hypnogram
from twitchscope.outputs import validation_json, write_validation
from twitchscope.simulate import SimulatedNight, simulate_night
from twitchscope.validate import choose_stages_and_events, run_validation


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[SimulatedNight, Path, Path]:
    """A 30-minute night with apnoeas, its truth files, and its score output directory."""
    sim = simulate_night("osa", seed=2, duration_h=0.5)
    folder = tmp_path_factory.mktemp("validate_night")
    path = folder / "night.edf"
    sim.write(path)
    out = folder / "out"
    twitchscope.score_to_dir(path, out, report=False)
    return sim, path, out


def test_score_output_against_truth_uses_the_recordings_stages_and_events(
    scored: tuple[SimulatedNight, Path, Path],
) -> None:
    sim, path, out = scored
    truth = path.with_name("night.truth_movements.csv")
    res = run_validation(out, truth)
    assert res.predicted == str(out) and res.reference == str(truth)
    assert res.legs["all"].n_ref == len(sim.movements)
    assert res.legs["all"].f1 > 0.8
    ia = res.index_agreement
    # stages came from the recording named in summary.json: indices per hour of sleep
    assert ia["index_basis"] == "total_sleep_time"
    assert ia["plms_index"]["reference"] is not None
    assert not any("no hypnogram" in w for w in res.warnings)
    assert not any("recording length unknown" in w for w in res.warnings)
    # the same choice, step by step
    hyp, events = choose_stages_and_events(out, truth)
    assert hyp is not None and hyp.stages == sim.hypnogram.stages
    assert events is not None and set(events["kind"]) >= {"obstructive_apnea"}
    assert "limb_movement" not in set(events["kind"])


def test_given_stages_events_and_length_win(scored: tuple[SimulatedNight, Path, Path]) -> None:
    sim, path, out = scored
    truth = path.with_name("night.truth_movements.csv")
    short = Hypnogram.from_epochs(sim.hypnogram.stages[:20], source="first 10 min")
    no_events = pd.DataFrame(columns=["onset", "duration", "kind", "leg", "label"])
    hyp, events = choose_stages_and_events(out, truth, hypnogram=short, events=no_events)
    assert hyp is short and events is not None and events.empty
    res = run_validation(
        out, truth, hypnogram=short, events=no_events, recording_duration=sim.duration, rules="aasm"
    )
    assert res.index_agreement["rules"] == "aasm", res.warnings
    assert res.index_agreement["index_basis"] == "total_sleep_time"
    with pytest.raises(ValidationError, match="recording_duration"):
        run_validation(out, truth, recording_duration=0.0)
    with pytest.raises(InputFileError, match="sleep stages"):
        run_validation(out, truth, hypnogram=truth)  # a movement table holds no stages


def test_plain_tables_without_stages_warn(tmp_path: Path) -> None:
    ref = tmp_path / "ref.csv"
    ref.write_text("leg,onset,duration\nleft,10,1\nleft,30,1\nright,50,1\n")
    res = run_validation(ref, ref, iou=0.5, onset_tolerance=0.2)
    assert res.legs["all"].f1 == 1.0 and (res.iou, res.onset_tolerance) == (0.5, 0.2)
    assert any("no hypnogram" in w for w in res.warnings)
    assert any("recording length unknown" in w for w in res.warnings)
    assert res.index_agreement["index_basis"] == "recording_time"
    with pytest.raises(TwitchscopeError, match=r"none\.csv"):
        run_validation(ref, tmp_path / "none.csv")


def test_validation_json_writer(tmp_path: Path) -> None:
    ref = tmp_path / "ref.csv"
    ref.write_text("leg,onset,duration\nleft,10,1\n")
    res = run_validation(ref, ref)
    written = write_validation(res, tmp_path / "v.json")
    data = json.loads(written.read_text())
    assert data == json.loads(validation_json(res))
    assert data["reference"] == str(ref) and data["criteria"]["iou"] == 0.2
    assert data["legs"]["right"]["onset_error_mean_s"] is None  # NaN written as null
    with pytest.raises(InputFileError, match="cannot write"):
        write_validation(res, tmp_path / "missing" / "v.json")
