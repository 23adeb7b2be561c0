"""Writing a simulated night: EDF+/BDF+ readable by edfio and pyedflib, truth files, annotations."""

from __future__ import annotations

import json

import edfio
import numpy as np
import pandas as pd
import pyedflib
import pytest

from twitchscope.simulate import SimulatedNight, SimulationFiles, simulate_night
from twitchscope.simulate.night import LEG_LIMIT_UV

STAGE_TEXTS = {f"Sleep stage {s}" for s in ("W", "N1", "N2", "N3", "R")}
EVENT_TEXTS = {"Obstructive Apnea", "Central Apnea", "Hypopnea", "Arousal"}


def test_files_written(rls_files: SimulationFiles) -> None:
    for p in rls_files.all():
        assert p.is_file() and p.stat().st_size > 0
    assert rls_files.truth_json.name == "night.truth.json"
    assert rls_files.truth_movements.name == "night.truth_movements.csv"


def test_edfio_reads_signals_and_annotations(
    rls_night: SimulatedNight, rls_files: SimulationFiles
) -> None:
    edf = edfio.read_edf(rls_files.recording)
    assert edf.reserved == "EDF+C"
    assert set(edf.labels) == set(rls_night.signals)
    leg = edf.get_signal("Leg L")
    assert leg.physical_dimension == "uV"
    assert leg.physical_range == (-LEG_LIMIT_UV, LEG_LIMIT_UV)
    step = (leg.physical_max - leg.physical_min) / (leg.digital_max - leg.digital_min)
    assert step < 0.1  # µV resolution
    np.testing.assert_allclose(leg.data, rls_night.signals["Leg L"].data, atol=step)
    assert edf.startdatetime == rls_night.start
    texts = [a.text for a in edf.annotations]
    stages = [t for t in texts if t.startswith("Sleep stage")]
    assert len(stages) == rls_night.hypnogram.n_epochs
    assert set(texts) <= STAGE_TEXTS | EVENT_TEXTS
    assert "Arousal" in texts
    # No leg-movement truth in the recording: detection must find them.
    assert not any("limb" in t.lower() or "leg" in t.lower() for t in texts)
    ev = rls_night.events
    ann = sorted((a.onset, a.text, a.duration) for a in edf.annotations if a.text in EVENT_TEXTS)
    assert [a[1] for a in ann] == list(ev["label"])
    np.testing.assert_allclose([a[0] for a in ann], ev["onset"], atol=1e-6)
    np.testing.assert_allclose([a[2] for a in ann], ev["duration"], atol=1e-6)
    for a in edf.annotations:
        if a.text.startswith("Sleep stage"):
            assert a.duration == 30.0


def test_pyedflib_reads(rls_night: SimulatedNight, rls_files: SimulationFiles) -> None:
    with pyedflib.EdfReader(str(rls_files.recording)) as f:
        labels = f.getSignalLabels()
        i = labels.index("Leg R")
        assert f.getSampleFrequency(i) == rls_night.signals["Leg R"].fs
        x = f.readSignal(i)
        _onsets, _durations, texts = f.readAnnotations()
    np.testing.assert_allclose(x, rls_night.signals["Leg R"].data, atol=0.07)
    assert list(texts).count("Sleep stage W") == rls_night.hypnogram.stages.count("W")


def test_twitchscope_reader_reads_it(rls_night: SimulatedNight, rls_files: SimulationFiles) -> None:
    """twitchscope's own readers find the roles, the legs, the stages and the events."""
    recording = pytest.importorskip("twitchscope.io.recording")
    annotations = pytest.importorskip("twitchscope.io.annotations.api")
    with recording.open_recording(rls_files.recording) as rec:
        assert rec.format == "EDF+C"
        assert rec.start == rls_night.start
        roles = rec.roles()
        assert roles["leg_left"] == ["Leg L"] and roles["leg_right"] == ["Leg R"]
        assert roles["chin"] == ["Chin"] and roles["ecg"] == ["ECG"]
        left, right = rec.legs()
        assert not rec.warnings
    np.testing.assert_allclose(left.data, rls_night.signals["Leg L"].data, atol=0.07)
    np.testing.assert_allclose(right.data, rls_night.signals["Leg R"].data, atol=0.07)
    hyp = annotations.read_hypnogram(rls_files.recording)
    assert hyp.stages == rls_night.hypnogram.stages
    ev = annotations.read_events(rls_files.recording)
    assert list(ev["kind"]) == list(rls_night.events["kind"])
    np.testing.assert_allclose(ev["onset"], rls_night.events["onset"], atol=1e-3)
    np.testing.assert_allclose(ev["duration"], rls_night.events["duration"], atol=1e-3)


def test_truth_csv_match_night(rls_night: SimulatedNight, rls_files: SimulationFiles) -> None:
    mov = pd.read_csv(rls_files.truth_movements)
    assert list(mov.columns[:6]) == ["leg", "onset", "duration", "amplitude_uv", "kind",
                                     "fragmented"]  # fmt: skip
    assert len(mov) == len(rls_night.movements)
    np.testing.assert_allclose(mov["onset"], rls_night.movements["onset"], atol=1e-3)
    hyp = pd.read_csv(rls_files.truth_hypnogram)
    assert list(hyp.columns) == ["onset", "duration", "stage"]
    assert list(hyp["stage"]) == list(rls_night.hypnogram.stages)
    ev = pd.read_csv(rls_files.truth_events)
    assert len(ev) == len(rls_night.events)
    art = pd.read_csv(rls_files.truth_artefacts)
    assert {"channel", "onset", "duration", "kind"} <= set(art.columns)
    truth = json.loads(rls_files.truth_json.read_text())
    assert truth["scenario"] == "rls" and truth["seed"] == 11
    assert truth["version"]
    assert truth["scenario_parameters"]["leg_fs"] == 500
    assert truth["counts"]["lm_count"]["left"] == int((mov["leg"] == "left").sum())
    assert "plms_index_target" in truth["drawn"]


def test_bdf(tmp_path: pytest.TempPathFactory) -> None:
    night = simulate_night("low_amplitude", seed=2, duration_h=0.2)
    files = night.write(tmp_path / "n.bdf", format="bdf")  # type: ignore[operator]
    bdf = edfio.read_bdf(files.recording)
    assert bdf.reserved == "BDF+C"
    leg = bdf.get_signal("Leg L")
    np.testing.assert_allclose(leg.data, night.signals["Leg L"].data, atol=1e-3)
    assert any(a.text.startswith("Sleep stage") for a in bdf.annotations)
    with pyedflib.EdfReader(str(files.recording)) as f:
        assert "Leg L" in f.getSignalLabels()
