"""NightView: the same view from a result in memory and from its output folder; bad folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from _report_data import make_result

from twitchscope.errors import InputFileError
from twitchscope.outputs import write_outputs
from twitchscope.report.night import NightView, load_night


def same(a: NightView, b: NightView) -> None:
    for name in (
        "stage_onset",
        "stage_duration",
        "left_onsets",
        "right_onsets",
        "periodic_onsets",
        "series_start",
        "series_end",
    ):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), atol=1e-3, err_msg=name)
    assert a.stage.tolist() == b.stage.tolist()
    assert a.recording_start == b.recording_start
    assert a.recording_duration_s == pytest.approx(b.recording_duration_s)
    assert a.has_hypnogram == b.has_hypnogram
    assert a.interval_window() == b.interval_window()


def test_round_trip_through_the_output_folder(tmp_path: Path) -> None:
    res = make_result()
    write_outputs(res, tmp_path, report=False)
    assert (tmp_path / "hypnogram.csv").is_file()
    mem, disk = NightView.from_result(res), load_night(tmp_path)
    same(mem, disk)
    assert mem.series_start.tolist() == [400.0] and mem.series_end.tolist() == [461.0]
    assert mem.stage.tolist() == ["W", "N2", "R"]
    assert disk.origin == str(tmp_path) and not disk.hypnogram_missing
    # the summary.json path works as well as the folder
    same(mem, load_night(tmp_path / "summary.json"))


def test_round_trip_of_a_scored_simulated_night(night_dir: Path) -> None:
    night = load_night(night_dir)
    assert night.left_onsets.size + night.right_onsets.size > 20
    assert night.stage.size > 3 and night.has_hypnogram
    assert night.recording_start is not None
    assert night.rules_name == "wasm2016"


def test_old_folder_without_hypnogram_csv(tmp_path: Path) -> None:
    write_outputs(make_result(), tmp_path, report=False)
    (tmp_path / "hypnogram.csv").unlink()
    night = load_night(tmp_path)
    assert night.hypnogram_missing and night.stage.size == 0 and night.has_hypnogram


def test_folder_with_only_the_summary(tmp_path: Path) -> None:
    write_outputs(make_result(), tmp_path, report=False)
    for name in ("leg_movements.csv", "scored_movements.csv"):
        (tmp_path / name).unlink()
    night = load_night(tmp_path)
    assert night.left_onsets.size == 0 and night.periodic_onsets.size == 0


@pytest.mark.parametrize(
    ("file", "content", "problem"),
    [
        ("summary.json", None, "no such file"),
        ("summary.json", "{not json", "not valid JSON"),
        ("summary.json", "[1, 2]", "expected a JSON object"),
        ("summary.json", '{"plms_index": 1}', "no 'rules' key"),
        ("leg_movements.csv", "", "empty"),
        ("leg_movements.csv", "leg,start\nleft,1\n", "missing column(s) onset"),
        ("leg_movements.csv", "leg,onset\nleft,abc\n", "line 2: onset is not a number"),
        ("scored_movements.csv", "onset\n1\n", "missing column(s) periodic"),
        ("hypnogram.csv", "onset,duration,stage\n0,30,N7\n", "unknown sleep stage 'N7'"),
        ("leg_movements.csv", b"\xff\xfe\x00bad", "cannot be read"),
    ],
)
def test_bad_output_folders_name_the_file(
    tmp_path: Path, file: str, content: str | bytes | None, problem: str
) -> None:
    write_outputs(make_result(), tmp_path, report=False)
    target = tmp_path / file
    if content is None:
        target.unlink()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_night(tmp_path)
    assert str(err.value).startswith(str(target))
    assert problem in str(err.value)


def test_missing_folder_and_bad_start(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file or directory"):
        load_night(tmp_path / "nowhere")
    write_outputs(make_result(), tmp_path / "o", report=False)
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    s["recording_start"] = "yesterday"
    (tmp_path / "o" / "summary.json").write_text(json.dumps(s))
    with pytest.raises(InputFileError, match="not an ISO date-time"):
        load_night(tmp_path / "o")
    s["recording_start"] = None
    s.pop("recording_duration_s")
    s.pop("recording_time_h", None)
    (tmp_path / "o" / "summary.json").write_text(json.dumps(s))
    with pytest.raises(InputFileError, match="no recording length"):
        load_night(tmp_path / "o")
    shutil.rmtree(tmp_path / "o")
