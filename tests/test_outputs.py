"""The output contract files, written from a hand-built ScoreResult and read back."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twitchscope.errors import InputFileError
from twitchscope.hypnogram import Hypnogram
from twitchscope.jsonsafe import json_safe
from twitchscope.outputs import (
    FILES,
    SCORED_COLUMNS,
    SUMMARY_KEYS,
    check_output_dir,
    write_outputs,
)
from twitchscope.results import PLMS_INDEX_CUTOFF_ADULT, ScoreResult
from twitchscope.scoring.rules import get_rules


def make_result(plms_index: float | None = 22.5) -> ScoreResult:
    """A one-hour night: 6 movements on the left leg, 2 on the right, one PLM series of 4."""
    hyp = Hypnogram.from_epochs(["W"] * 10 + ["N2"] * 80 + ["R"] * 30, source="test")
    onsets = [400.0, 420.0, 440.0, 460.0, 2000.0, 3300.0]
    movements = pd.DataFrame(
        {
            "leg": ["left"] * 6 + ["right"] * 2,
            "onset": [*onsets, 400.2, 2500.0],
            "duration": [1.0, 1.5, 2.0, 1.0, 12.0, 0.8, 1.2, 0.9],
            "amplitude_uv": [30.0, 25.0, 40.0, 22.0, 60.0, 15.0, 20.0, 18.0],
            "area_uv_s": np.arange(8.0),
            "resting_uv": np.full(8, 3.0),
        }
    )
    movements["stage"] = hyp.stage_at(movements["onset"])
    scored = pd.DataFrame(
        {
            "onset": [400.0, 420.0, 440.0, 460.0, 2000.0, 2500.0, 3300.0],
            "duration": [1.4, 1.5, 2.0, 1.0, 12.0, 0.9, 0.8],
            "legs": ["both", "left", "left", "left", "left", "right", "left"],
            "n_components": [2, 1, 1, 1, 1, 1, 1],
            "candidate": [True, True, True, True, False, True, True],
            "periodic": [True, True, True, True, False, False, False],
            "series": pd.array([1, 1, 1, 1, None, None, None], dtype="Int64"),
            "interval": [np.nan, 20.0, 20.0, 20.0, np.nan, np.nan, 800.0],
            "respiratory": [False, False, True, False, False, False, False],
            "arousal": [False, True, False, False, False, False, False],
            "stage": hyp.stage_at([400.0, 420.0, 440.0, 460.0, 2000.0, 2500.0, 3300.0]),
        }
    )
    indices = {
        "plms_index": plms_index,
        "plmw_index": 0.0,
        "lm_index": 7 / (110 / 120),
        "plms_count": 4,
        "periodicity_index": 4 / 6,
        "periodicity_definition": "plm_over_clm: PLM in sleep / CLM in sleep",
        "plms_index_by_stage": {"N1": None, "N2": 6.0, "N3": None, "R": 0.0},
        "plms_index_by_leg": {"left": 3.3, "right": 0.0, "both": 1.1},
        "plms_index_nonrespiratory": 3.3,
        "plms_arousal_index": 1.1,
        "count_by_night_hour": [4],
        "count_by_clock_hour": [0] * 23 + [4],
        "imi_histogram": {
            "edges_s": [0.5 * 2 ** (k / 3) for k in range(31)],
            "counts": [0] * 12 + [3] + [0] * 16 + [1],
        },
        "total_sleep_time_h": 110 / 120,
        "time_in_bed_h": 1.0,
        "index_basis": "total_sleep_time",
        "has_hypnogram": True,
    }
    return ScoreResult(
        movements=movements,
        scored=scored,
        indices=indices,
        rules=get_rules("wasm2016"),
        channels={"left": "Leg L", "right": "Leg R"},
        recording_duration=3600.0,
        source="night.edf",
        warnings=["channel 'Leg R': 12 % of the night is clipped <b>"],
        recording_start=datetime(2026, 11, 1, 23, 0, 0),
        hypnogram=hyp,
        excluded_s={"left": 0.0, "right": 432.0},
    )


def test_write_outputs_writes_the_contract(tmp_path: Path) -> None:
    res = make_result()
    out = write_outputs(res, tmp_path / "out", report=False)
    names = {p.name for p in out.iterdir()}
    # a result built without twitch detection has no twitches.csv
    assert set(FILES) - names == {"report.html", "twitches.csv"}
    assert not any(n.endswith(".part") for n in names)
    lm = pd.read_csv(out / "leg_movements.csv")
    assert list(lm.columns[:5]) == ["leg", "onset", "duration", "amplitude_uv", "stage"]
    assert len(lm) == 8 and set(lm["leg"]) == {"left", "right"}
    assert lm.loc[0, "stage"] == "N2"
    sc = pd.read_csv(out / "scored_movements.csv", keep_default_na=False)
    assert list(sc.columns[: len(SCORED_COLUMNS)]) == list(SCORED_COLUMNS)
    # series: integers where periodic, empty elsewhere; interval empty for the first
    assert sc["series"].tolist() == ["1", "1", "1", "1", "", "", ""]
    assert sc.loc[0, "interval"] == ""
    assert sc["candidate"].tolist() == [True, True, True, True, False, True, True]


def test_summary_json_has_every_contract_key(tmp_path: Path) -> None:
    res = make_result()
    write_outputs(res, tmp_path, report=False)
    s = json.loads((tmp_path / "summary.json").read_text())
    for key in SUMMARY_KEYS:
        assert key in s
    assert s["plms_index"] == 22.5 and s["plms_count"] == 4
    assert s["rules"]["preset"] == "wasm2016"
    assert s["rules"]["options"]["interval_max_s"] == 90.0
    assert s["rules"]["options"] == json.loads(json.dumps(get_rules("wasm2016").to_dict()))
    assert s["channels"] == {"left": "Leg L", "right": "Leg R"}
    assert s["warnings"] == res.warnings
    assert s["excluded_s"] == {"left": 0.0, "right": 432.0}
    assert s["source"] == "night.edf"
    assert s["software"]["name"] == "twitchscope" and s["software"]["version"]
    assert s["recording_start"] == "2026-11-01T23:00:00"
    assert s["recording_duration_s"] == 3600.0
    assert s["n_leg_movements"] == {"left": 6, "right": 2}
    assert s["plms_index_by_stage"]["N1"] is None
    assert s["imi_histogram"]["counts"][12] == 3


def test_undefined_index_is_null_not_nan(tmp_path: Path) -> None:
    res = make_result(plms_index=None)
    write_outputs(res, tmp_path, report=False)
    text = (tmp_path / "summary.json").read_text()
    assert "NaN" not in text
    assert json.loads(text)["plms_index"] is None
    assert json_safe({"a": np.float32("nan"), "b": np.int64(3), "c": (1, 2)}) == {
        "a": None,
        "b": 3,
        "c": [1, 2],
    }


def test_summary_table_against_cutoff() -> None:
    res = make_result()
    s = res.summary().set_index("index")
    assert list(s.columns) == ["value", "unit", "cutoff", "above_cutoff"]
    assert s.loc["plms_index", "cutoff"] == PLMS_INDEX_CUTOFF_ADULT
    assert bool(s.loc["plms_index", "above_cutoff"]) is True
    assert s.loc["plms_index", "unit"] == "/h"
    assert s.loc["plms_count", "unit"] == "count"
    assert s.loc["total_sleep_time_h", "unit"] == "h"
    assert pd.isna(s.loc["lm_index", "above_cutoff"])
    assert s.loc["plms_index_by_stage.N2", "value"] == 6.0
    assert s.index[0] == "plms_index"
    low = make_result(plms_index=15.0).summary().set_index("index")
    assert bool(low.loc["plms_index", "above_cutoff"]) is False  # ICSD-3: > 15/h


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "taken"
    f.write_text("x")
    with pytest.raises(InputFileError, match="not a directory"):
        write_outputs(make_result(), f)
    with pytest.raises(InputFileError, match="is a file, not a directory"):
        check_output_dir(f / "below")
    assert check_output_dir(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_results_are_plain_data() -> None:
    res = make_result()
    for name in ("to_dir", "report_html", "plot", "to_summary_dict"):
        assert not hasattr(res, name), name


def test_cutoffs_have_one_source() -> None:
    """The cut-offs shown by ScoreResult.summary and the report are the knowledge base's."""
    from twitchscope.clinical import load_knowledge
    from twitchscope.cutoffs import CUTOFF_SOURCE, CUTOFFS, PLMS_INDEX_CUTOFF_CHILD

    plm = load_knowledge().plm["plms_index_cutoff"]
    assert float(plm["adult"]) == PLMS_INDEX_CUTOFF_ADULT
    assert float(plm["child"]) == PLMS_INDEX_CUTOFF_CHILD
    assert set(CUTOFFS) == {"plms_index", "plms_index_nonrespiratory"}
    assert "ICSD-3" in CUTOFF_SOURCE and "finding, not a disorder" in CUTOFF_SOURCE


def test_write_assessment_never_overwrites_an_input(tmp_path: Path) -> None:
    from twitchscope.clinical import assess
    from twitchscope.outputs import ASSESSMENT_FILES, write_assessment

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"age": 40, "kind": ["twitch"]}))
    result = assess(answers)
    json_path, html_path = write_assessment(result, tmp_path / "out" / "deeper", inputs=[answers])
    assert (json_path.name, html_path.name) == ASSESSMENT_FILES
    assert json.loads(json_path.read_text())["triage"] == result.triage
    assert "<html" in html_path.read_text(encoding="utf-8").lower()
    clash = tmp_path / "assessment.json"
    clash.write_text(json.dumps({"age": 40}))
    with pytest.raises(InputFileError, match="is an input file"):
        write_assessment(result, tmp_path, inputs=[clash, None])
    assert json.loads(clash.read_text()) == {"age": 40}
