"""Layouts end to end: the annotation file found beside each recording is the one scored with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from twitchscope.batch import run_batch

NSRR_CONCEPT = {"W": "Wake|0", "N1": "Stage 1 sleep|1", "N2": "Stage 2 sleep|2",
                "N3": "Stage 3 sleep|3", "R": "REM sleep|5"}  # fmt: skip


def stages_of(recording: Path) -> list[str]:
    truth = recording.with_name(recording.stem + ".truth_hypnogram.csv")
    return pd.read_csv(truth)["stage"].astype(str).tolist()


def write_nsrr_xml(path: Path, stages: list[str]) -> None:
    events = "".join(
        f"<ScoredEvent><EventType>Stages|Stages</EventType>"
        f"<EventConcept>{NSRR_CONCEPT[s]}</EventConcept><Start>{i * 30}</Start>"
        f"<Duration>30</Duration></ScoredEvent>"
        for i, s in enumerate(stages)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<?xml version="1.0"?><PSGAnnotation><EpochLength>30</EpochLength>'
        f"<ScoredEvents>{events}</ScoredEvents></PSGAnnotation>"
    )


def write_bids_events(path: Path, stages: list[str]) -> None:
    rows = [f"{i * 30}\t30\tsleep_stage_{s}" for i, s in enumerate(stages)]
    path.write_text("onset\tduration\ttrial_type\n" + "\n".join(rows) + "\n")


def test_nsrr_layout_scores_with_the_nsrr_xml(tmp_path: Path, night_files: dict[str, Path]) -> None:
    base = tmp_path / "mesa" / "polysomnography"
    (base / "edfs").mkdir(parents=True)
    for i, name in enumerate(("night0", "night1")):
        nsrr_name = f"mesa-sleep-{i:04d}"
        shutil.copy(night_files[name], base / "edfs" / f"{nsrr_name}.edf")
        # Every epoch N2: the scored sleep time shows which stages were used.
        n = len(stages_of(night_files[name]))
        write_nsrr_xml(base / "annotations-events-nsrr" / f"{nsrr_name}-nsrr.xml", ["N2"] * n)
    run = run_batch(tmp_path, tmp_path / "out", workers=2)
    assert run.layout == "nsrr" and (run.done, run.failed) == (2, 0)
    nights = run.nights.set_index("id")  # type: ignore[union-attr]
    for i in range(2):
        row = nights.loc[f"mesa-sleep-{i:04d}"]
        assert row["annotations"].endswith(f"mesa-sleep-{i:04d}-nsrr.xml")
        assert row["hypnogram_source"] == row["annotations"]
        assert row["total_sleep_time_h"] == pytest.approx(row["time_in_bed_h"])


def test_bids_layout_scores_with_the_events_tsv(
    tmp_path: Path, night_files: dict[str, Path]
) -> None:
    eeg = tmp_path / "sub-01" / "ses-1" / "eeg"
    eeg.mkdir(parents=True)
    rec = eeg / "sub-01_ses-1_task-sleep_eeg.edf"
    shutil.copy(night_files["night2"], rec)
    write_bids_events(eeg / "sub-01_ses-1_task-sleep_events.tsv", stages_of(night_files["night2"]))
    run = run_batch(tmp_path, tmp_path / "out", workers=1)
    assert run.layout == "bids" and run.done == 1
    row = run.nights.set_index("id").loc["sub-01_ses-1_task-sleep"]  # type: ignore[union-attr]
    assert row["hypnogram_source"].endswith("sub-01_ses-1_task-sleep_events.tsv")
    assert (tmp_path / "out" / "nights" / "sub-01_ses-1_task-sleep" / "summary.json").is_file()


def test_manifest_roles_reach_the_scorer(tmp_path: Path, night_files: dict[str, Path]) -> None:
    """hypnogram, events and movements columns are used as in ``twitchscope score``."""
    rec = night_files["night0"]
    truth = rec.with_name(rec.stem + ".truth_movements.csv")
    hyp = rec.with_name(rec.stem + ".truth_hypnogram.csv")
    manifest = tmp_path / "cohort.csv"
    manifest.write_text(
        f"id,recording,hypnogram,movements\ndetected,{rec},{hyp},\nreference,{rec},{hyp},{truth}\n"
    )
    run = run_batch(manifest, tmp_path / "out", workers=1)
    assert (run.done, run.failed) == (2, 0)
    nights = run.nights.set_index("id")  # type: ignore[union-attr]
    assert list(nights["mode"]) == ["detect", "reference"]
    assert nights.loc["reference", "movements"] == str(truth)
    assert (nights["hypnogram_source"] == str(hyp)).all()
