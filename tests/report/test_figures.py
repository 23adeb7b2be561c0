"""The SVG figures: well-formed, one path per layer, every movement drawn, text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

import numpy as np
import pytest
from _report_data import hostile_result, make_result

from twitchscope.report.figures import diary_hours, hourly_counts, imi_histogram, night_overview
from twitchscope.report.night import NightView
from twitchscope.report.svg import LEG_COLOURS, PLM_COLOUR, SvgFigure, num, rects_path, ticks_path

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(fig: SvgFigure) -> ET.Element:
    root = ET.fromstring(str(fig))  # raises on malformed markup
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("svg:title", NS) is not None
    return root


def paths_with(root: ET.Element, **attrs: str) -> list[ET.Element]:
    return [
        p
        for p in root.iter("{http://www.w3.org/2000/svg}path")
        if all(p.get(k.replace("_", "-")) == v for k, v in attrs.items())
    ]


def big_night(n: int, seed: int = 0) -> NightView:
    """A synthetic 8 h night with ``n`` movements per leg."""
    rng = np.random.default_rng(seed)
    dur = 8 * 3600.0
    left = np.sort(rng.uniform(0, dur, n))
    right = np.sort(rng.uniform(0, dur, n))
    stages = rng.choice(["W", "N1", "N2", "N3", "R"], 960)
    return NightView(
        summary={
            "index_basis": "total_sleep_time",
            "channels": {"left": "Leg L"},
            "rules": {"preset": "wasm2016", "options": {}},
        },
        recording_duration_s=dur,
        recording_start=datetime(2026, 1, 1, 22, 30),
        stage_onset=np.arange(960) * 30.0,
        stage_duration=np.full(960, 30.0),
        stage=stages.astype("<U3"),
        left_onsets=left,
        right_onsets=right,
        periodic_onsets=left[::3],
        series_start=left[::30],
        series_end=left[::30] + 60.0,
    )


def test_every_movement_is_a_tick_in_one_path_per_leg() -> None:
    small, large = big_night(50), big_night(3000)
    for night, n in ((small, 50), (large, 3000)):
        root = parse(night_overview(night))
        for leg in ("left", "right"):
            (p,) = paths_with(root, stroke=LEG_COLOURS[leg])
            assert p.get("d", "").count("M") == n
        (plm,) = paths_with(root, stroke=PLM_COLOUR)
        assert plm.get("d", "").count("M") == len(night.periodic_onsets)
    # the number of elements does not grow with the number of movements
    count = [len(list(parse(night_overview(v)).iter())) for v in (small, large)]
    assert count[0] == count[1]


def test_ticks_sit_at_their_times_and_inside_the_axes() -> None:
    night = big_night(10)
    root = parse(night_overview(night))
    (p,) = paths_with(root, stroke=LEG_COLOURS["left"])
    xs = np.array([float(v) for v in re.findall(r"M (\S+)", p.get("d", ""))])
    x0, x1 = 86.0, 986.0
    expected = x0 + night.left_onsets / night.recording_duration_s * (x1 - x0)
    np.testing.assert_allclose(xs, expected, atol=0.06)


def test_clock_time_axis_and_legend() -> None:
    svg = str(night_overview(big_night(5)))
    for label in ("23:00", "00:00", "06:00", "Wake", "REM", "N3", "Left leg", "Periodic"):
        assert f">{label}<" in svg
    assert "recording from 22:30" in svg
    assert "left leg (Leg L)" in svg and "PLM series" in svg


def test_hand_built_night_and_its_hypnogram() -> None:
    res = make_result()
    root = parse(night_overview(res))
    # stage bars: one path per stage present (W, N2, R)
    fills = {p.get("fill") for p in root.iter("{http://www.w3.org/2000/svg}path")}
    assert {"#E69F00", "#4A90C2", "#CC79A7"} <= fills
    assert len(paths_with(root, fill=PLM_COLOUR)) == 1  # the series band
    parse(hourly_counts(res))
    parse(imi_histogram(res))


def test_no_hypnogram_no_start_no_movements() -> None:
    empty = NightView(summary={"index_basis": "recording_time"}, recording_duration_s=1800.0)
    svg = str(night_overview(empty))
    parse(night_overview(empty))
    assert "no sleep stages" in svg and "start time unknown" in svg
    assert ">0 h<" in svg
    assert "no intervals" in str(imi_histogram(empty))
    assert "not available" in str(hourly_counts(empty))
    missing = NightView(summary={}, recording_duration_s=1800.0, hypnogram_missing=True)
    assert "no hypnogram.csv" in str(night_overview(missing))


def test_hostile_channel_names_are_escaped() -> None:
    res = hostile_result()
    for fig in (night_overview(res), hourly_counts(res), imi_histogram(res)):
        parse(fig)
        assert "<script" not in str(fig) and "<img" not in str(fig)


def test_hourly_bars_show_counts_by_clock_hour() -> None:
    res = make_result()
    svg = str(hourly_counts(res))
    parse(hourly_counts(res))
    assert ">23:00<" in svg  # the first hour of the night, by its clock time
    assert ">23<" in svg and ">4<" in svg  # clock hour 23 and its 4 periodic movements


def test_imi_histogram_marks_the_plm_window() -> None:
    svg = str(imi_histogram(make_result()))
    assert "PLM window 10-90 s" in svg
    assert "4 intervals, 0 inside the PLM window 10-90 s" in svg  # 3 at 8-10 s, 1 at 406 s


def test_diary_hours() -> None:
    profile = [0] * 24
    profile[21] = 5
    profile[2] = 1
    fig = diary_hours(profile)
    root = parse(fig)
    assert "6 episodes" in str(fig)
    assert len(paths_with(root, fill="#0072B2")) == 1
    parse(diary_hours([]))


def test_svg_helpers() -> None:
    assert num([1.04, -0.01, 2]).tolist() == ["1.0", "0.0", "2.0"]
    assert ticks_path([], 0, 1) == "" and rects_path([], [], 0, 1) == ""
    assert ticks_path([5.0], 1, 2) == "M 5.0 1.0 V 2.0"
    assert rects_path([1.0], [3.0], 0.0, 2.0) == "M 1.0 0.0 H 3.0 V 2.0 H 1.0 Z"


def test_figure_repr_and_save(tmp_path: pytest.TempPathFactory) -> None:
    fig = night_overview(make_result())
    assert fig._repr_svg_() == str(fig) == fig.__html__()
    out = tmp_path / "night.svg"  # type: ignore[operator]
    fig.save(str(out))
    ET.parse(out)
