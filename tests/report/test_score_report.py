"""report.html of a scored night: indices, cut-off, figures as inline SVG, warnings, disclaimer."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from twitchscope.disclaimer import DISCLAIMER
from twitchscope.outputs import write_outputs
from twitchscope.report.figures import night_overview
from twitchscope.report.page import escape
from twitchscope.report.score_report import render_score_report
from twitchscope.results import ScoreResult


def _builder() -> ModuleType:
    # The hand-built ScoreResult of the output tests (tests are not a package).
    path = Path(__file__).resolve().parents[1] / "test_outputs.py"
    spec = importlib.util.spec_from_file_location("_score_result_builder", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_result(**kwargs: object) -> ScoreResult:
    return _builder().make_result(**kwargs)  # type: ignore[no-any-return]


def test_report_holds_indices_figures_warnings_and_disclaimer(tmp_path: Path) -> None:
    res = make_result()
    html = render_score_report(res)
    assert html.startswith("<!DOCTYPE html>")
    # the three figures, inline
    assert html.count("<svg") == 3
    assert "<img" not in html and "<metadata>" not in html
    assert not re.search(r"(src|href)=\"https?:", html)  # nothing fetched from outside
    # indices against the cut-off
    assert "PLMS index" in html and "22.5 /h" in html
    assert "above the adult cut-off of 15/h" in html
    assert "ICSD-3" in html
    # warnings are escaped and prominent
    assert escape(res.warnings[0]) in html and "<b>" not in html.split("<main>")[1]
    assert "Warnings (1)" in html
    # channels and rules
    assert "Leg L" in html and "Leg R" in html
    assert "interval_max_s" in html and "wasm2016" in html
    assert escape(DISCLAIMER) in html
    # by-stage table
    assert re.search(r"PLMS index by stage</h3><table><tr><th>N1</th>", html)
    write_outputs(res, tmp_path)
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count("<svg") == 3


def test_report_without_hypnogram_and_below_cutoff() -> None:
    res = make_result(plms_index=3.0)
    res.hypnogram = None
    res.indices["index_basis"] = "recording_time"
    html = render_score_report(res)
    assert "not above the adult cut-off" in html
    assert "per hour of recording" in html
    assert "no hypnogram" in html


def test_plot_returns_a_figure() -> None:
    fig = night_overview(make_result())
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert labels == ["left", "right", "PLM"]
