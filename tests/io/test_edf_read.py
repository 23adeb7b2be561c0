"""Reading real EDF, EDF+C, EDF+D, BDF and BDF+ files written by edfio and pyedflib."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchscope.io.recording import open_recording


def _step(prange: tuple[float, float], bdf: bool) -> float:
    """One quantisation step of a channel with this physical range."""
    levels = 2**24 - 1 if bdf else 2**16 - 1
    return (prange[1] - prange[0]) / levels


@pytest.mark.parametrize("bdf", [False, True])
@pytest.mark.parametrize("plus", [False, True])
def test_round_trip_values_rates_start(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator, bdf: bool, plus: bool
) -> None:
    sig = edf_tools["Sig"]
    left = rng.normal(0, 20, 512 * 10)
    right = rng.normal(0, 20, 512 * 10)
    flow = rng.normal(0, 1, 25 * 10)
    start = dt.datetime(2024, 2, 29, 23, 59, 58)
    path = edf_tools["write"](
        tmp_path / ("f.bdf" if bdf else "f.edf"),
        [
            sig("Leg L", left, 512, "uV", (-200, 200)),
            sig("Flow", flow, 25, "L/min", (-10, 10)),
            sig("Leg R", right, 512, "uV", (-200, 200)),
        ],
        bdf=bdf,
        start=start,
        annotations=[(1.0, 2.0, "Sleep stage N2")] if plus else None,
    )
    with open_recording(path) as rec:
        kind = "BDF" if bdf else "EDF"
        assert rec.format == (kind + "+C" if plus else kind)
        assert rec.start == start
        assert rec.duration == pytest.approx(10.0)
        assert [c.label for c in rec.channels] == ["Leg L", "Flow", "Leg R"]
        assert [c.fs for c in rec.channels] == [512, 25, 512]
        got = rec.load_many(["leg_left", "Flow", "leg_right"])
        tol = _step((-200, 200), bdf) * 1.01
        assert got["leg_left"].data.dtype == np.float32
        assert np.max(np.abs(got["leg_left"].data - left)) <= tol + 1e-4
        assert np.max(np.abs(got["leg_right"].data - right)) <= tol + 1e-4
        assert np.max(np.abs(got["Flow"].data - flow)) <= _step((-10, 10), bdf) + 1e-5
        assert got["Flow"].unit == "L/min"
        assert got["leg_left"].fs == 512
        assert got["leg_left"].role == "leg_left"
        assert got["leg_left"].source == str(path)
        ann = rec.raw_annotations()
        assert list(ann.columns) == ["onset", "duration", "description"]
        if plus:
            assert ann.to_dict("records") == [
                {"onset": 1.0, "duration": 2.0, "description": "Sleep stage N2"}
            ]
        else:
            assert ann.empty


def test_legs_returns_both(psg: Path) -> None:
    with open_recording(psg) as rec:
        left, right = rec.legs()
        assert (left.label, right.label) == ("Leg L", "Leg R")
        assert left.n_samples == 256 * 30
        assert rec.roles() == {
            "leg_left": ["Leg L"],
            "leg_right": ["Leg R"],
            "chin": ["Chin"],
            "eeg": ["C3-M2"],
            "spo2": ["SpO2"],
        }


def test_pyedflib_written_edfplus_and_bdfplus(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator
) -> None:
    sig = edf_tools["Sig"]
    data = rng.normal(0, 50, 200 * 20)
    for bdf in (False, True):
        path = edf_tools["pyedflib"](
            tmp_path / ("p.bdf" if bdf else "p.edf"),
            [
                sig("EMG Tib L", data, 200, "uV", (-400, 400)),
                sig("EMG Tib R", data, 200, "uV", (-400, 400)),
            ],
            bdf=bdf,
            annotations=[(3.0, 1.5, "Apnea"), (7.25, -1, "Arousal")],
        )
        with open_recording(path) as rec:
            assert rec.format == ("BDF+C" if bdf else "EDF+C")
            assert rec.start == dt.datetime(2022, 1, 2, 23, 0, 0)
            left = rec.load("leg_left")
            assert np.max(np.abs(left.data - data)) <= _step((-400, 400), bdf) + 1e-4
            ann = rec.raw_annotations()
            assert ann["description"].tolist() == ["Apnea", "Arousal"]
            assert ann["onset"].tolist() == [3.0, 7.25]
            assert ann["duration"].tolist()[0] == 1.5


@pytest.mark.parametrize("bdf", [False, True])
def test_discontinuous_gaps_are_nan(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator, bdf: bool
) -> None:
    sig = edf_tools["Sig"]
    fs = 100
    data = rng.normal(0, 20, fs * 4)  # four 1-s records
    onsets = [0.0, 1.0, 5.0, 6.0]  # a 3-s gap after the second record
    path = edf_tools["discontinuous"](
        tmp_path / ("d.bdf" if bdf else "d.edf"),
        [
            sig("LAT", data, fs, "uV", (-200, 200)),
            sig("RAT", data[::-1].copy(), fs, "uV", (-200, 200)),
        ],
        onsets,
        bdf=bdf,
    )
    with open_recording(path) as rec:
        assert rec.format == ("BDF+D" if bdf else "EDF+D")
        assert rec.duration == pytest.approx(7.0)
        left = rec.load("LAT").data
        assert left.shape == (7 * fs,)
        assert np.isnan(left[2 * fs : 5 * fs]).all()
        ok = np.r_[0 : 2 * fs, 5 * fs : 7 * fs]
        assert not np.isnan(left[ok]).any()
        assert np.max(np.abs(left[ok] - data)) <= _step((-200, 200), bdf) + 1e-4
        assert rec.raw_annotations()["description"].tolist() == ["gap test"]


def test_discontinuous_overlapping_records_refused(
    tmp_path: Path, edf_tools: dict[str, Any]
) -> None:
    from twitchscope.errors import InputFileError

    sig = edf_tools["Sig"]
    path = edf_tools["discontinuous"](
        tmp_path / "o.edf", [sig("LAT", np.zeros(300) + np.arange(300), 100)], [0.0, 2.0, 2.5]
    )
    with pytest.raises(InputFileError, match=r"o\.edf.*starts at 2\.5"):
        open_recording(path)


def test_year_after_2084_from_edfplus_startdate(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator
) -> None:
    sig = edf_tools["Sig"]
    path = edf_tools["write"](
        tmp_path / "y.edf", [sig("Leg L", rng.normal(0, 5, 512), 256)], annotations=[]
    )
    edf_tools["patch"](path, "startdate", "04.03.yy")
    edf_tools["patch"](path, "recording", "Startdate 04-MAR-2091 X X X")
    with open_recording(path) as rec:
        assert rec.start == dt.datetime(2091, 3, 4, 22, 30, 15)


def test_two_digit_year_clipping_rule(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator
) -> None:
    sig = edf_tools["Sig"]
    path = edf_tools["write"](tmp_path / "c.edf", [sig("Leg L", rng.normal(0, 5, 512), 256)])
    edf_tools["patch"](path, "recording", "X")
    for field, year in (("01.02.85", 1985), ("01.02.99", 1999), ("01.02.84", 2084)):
        edf_tools["patch"](path, "startdate", field)
        assert open_recording(path).start.year == year


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    fs=st.sampled_from([1, 10, 100, 128, 200, 256, 500, 512]),
    record_duration=st.sampled_from([0.5, 1.0, 2.0, 5.0]),
    n_records=st.integers(1, 6),
    scale=st.floats(1.0, 5000.0),
    bdf=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_property_random_signals_round_trip(
    tmp_path_factory: pytest.TempPathFactory,
    edf_tools: dict[str, Any],
    fs: int,
    record_duration: float,
    n_records: int,
    scale: float,
    bdf: bool,
    seed: int,
) -> None:
    spr = fs * record_duration
    if spr != int(spr):
        return
    rng = np.random.default_rng(seed)
    n = int(spr) * n_records
    a = rng.uniform(-scale, scale, n)
    b = rng.uniform(-scale / 2, scale / 2, 2 * n)
    path = tmp_path_factory.mktemp("h") / ("r.bdf" if bdf else "r.edf")
    sig = edf_tools["Sig"]
    edf_tools["write"](
        path,
        [sig("A", a, fs, "uV", (-scale, scale)), sig("B", b, 2 * fs, "mV", (-scale, scale))],
        bdf=bdf,
        record_duration=record_duration,
    )
    with open_recording(path) as rec:
        got = rec.load_many(["A", "B"])
        assert rec.duration == pytest.approx(n_records * record_duration)
        assert got["A"].fs == fs and got["B"].fs == 2 * fs
        step = _step((-scale, scale), bdf)
        assert np.max(np.abs(got["A"].data - a)) <= step * 1.01 + scale * 1e-6
        # B is in mV: read back in µV.
        assert got["B"].unit == "uV" and got["B"].source_unit == "mV"
        assert np.max(np.abs(got["B"].data / 1000 - b)) <= step * 1.01 + scale * 1e-6


def test_bdf_two_channels_are_not_decoded_whole(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator
) -> None:
    import tracemalloc

    sig = edf_tools["Sig"]
    n = 512 * 60
    labels = ["Leg L", "Leg R", *(f"EEG{i}" for i in range(10))]
    path = edf_tools["write"](
        tmp_path / "many.bdf",
        [sig(lab, rng.normal(0, 10, n), 512, "uV", (-100, 100)) for lab in labels],
        bdf=True,
    )
    with open_recording(path) as rec:
        tracemalloc.start()
        got = rec.load_many(["Leg L", "Leg R"])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    out_bytes = sum(s.data.nbytes for s in got.values())
    whole = len(labels) * n * 4  # every channel as float32
    # output + one block of 4-byte scratch words per channel (here the block is the whole file)
    assert peak < 3 * out_bytes < whole
