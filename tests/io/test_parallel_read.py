"""Decoding with threads: the blocks of a file shared among threads give the same samples.

Blocks are made one record long here, so a 30 s file has 30 blocks to share (a real night has
a few dozen blocks of 8 MB). EDF, BDF (24-bit) and EDF+D (gaps) take different decoding paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from twitchscope.errors import ValidationError
from twitchscope.io import recording as recording_module
from twitchscope.io.recording import open_recording


def _decode_both_ways(path: Path, names: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recording_module, "BLOCK_BYTES", 1)  # one record per block
    with open_recording(path) as rec:
        serial = rec.load_many(names, threads=1)
        serial_ann = rec.raw_annotations()  # read in a pass of its own
    with open_recording(path) as rec:
        threaded = rec.load_many(names, threads=3)
        threaded_ann = rec.raw_annotations()  # from the bytes kept by the pass above
    for name in names:
        a, b = serial[name].data, threaded[name].data
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_array_equal(a, b)  # NaN in gaps compare equal here
    assert serial_ann.equals(threaded_ann)


def _write_night(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator, *, bdf: bool,
    seconds: int, labels: tuple[str, ...], **write: Any,
) -> Path:  # fmt: skip
    """A ``seconds`` long EDF (or BDF) of noise: legs at 256 Hz (µV), an "ECG" at 200 Hz."""
    sig = edf_tools["Sig"]
    signals = [
        sig(label, rng.normal(0, 300, 200 * seconds), 200, "uV", (-3000, 3000))
        if label == "ECG"
        else sig(label, rng.normal(0, 10, 256 * seconds), 256, "uV", (-500, 500))
        for label in labels
    ]
    path: Path = edf_tools["write"](
        tmp_path / ("n.bdf" if bdf else "n.edf"), signals, bdf=bdf, **write
    )
    return path


@pytest.mark.parametrize("bdf", [False, True], ids=["edf", "bdf"])
def test_threads_decode_the_same_samples(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator, bdf: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    path = _write_night(
        tmp_path,
        edf_tools,
        rng,
        bdf=bdf,
        seconds=30,
        labels=("Leg L", "Leg R", "ECG"),
        annotations=[(0.0, 30.0, "Sleep stage W"), (12.5, 2.0, "Limb movement")],
    )
    _decode_both_ways(path, ["Leg L", "Leg R", "ECG"], monkeypatch)


def test_threads_decode_the_same_samples_with_gaps(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    sig = edf_tools["Sig"]
    onsets = [0.0, 1.0, 2.0, 5.0, 6.0, 10.0, 11.0, 12.0]
    n = len(onsets)
    path = edf_tools["discontinuous"](
        tmp_path / "d.edf",
        [
            sig("Leg L", rng.normal(0, 10, 128 * n), 128, "uV", (-500, 500)),
            sig("Leg R", rng.normal(0, 10, 128 * n), 128, "uV", (-500, 500)),
        ],
        onsets,
    )
    _decode_both_ways(path, ["Leg L", "Leg R"], monkeypatch)
    with open_recording(path) as rec:
        assert np.isnan(rec.load("Leg L").data).sum() == 128 * 5  # the gaps stay NaN


def test_error_of_a_block_reaches_the_caller(psg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error in a decoding thread is raised to the caller, not lost with the thread."""
    monkeypatch.setattr(recording_module, "BLOCK_BYTES", 1)

    def broken(self: Any, *args: Any) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(recording_module.Recording, "_decode_into", broken)
    with open_recording(psg) as rec, pytest.raises(OSError, match="disk went away"):
        rec.load_many(["Leg L", "Leg R"], threads=2)


class _Collect:
    """A sample reducer that keeps what it is fed, to check what the decoding pass hands over."""

    def __init__(self, n: int) -> None:
        self.samples = np.full(n, np.nan, dtype=np.float32)
        self.calls = 0

    def feed(self, first: int, samples: np.ndarray) -> None:
        self.samples[first : first + samples.shape[0]] = samples
        self.calls += 1


@pytest.mark.parametrize("bdf", [False, True], ids=["edf", "bdf"])
@pytest.mark.parametrize("threads", [1, 3])
def test_a_reducer_is_fed_every_sample_once_in_the_same_pass(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator, bdf: bool,
    threads: int, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    n = 20
    path = _write_night(tmp_path, edf_tools, rng, bdf=bdf, seconds=n, labels=("Leg L", "ECG"))
    monkeypatch.setattr(recording_module, "BLOCK_BYTES", 1)  # one record per block
    with open_recording(path) as rec:
        whole = rec.load("ECG").data
        fed = _Collect(whole.shape[0])
        got = rec.load_many(["Leg L"], threads=threads, reducers={"ECG": fed})
    assert list(got) == ["Leg L"]  # the fed channel is not returned
    assert fed.calls == n
    np.testing.assert_array_equal(fed.samples, whole)


def test_reducers_are_refused_for_a_discontinuous_recording(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator
) -> None:
    sig = edf_tools["Sig"]
    path = edf_tools["discontinuous"](
        tmp_path / "d.edf",
        [sig("ECG", rng.normal(0, 300, 200 * 4), 200, "uV", (-3000, 3000))],
        [0.0, 1.0, 5.0, 6.0],
    )
    with open_recording(path) as rec:
        assert not rec.is_continuous
        with pytest.raises(ValidationError, match="continuous"):
            rec.load_many([], reducers={"ECG": _Collect(800)})


@pytest.mark.parametrize("gaps", [False, True], ids=["continuous", "edf+d"])
def test_decoded_signals_give_the_r_peaks_of_the_whole_ecg(
    tmp_path: Path, edf_tools: dict[str, Any], rng: np.random.Generator, gaps: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """R peaks from the slope energy made while decoding (continuous) or from the ECG decoded
    whole (EDF+D, whose gaps are NaN) equal those of the loaded ECG."""
    from twitchscope.detect.ecg import r_peak_times
    from twitchscope.prepare import decode_signals

    sig = edf_tools["Sig"]
    n, fs = 60, 256
    t = np.arange(fs * n) / fs
    ecg = 800.0 * np.exp(-0.5 * ((t % 0.8 - 0.4) / 0.012) ** 2) + rng.normal(0, 10, t.size)
    channels = [
        sig("Leg L", rng.normal(0, 5, fs * n), fs, "uV", (-500, 500)),
        sig("Leg R", rng.normal(0, 5, fs * n), fs, "uV", (-500, 500)),
        sig("ECG", ecg, fs, "uV", (-3000, 3000)),
    ]
    path = (
        edf_tools["discontinuous"](tmp_path / "d.edf", channels, [*range(30), *range(40, 70)])
        if gaps
        else edf_tools["write"](tmp_path / "c.edf", channels)
    )
    monkeypatch.setattr(recording_module, "BLOCK_BYTES", 7 * 1024)  # several blocks
    with open_recording(path) as rec:
        expected = r_peak_times(rec.load("ECG"))
        decoded = decode_signals(rec)
        found = decoded.beat_times()
    assert found is not None and len(found) >= 70
    np.testing.assert_array_equal(found, expected)
    assert decoded.beat_times() is None  # found once; the ECG is not kept
