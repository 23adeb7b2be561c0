"""report.html of a scored night: indices, cut-off, figures as inline SVG, warnings, disclaimer."""

from __future__ import annotations

import re
from pathlib import Path

from _report_data import HOSTILE, hostile_result, make_result
from markupsafe import escape

from twitchscope.disclaimer import DISCLAIMER
from twitchscope.outputs import write_outputs
from twitchscope.report.night import NightView, load_night
from twitchscope.report.score_report import night_context, render_night_report, render_score_report


def main_part(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def test_report_holds_indices_figures_warnings_and_disclaimer(tmp_path: Path) -> None:
    res = make_result()
    html = render_score_report(res)
    assert html.startswith("<!DOCTYPE html>")
    # the three figures, inline, each with its caption inside its <figure>
    assert html.count("<svg") == 3 and html.count("<figcaption>") == 3
    assert "<img" not in html and "<metadata>" not in html
    assert not re.search(r"(src|href|url)\s*[=(]\s*[\"']?\s*(https?:|//)", html)
    assert "<link" not in html and "@import" not in html
    # indices against the cut-off
    assert "PLMS index" in html and "22.5 /h" in html
    assert "above the adult cut-off of 15/h" in html
    assert "ICSD-3" in html
    # warnings are escaped and prominent
    assert str(escape(res.warnings[0])) in html and "<b>" not in main_part(html)
    assert "Warnings (1)" in html
    # channels and rules
    assert "Leg L" in html and "Leg R" in html
    assert "interval_max_s" in html and "wasm2016" in html
    assert str(escape(DISCLAIMER)) in html
    # by-stage table
    assert re.search(r"PLMS index by stage[^<]*</h3>\s*<table><tr><th>N1</th>", html)
    # print rules: paper size, the disclaimer in the margin of every page, page numbers
    assert "size: A4;" in html and "@bottom-center" in html and "counter(pages)" in html
    assert "size: letter;" in render_score_report(res, page_size="letter")


def test_report_without_hypnogram_and_below_cutoff() -> None:
    res = make_result(plms_index=3.0)
    res.hypnogram = None
    res.indices["index_basis"] = "recording_time"
    html = render_score_report(res)
    assert "not above the adult cut-off" in html
    assert "per hour of recording" in html
    assert "no sleep stages" in html
    assert "wake cannot be told from sleep" in html


def test_plmw_wake_time_is_named() -> None:
    res = make_result()
    assert "Wake time of the PLMW index: wake after sleep onset" in render_score_report(res)
    res.indices["plmw_wake"] = "time_in_bed"
    res.indices["plmw_wake_definition"] = "time_in_bed: every W epoch between lights off and on"
    html = render_score_report(res)
    # the report gives the definition in words; summary.json keeps the option's name too
    assert "Wake time of the PLMW index: every W epoch" in html
    assert "time_in_bed:" not in html
    ctx = night_context(NightView.from_result(res))
    assert ctx["plmw_wake"].endswith("lights off and on")
    (row,) = [r for r in ctx["rows"] if r["label"] == "PLMW index"]
    assert row["note"] == "Wake time of the PLMW index: every W epoch between lights off and on"


def test_report_shows_words_not_option_names() -> None:
    res = make_result()
    res.indices["wake_in_bed_h"] = 1.2
    res.indices["periodicity_definition"] = "plm_over_clm: PLM in sleep / CLM in sleep"
    html = render_score_report(res)
    assert "plm_over_clm:" not in html
    assert "PLM in sleep / CLM in sleep" in html
    assert "Wake in time in bed" in html
    assert "wake in bed h" not in html
    # the cut-off paragraph names the children's cut-off once, in words
    assert "(children: >" not in html
    assert "above 5/h in children" in html


def test_hostile_strings_from_files_are_escaped() -> None:
    res = hostile_result()
    html = render_score_report(res)
    assert "<script" not in html and "<img" not in html
    escaped = str(escape(HOSTILE))
    # source, both channels, warnings, hypnogram and events sources, in the page or figures
    assert html.count(escaped) >= 5
    assert "&lt;script&gt;" in html


def test_same_report_from_memory_and_from_the_output_folder(tmp_path: Path) -> None:
    res = make_result()
    write_outputs(res, tmp_path, report=False)
    mem = render_score_report(res)
    disk = render_night_report(load_night(tmp_path))

    def figures(html: str) -> list[str]:
        return re.findall(r"<svg.*?</svg>", html, flags=re.S)

    assert figures(mem) == figures(disk)
    assert "read from" in disk and "read from" not in mem


def test_report_html_written_by_write_outputs(tmp_path: Path) -> None:
    write_outputs(make_result(), tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3


def _twitch_summary() -> dict[str, object]:
    kinds = {
        "hypnic_jerk": {"count": 2, "per_hour": 2.0, "assessed": True, "rule": "at sleep onset",
                        "source": "AASM ICSD-3"},
        "fragmentary_myoclonus": {"count": 1, "per_hour": 1.0, "assessed": True,
                                  "rule": "< 150 ms potentials", "source": HOSTILE},
        "alma": {"count": None, "per_hour": None, "assessed": False,
                 "reason_not_assessed": "no hypnogram", "rule": "", "source": ""},
    }  # fmt: skip
    return {
        "kinds": kinds,
        "per_hour_basis": "total sleep time",
        "efm": {"verdict": "not excessive", "minutes_meeting_rule": 3.0},
        "warnings": [],
    }


def test_other_twitch_kinds_and_automatic_stages_from_a_folder(tmp_path: Path) -> None:
    import json

    import pandas as pd

    res = make_result()
    write_outputs(res, tmp_path, report=False)
    s = json.loads((tmp_path / "summary.json").read_text())
    s["twitches"] = _twitch_summary()
    s["hypnogram_automatic"] = True
    s["staging"] = {"method": "YASA", "confidence_mean": 0.81, "low_confidence_threshold": 0.5}
    (tmp_path / "summary.json").write_text(json.dumps(s))
    pd.DataFrame(
        {
            "kind": ["hypnic_jerk", "hypnic_jerk", "fragmentary_myoclonus"],
            "leg": ["both", "left", HOSTILE],
            "onset": [300.0, 310.0, 1200.0],
            "duration": [0.4, 0.5, 600.0],
            "stage": ["W", "N1", "N2"],
            "frequency_hz": [float("nan"), float("nan"), 2.0],
        }
    ).to_csv(tmp_path / "twitches.csv", index=False)
    hyp = pd.read_csv(tmp_path / "hypnogram.csv")
    hyp["confidence"] = [0.3 if i % 10 == 0 else 0.9 for i in range(len(hyp))]
    hyp.to_csv(tmp_path / "hypnogram_auto.csv", index=False)

    night = load_night(tmp_path)
    assert night.twitches is not None and len(night.twitches) == 3
    assert night.unsure_onsets.size == 12 and night.automatic_stages
    html = render_night_report(night)
    assert "Other twitch kinds" in html and "hypnic jerk" in html
    assert "not assessed" in html and "Excessive fragmentary myoclonus: not excessive" in html
    assert "Sleep stages were scored automatically (YASA); mean confidence 0.81" in html
    assert "23:05:00" in html  # the first jerk at its clock time
    assert "<script" not in html and "<img" not in html
    svg = re.findall(r"<svg.*?</svg>", html, flags=re.S)[0]
    assert ">Other<" in svg and "fragmentary myoclonus" in svg
    assert 'viewBox="0 0 1000 352"' in svg


def test_other_twitch_kinds_in_memory() -> None:
    from types import SimpleNamespace

    import pandas as pd

    res = make_result()
    events = pd.DataFrame(
        {"kind": ["tremor"], "leg": ["left"], "onset": [900.0], "duration": [30.0],
         "stage": ["N2"], "frequency_hz": [5.0]}
    )  # fmt: skip
    res.twitches = SimpleNamespace(events=events, to_dict=_twitch_summary)  # type: ignore[attr-defined]
    res.indices["twitches"] = _twitch_summary()
    html = render_score_report(res)
    assert "Other twitch kinds" in html and ">Other<" in html and "tremor" in html
