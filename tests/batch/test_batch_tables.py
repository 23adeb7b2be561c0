"""Cohort tables: summary.json indices as columns, stable schemas, spreadsheet-safe CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from twitchscope.batch import run_batch
from twitchscope.batch.report import failure_cause
from twitchscope.batch.tables import summary_indices
from twitchscope.outputs import SCORED_COLUMNS, SUMMARY_KEYS


def test_summary_indices_flattens_numbers_and_keeps_undefined_indices() -> None:
    summary = {
        "plms_index": 12.5,
        "plms_count": 40,
        "periodicity_index": None,  # undefined (no candidate LMs): a missing value, not dropped
        "plms_index_by_stage": {"N2": 10.0, "R": None},
        "n_leg_movements": {"left": 3, "right": 4},
        "twitches": {"fragmentary_myoclonus": {"count": 2, "index": 0.5}},
        "has_hypnogram": True,
        "count_by_night_hour": [1, 2],
        "channels": {"left": "Leg L", "right": "Leg R"},
        "recording_start": None,
        "source": "night.edf",
    }
    cols = summary_indices(summary)
    assert cols == {
        "plms_index": 12.5,
        "plms_count": 40,
        "periodicity_index": None,
        "plms_index_by_stage.N2": 10.0,
        "plms_index_by_stage.R": None,
        "n_leg_movements.left": 3,
        "n_leg_movements.right": 4,
        "twitches.fragmentary_myoclonus.count": 2,
        "twitches.fragmentary_myoclonus.index": 0.5,
    }


def test_failure_cause_drops_the_file_so_causes_group() -> None:
    assert failure_cause("/data/a.edf: file is empty", ["/data/a.edf", None]) == "file is empty"
    assert failure_cause("internal error: KeyError: 'x'", ["/data/a.edf"]) == (
        "internal error: KeyError: 'x'"
    )


def test_tables_have_their_columns_when_every_night_failed(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "=cmd()|calc.edf").write_bytes(b"0       " + b"not an EDF header " * 20)
    (d / "@empty.edf").write_bytes(b"")
    out = tmp_path / "out"
    run = run_batch(d, out, workers=1)
    assert (run.done, run.failed) == (0, 2)
    nights = pd.read_parquet(out / "nights.parquet")
    assert len(nights) == 2 and set(nights["status"]) == {"failed"}
    for key in SUMMARY_KEYS[:7]:
        assert key in nights.columns
    movements = pd.read_parquet(out / "movements.parquet")
    assert movements.empty and list(movements.columns) == ["id", *SCORED_COLUMNS]
    # A spreadsheet opening failures.csv shows these ids as text instead of running them.
    text = (out / "failures.csv").read_text()
    assert "\n'=cmd()|calc," in text and "\n'@empty," in text
    assert set(pd.read_parquet(out / "nights.parquet")["id"]) == {"=cmd()|calc", "@empty"}
    html = (out / "report.html").read_text()
    assert "file is empty" in html and "No scored night has a PLMS index yet" in html
