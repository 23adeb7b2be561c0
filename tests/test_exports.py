"""Exports: scored movements as EDF+ annotations (read back by three readers), summary.csv."""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import twitchscope
from twitchscope.exports import (
    SUMMARY_ID_COLUMNS,
    edf_annotation_bytes,
    movement_annotations,
    summary_row,
    write_edf_annotations,
)
from twitchscope.io.annotations import read_annotations
from twitchscope.io.recording import open_recording
from twitchscope.results import ScoreResult
from twitchscope.simulate import simulate_night


def _builder() -> ModuleType:
    # The hand-built ScoreResult of the output tests (tests are not a package).
    path = Path(__file__).resolve().parent / "test_outputs.py"
    spec = importlib.util.spec_from_file_location("_score_result_builder_exports", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_result() -> ScoreResult:
    res: ScoreResult = _builder().make_result()
    return res


@pytest.fixture(scope="module")
def scored_night(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ScoreResult]:
    """A 30-minute RLS night scored from its true movements (fast), written by score_to_dir."""
    sim = simulate_night("rls", seed=5, duration_h=0.5)
    folder = tmp_path_factory.mktemp("export_night")
    path = folder / "night.edf"
    sim.write(path)
    out = folder / "out"
    res = twitchscope.score_to_dir(path, out, movements=sim.movements, report=False)
    return path, out, res


def test_annotation_texts_say_class_legs_and_association() -> None:
    res = make_result()
    wake = res.scored.copy()
    wake["stage"] = "W"
    assert movement_annotations(ScoreResult(**{**res.__dict__, "scored": wake}))[
        "description"
    ].tolist()[:2] == ["PLMW both", "PLMW left, arousal"]
    ann = movement_annotations(res)
    assert list(ann.columns) == ["onset", "duration", "description"]
    assert ann["description"].tolist() == [
        "PLMS both",
        "PLMS left, arousal",
        "PLMS left, respiratory",
        "PLMS left",
        "LM non-candidate left",
        "LM right",
        "LM left",
    ]
    assert ann["onset"].tolist() == [400.0, 420.0, 440.0, 460.0, 2000.0, 2500.0, 3300.0]


def test_edf_annotations_read_back_by_three_readers(
    scored_night: tuple[Path, Path, ScoreResult],
) -> None:
    recording, out, res = scored_night
    edf = out / "scored_movements.edf"
    expected = movement_annotations(res)
    assert len(expected) == len(res.scored) > 10
    # the project's reader: EDF+C, no signals, same start as the recording
    with open_recording(edf) as rec, open_recording(recording) as original:
        assert rec.format == "EDF+C" and rec.channels == ()
        assert rec.start == original.start
        raw = rec.raw_annotations()
    assert raw["description"].tolist() == expected["description"].tolist()
    np.testing.assert_allclose(raw["onset"], expected["onset"], atol=1e-6)
    np.testing.assert_allclose(raw["duration"], expected["duration"], atol=1e-6)
    ann = read_annotations(edf)
    assert ann.hypnogram is None and len(ann.events) == len(expected)
    # pyedflib (EDFlib, the library of EDFbrowser's author)
    pyedflib = pytest.importorskip("pyedflib")
    reader = pyedflib.EdfReader(str(edf))
    try:
        onsets, durations, texts = reader.readAnnotations()
        assert reader.getStartdatetime() == res.recording_start
        assert reader.signals_in_file == 0
    finally:
        reader.close()
    assert list(texts) == expected["description"].tolist()
    np.testing.assert_allclose(onsets, expected["onset"], atol=1e-6)
    np.testing.assert_allclose(durations, expected["duration"], atol=1e-6)
    # MNE
    mne = pytest.importorskip("mne")
    m = mne.read_annotations(edf)
    assert list(m.description) == expected["description"].tolist()
    np.testing.assert_allclose(m.onset, expected["onset"], atol=1e-6)


def test_edf_annotations_sub_second_start_and_no_movements(tmp_path: Path) -> None:
    ann = pd.DataFrame({"onset": [1.5, 60.0], "duration": [0.8, 0.0], "description": ["a", "b"]})
    start = datetime(2024, 3, 1, 22, 30, 5, 250000)
    (tmp_path / "sub.edf").write_bytes(edf_annotation_bytes(ann, start, "X X test"))
    mne = pytest.importorskip("mne")
    m = mne.read_annotations(tmp_path / "sub.edf")
    np.testing.assert_allclose(m.onset, [1.5, 60.0])  # MNE: from the first record's start
    with open_recording(tmp_path / "sub.edf") as rec:
        # twitchscope: from the header's whole second, so the clock time is the same
        assert rec.start == datetime(2024, 3, 1, 22, 30, 5)
        np.testing.assert_allclose(rec.raw_annotations()["onset"], [1.75, 60.25])
        assert rec.raw_annotations()["duration"].tolist() == [0.8, 0.0]
    empty = make_result()
    empty.scored = empty.scored.iloc[:0]
    empty.recording_start = None
    path = write_edf_annotations(empty, tmp_path / "empty.edf")
    with open_recording(path) as rec:
        assert rec.raw_annotations().empty
        assert rec.start == datetime(1985, 1, 1)  # EDF's "unknown" start
    pyedflib = pytest.importorskip("pyedflib")
    reader = pyedflib.EdfReader(str(path))
    try:
        assert len(reader.readAnnotations()[0]) == 0
    finally:
        reader.close()


def test_summary_csv_is_one_row_of_summary_json(
    scored_night: tuple[Path, Path, ScoreResult],
) -> None:
    recording, out, _res = scored_night
    row = pd.read_csv(out / "summary.csv")
    assert len(row) == 1
    assert list(row.columns[: len(SUMMARY_ID_COLUMNS)]) == list(SUMMARY_ID_COLUMNS)
    assert row.columns[len(SUMMARY_ID_COLUMNS)] == "plms_index"
    s = json.loads((out / "summary.json").read_text())
    r = row.iloc[0]
    assert r["source"] == str(recording)
    assert r["rules"] == "wasm2016" and r["mode"] == "reference"
    assert r["channel_left"] == "Leg L"
    assert r["recording_start"] == s["recording_start"]
    for key in ("plms_index", "plmw_index", "lm_index", "plms_count", "total_sleep_time_h"):
        assert r[key] == pytest.approx(s[key], abs=1e-4), key
    for stage, value in s["plms_index_by_stage"].items():
        col = f"plms_index_by_stage.{stage}"
        if value is None:
            assert pd.isna(r[col])
        else:
            assert r[col] == pytest.approx(value, abs=1e-4)


def test_summary_row_of_hand_built_result() -> None:
    row = summary_row(make_result())
    assert row["plms_index"] == 22.5 and row["plms_count"] == 4.0
    assert row["recording_start"] == "2026-11-01T23:00:00"
    assert row["n_warnings"] == 1 and row["index_basis"] == "total_sleep_time"
    assert np.isnan(row["plms_index_by_stage.N1"])
    assert "imi_histogram" not in row and "count_by_night_hour" not in row
