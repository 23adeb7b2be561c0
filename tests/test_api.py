"""twitchscope.score on a short simulated night written to EDF+ and read back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import twitchscope
from twitchscope.errors import ChannelError, TwitchscopeError, ValidationError
from twitchscope.hypnogram import Hypnogram
from twitchscope.outputs import FILES, SCORED_COLUMNS, SUMMARY_KEYS, write_outputs
from twitchscope.prepare import stage_code_mapping
from twitchscope.progress import ProgressEvent
from twitchscope.results import ScoreResult
from twitchscope.scoring import score_leg_movements
from twitchscope.scoring.rules import get_rules
from twitchscope.simulate import SimulatedNight, simulate_night

COMPARED = (
    "plms_index",
    "plmw_index",
    "lm_index",
    "plms_count",
    "periodicity_index",
    "plms_index_nonrespiratory",
    "plms_arousal_index",
    "plms_index_by_stage",
    "plms_index_by_leg",
    "total_sleep_time_h",
)


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[SimulatedNight, Path]:
    """A 40-minute RLS night (periodic movements, apnoea-free), written as EDF+."""
    sim = simulate_night("rls", seed=3, duration_h=2 / 3)
    path = tmp_path_factory.mktemp("night") / "night.edf"
    sim.write(path)
    return sim, path


@pytest.fixture(scope="module")
def result(night: tuple[SimulatedNight, Path]) -> ScoreResult:
    return twitchscope.score(night[1])


def truth_indices(sim: SimulatedNight, rules: str = "wasm2016") -> dict[str, object]:
    """The scorer on the simulator's true movements, stages and events."""
    scoring = score_leg_movements(
        sim.movements[["leg", "onset", "duration"]],
        recording_duration=sim.duration,
        rules=get_rules(rules),
        hypnogram=sim.hypnogram,
        events=sim.events,
        recording_start=sim.start,
    )
    return scoring.indices.to_dict()


def test_score_detects_and_scores_a_night(
    night: tuple[SimulatedNight, Path], result: ScoreResult
) -> None:
    sim = night[0]
    assert result.channels == {"left": "Leg L", "right": "Leg R"}
    assert result.mode == "detect" and len(result.detections) == 2
    # stages and events come from the file's own EDF+ annotations
    assert result.hypnogram is not None
    assert result.hypnogram.stages == sim.hypnogram.stages
    assert "(annotations)" in result.hypnogram_source
    assert result.recording_duration == pytest.approx(sim.duration)
    mv = result.movements
    assert {"leg", "onset", "duration", "amplitude_uv", "stage"} <= set(mv.columns)
    assert set(mv["stage"]) <= {"W", "N1", "N2", "N3", "R", "UNS"}
    # detection is close to the truth on a clean simulated night
    truth = truth_indices(sim)
    n_true = len(sim.movements)
    assert abs(len(mv) - n_true) <= max(3, 0.1 * n_true)
    assert result.indices["plms_index"] == pytest.approx(truth["plms_index"], rel=0.25, abs=3)
    assert result.indices["total_sleep_time_h"] == truth["total_sleep_time_h"]
    assert (mv["amplitude_uv"] > 0).all()


def test_outputs_and_summary(result: ScoreResult, tmp_path: Path) -> None:
    out = write_outputs(result, tmp_path / "out")
    names = {p.name for p in out.iterdir()}
    assert set(FILES) <= names and not any(n.endswith(".part") for n in names)
    lm = pd.read_csv(out / "leg_movements.csv")
    assert len(lm) == len(result.movements)
    assert list(lm.columns[:5]) == ["leg", "onset", "duration", "amplitude_uv", "stage"]
    sc = pd.read_csv(out / "scored_movements.csv")
    assert list(sc.columns[: len(SCORED_COLUMNS)]) == list(SCORED_COLUMNS)
    assert len(sc) == len(result.scored)
    assert int(sc["periodic"].sum()) == result.indices["plms_count"] + (
        result.indices["plmw_count"] or 0
    )
    s = json.loads((out / "summary.json").read_text())
    for key in SUMMARY_KEYS:
        assert key in s
    assert s["plms_index"] == pytest.approx(result.indices["plms_index"])
    assert s["channels"] == {"left": "Leg L", "right": "Leg R"}
    assert set(s["excluded_s"]) == {"left", "right"}
    assert set(s["leg_signal"]) == {"left", "right"}
    assert s["leg_signal"]["left"]["channel"] == "Leg L"
    assert s["leg_signal"]["left"]["excluded_s"] == s["excluded_s"]["left"]
    assert isinstance(s["leg_signal"]["right"]["mains_notch_hz"], list)
    assert s["source"].endswith("night.edf")
    assert s["rules"]["options"]["interval_min_s"] == 10.0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and "PLMS index" in html
    summary = result.summary().set_index("index")
    assert summary.loc["plms_index", "value"] == pytest.approx(s["plms_index"])


def test_movements_mode_csv_reproduces_truth_exactly(
    night: tuple[SimulatedNight, Path], tmp_path: Path
) -> None:
    sim, path = night
    truth = truth_indices(sim)
    csv = path.with_name("night.truth_movements.csv")
    assert csv.is_file()
    res = twitchscope.score(path, movements=csv)
    assert res.mode == "reference" and res.detections == ()
    assert res.movements_source == str(csv)
    for key in COMPARED:
        assert res.indices[key] == pytest.approx(truth[key]), key
    # also from a DataFrame, and the AASM preset
    res2 = twitchscope.score(path, movements=sim.movements, rules="aasm")
    aasm = truth_indices(sim, "aasm")
    for key in COMPARED:
        assert res2.indices[key] == pytest.approx(aasm[key]), key


def _nsrr(movements: pd.DataFrame) -> str:
    side = {"left": "Limb movement - left|Limb Movement (Left)", "right": "Limb movement - right|"
            "Limb Movement (Right)"}  # fmt: skip
    rows = "".join(
        "<ScoredEvent><EventType>Limb Movement|Limb Movement</EventType>"
        f"<EventConcept>{side[r.leg]}</EventConcept>"
        f"<Start>{r.onset!r}</Start><Duration>{r.duration!r}</Duration></ScoredEvent>\n"
        for r in movements.itertuples()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<PSGAnnotation><EpochLength>30</EpochLength>'
        f"<ScoredEvents>\n{rows}</ScoredEvents></PSGAnnotation>\n"
    )


def test_movements_mode_nsrr_xml_and_edf_annotations(
    night: tuple[SimulatedNight, Path], tmp_path: Path
) -> None:
    from edfio import Edf, EdfAnnotation, EdfSignal

    sim, path = night
    truth = truth_indices(sim)
    xml = tmp_path / "scored.xml"
    xml.write_text(_nsrr(sim.movements), encoding="utf-8")
    res = twitchscope.score(path, movements=xml)
    for key in COMPARED:
        assert res.indices[key] == pytest.approx(truth[key]), key

    edf = tmp_path / "scored.edf"
    text = {"left": "Limb Movement (Left)", "right": "Limb Movement (Right)"}
    Edf(
        [EdfSignal(np.zeros(int(sim.duration)), sampling_frequency=1.0, label="Pos")],
        annotations=[
            EdfAnnotation(float(r.onset), float(r.duration), text[r.leg])
            for r in sim.movements.itertuples()
        ],
    ).write(edf)
    res_edf = twitchscope.score(path, movements=edf)
    for key in COMPARED:
        assert res_edf.indices[key] == pytest.approx(truth[key]), key


def test_explicit_hypnogram_and_events(night: tuple[SimulatedNight, Path]) -> None:
    sim, path = night
    short = Hypnogram.from_epochs(sim.hypnogram.stages[:40], source="first 20 min")
    res = twitchscope.score(path, movements=sim.movements, hypnogram=short, events=sim.events)
    assert res.hypnogram is short
    assert res.indices["total_sleep_time_h"] == pytest.approx(short.total_sleep_time / 3600)
    assert res.events_source == "given"


def test_open_recording_object(night: tuple[SimulatedNight, Path]) -> None:
    from twitchscope.io.recording import open_recording

    sim, path = night
    with open_recording(path) as rec:
        res = twitchscope.score(rec, movements=sim.movements)
    assert res.source == str(path)
    assert res.channels == {"left": "Leg L", "right": "Leg R"}
    assert res.indices["plms_count"] == truth_indices(sim)["plms_count"]


def test_mne_raw_gives_the_same_movements(
    night: tuple[SimulatedNight, Path], result: ScoreResult
) -> None:
    mne = pytest.importorskip("mne")
    raw = mne.io.read_raw_edf(night[1], preload=False, verbose="error")
    res = twitchscope.score(raw)
    assert res.channels == {"left": "Leg L", "right": "Leg R"}
    assert res.hypnogram is not None
    assert res.hypnogram.stages == result.hypnogram.stages  # type: ignore[union-attr]
    assert abs(len(res.movements) - len(result.movements)) <= 1
    assert res.indices["plms_count"] == pytest.approx(result.indices["plms_count"], abs=1)


def test_bad_input(night: tuple[SimulatedNight, Path], tmp_path: Path) -> None:
    sim, path = night
    with pytest.raises(ChannelError, match="no such channel"):
        twitchscope.score(path, left="Leg X")
    too_long = Hypnogram.from_epochs(["N2"] * (int(sim.duration // 30) + 10), source="other")
    with pytest.raises(TwitchscopeError, match="covers"):
        twitchscope.score(path, hypnogram=too_long, movements=sim.movements)
    with pytest.raises(TwitchscopeError):
        twitchscope.score(tmp_path / "missing.edf")
    with pytest.raises(TwitchscopeError, match="not a recording"):
        twitchscope.score(42)


def test_score_to_dir_is_the_whole_command_with_progress(
    night: tuple[SimulatedNight, Path], result: ScoreResult, tmp_path: Path
) -> None:
    events: list[ProgressEvent] = []
    out = tmp_path / "deep" / "out"
    res = twitchscope.score_to_dir(night[1], out, progress=events.append)
    names = {p.name for p in out.iterdir()}
    assert set(FILES) <= names and not any(n.endswith(".part") for n in names)
    assert len(res.movements) == len(result.movements)
    s = json.loads((out / "summary.json").read_text())
    assert s["plms_index"] == pytest.approx(result.indices["plms_index"])
    # two events per step, in order, plain data
    assert [(e.step, e.finished) for e in events] == [
        (step, fin) for step in ("read", "detect", "score", "twitches", "write", "report")
        for fin in (False, True)
    ]  # fmt: skip
    assert all(e.total == 6 for e in events)
    assert [e.done for e in events if e.finished] == [1, 2, 3, 4, 5, 6]
    assert events[-1].fraction == 1.0
    assert all(e.seconds == 0.0 for e in events if not e.finished)
    assert all(e.seconds >= 0.0 for e in events)
    assert events[3].message == f"detected {len(res.movements)} leg movements"
    assert json.loads(json.dumps([e.to_dict() for e in events]))[0]["step"] == "read"


def test_score_progress_and_no_report(night: tuple[SimulatedNight, Path], tmp_path: Path) -> None:
    sim, path = night
    events: list[ProgressEvent] = []
    res = twitchscope.score(path, movements=sim.movements, progress=events.append)
    assert [e.step for e in events if e.finished] == ["read", "reference", "score", "twitches"]
    assert {e.total for e in events} == {4}
    assert res.mode == "reference"
    steps: list[str] = []
    twitchscope.score_to_dir(
        path,
        tmp_path / "o",
        movements=sim.movements,
        report=False,
        progress=lambda e: steps.append(e.step) if e.finished else None,
    )
    assert steps == ["read", "reference", "score", "twitches", "write"]
    assert not (tmp_path / "o" / "report.html").exists()


def test_score_to_dir_checks_the_output_before_any_work(
    night: tuple[SimulatedNight, Path], tmp_path: Path
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x")
    events: list[ProgressEvent] = []
    with pytest.raises(TwitchscopeError, match="not a directory"):
        twitchscope.score_to_dir(night[1], taken, progress=events.append)
    assert events == []  # refused before reading the recording


def test_stage_codes(night: tuple[SimulatedNight, Path], tmp_path: Path) -> None:
    sim, path = night
    codes = {"W": 0, "N1": 1, "N2": 2, "N3": 3, "R": 5}
    coded = tmp_path / "hyp_codes.csv"
    coded.write_text("stage\n" + "".join(f"{codes[s]}\n" for s in sim.hypnogram.stages))
    with pytest.raises(TwitchscopeError, match="integer"):
        twitchscope.score(path, hypnogram=coded, movements=sim.movements)
    by_text = twitchscope.score(
        path, hypnogram=coded, movements=sim.movements, stage_codes="0=W,1=N1,2=N2,3=N3,5=R"
    )
    by_map = twitchscope.score(
        path,
        hypnogram=coded,
        movements=sim.movements,
        stage_codes={0: "wake", 1: "N1", 2: "N2", 3: "N3", 5: "REM"},
    )
    assert by_text.hypnogram is not None and by_map.hypnogram is not None
    assert by_text.hypnogram.stages == sim.hypnogram.stages == by_map.hypnogram.stages
    assert by_text.hypnogram_source == str(coded)
    truth = truth_indices(sim)
    assert by_text.indices["plms_index"] == pytest.approx(truth["plms_index"])
    with pytest.raises(ValidationError, match="stage_codes: needs a hypnogram file"):
        twitchscope.score(path, movements=sim.movements, stage_codes="0=W")
    with pytest.raises(ValidationError, match="not a stage"):
        twitchscope.score(path, hypnogram=coded, movements=sim.movements, stage_codes="0=Z")
    assert stage_code_mapping("0=W; 5=rem") == {0: "W", 5: "R"}


def test_mne_raw_uses_the_same_channel_picking(night: tuple[SimulatedNight, Path]) -> None:
    mne = pytest.importorskip("mne")
    raw = mne.io.read_raw_edf(night[1], preload=False, verbose="error")
    sim = night[0]
    # a label written loosely and a role name, as for files
    res = twitchscope.score(raw, left="leg-l", right="leg_right", movements=sim.movements)
    assert res.channels == {"left": "Leg L", "right": "Leg R"}
    with pytest.raises(ChannelError, match="the same channel is given for both legs"):
        twitchscope.score(raw, left="Leg L", right="leg l")
    with pytest.raises(ChannelError, match="no such channel or role"):
        twitchscope.score(raw, left="Leg X")
    with pytest.raises(ChannelError, match="no such channel or role"):
        twitchscope.score(night[1], left="Leg X")


def test_lazy_package_names() -> None:
    assert twitchscope.score_to_dir.__module__ == "twitchscope.api"
    assert twitchscope.run_validation.__module__ == "twitchscope.validate.run"
    assert twitchscope.ScoreResult is ScoreResult
    assert "score_to_dir" in dir(twitchscope)
    with pytest.raises(AttributeError):
        twitchscope.no_such_name  # noqa: B018


def test_later_steps_load_while_the_legs_are_detected(
    night: tuple[SimulatedNight, Path],
) -> None:
    """What runs while the detections are awaited may only prepare later steps: its errors are
    ignored and the detections are the same; the loading itself compiles report.html's
    template."""
    import sys

    from twitchscope.api import LATER_MODULES, _load_later_steps, _Pipeline
    from twitchscope.report.score_report import REPORT_TEMPLATE
    from twitchscope.report.templating import environment

    _, path = night
    rules = get_rules("wasm2016")
    calls: list[str] = []

    def failing() -> None:
        calls.append("ran")
        raise RuntimeError("a later step could not be prepared")

    got = _Pipeline(path, None, None, rules, True).detections(while_waiting=failing)
    plain = _Pipeline(path, None, None, rules, True).detections()
    for (det, _), (ref, _) in zip(got, plain, strict=True):
        pd.testing.assert_frame_equal(det.movements, ref.movements)
    assert calls in ([], ["ran"])  # it runs only when the detections are not ready yet

    _load_later_steps(report=True)
    assert all(name in sys.modules for name in LATER_MODULES)
    assert environment().cache is not None
    assert any(REPORT_TEMPLATE in str(key) for key in environment().cache)
