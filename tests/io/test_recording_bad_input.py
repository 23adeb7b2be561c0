"""Bad recordings: each gives a clear error (or a warning) naming the file and the problem."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchscope.errors import ChannelError, InputFileError, TwitchscopeError
from twitchscope.io.recording import open_recording


@pytest.fixture
def good(tmp_path: Path, edf_tools: dict[str, Any]) -> Path:
    """A 4-record EDF+C with two legs (256 Hz) and a 1 Hz SpO2 channel."""
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(11)
    return edf_tools["write"](
        tmp_path / "good.edf",
        [
            sig("Leg L", rng.normal(0, 10, 1024), 256, "uV", (-100, 100)),
            sig("Leg R", rng.normal(0, 10, 1024), 256, "uV", (-100, 100)),
            sig("SpO2", np.full(4, 97.0), 1, "%", (0, 100)),
        ],
        annotations=[(1.0, 0.0, "Sleep stage N1")],
    )


def _record_bytes(path: Path) -> int:
    rec = open_recording(path)
    return rec._header.record_bytes


def _raises(path: Path, pattern: str, exc: type[Exception] = InputFileError) -> None:
    with pytest.raises(exc, match=pattern) as info:
        open_recording(path).load_many(["Leg L", "Leg R"])
    assert str(path) in str(info.value)


def test_missing_directory_empty_and_not_edf(tmp_path: Path) -> None:
    _raises(tmp_path / "nope.edf", "file not found")
    _raises(tmp_path, "directory")
    empty = tmp_path / "empty.edf"
    empty.write_bytes(b"")
    _raises(empty, "empty")
    text = tmp_path / "notes.edf"
    text.write_text("patient notes\n" * 40)
    _raises(text, "not an EDF or BDF file")
    short = tmp_path / "short.edf"
    short.write_bytes(b"0       " + b" " * 100)
    _raises(short, "truncated header")


def test_truncated_signal_headers(good: Path) -> None:
    good.write_bytes(good.read_bytes()[:600])
    _raises(good, "truncated header|wrong signal count|header says")


def test_truncated_data_loads_complete_records_with_warning(good: Path) -> None:
    rb = _record_bytes(good)
    raw = good.read_bytes()
    good.write_bytes(raw[: len(raw) - rb - 10])  # lose the last record and a bit
    with open_recording(good) as rec:
        assert any("truncated" in w and "2 complete records" in w for w in rec.warnings)
        assert rec.load("Leg L").n_samples == 2 * 256
        assert rec.duration == pytest.approx(2.0)


def test_longer_than_header_says_warns(good: Path) -> None:
    good.write_bytes(good.read_bytes() + b"\x00" * 100)
    with open_recording(good) as rec:
        assert any("longer than its header says" in w for w in rec.warnings)
        assert rec.load("Leg L").n_samples == 4 * 256


def test_shorter_than_one_record(good: Path, edf_tools: dict[str, Any]) -> None:
    hdr = 256 * 5
    good.write_bytes(good.read_bytes()[: hdr + 100])
    _raises(good, "shorter than one data record")


def test_record_count_minus_one(good: Path, edf_tools: dict[str, Any]) -> None:
    edf_tools["patch"](good, "n_records", "-1")
    with open_recording(good) as rec:
        assert rec.duration == pytest.approx(4.0)
    good.write_bytes(good.read_bytes() + b"\x00" * 7)
    with open_recording(good) as rec:
        assert any("partial record" in w for w in rec.warnings)


@pytest.mark.parametrize(
    ("field", "value", "pattern"),
    [
        ("n_signals", "5", "wrong signal count"),
        ("n_signals", "9999", "header says 9999 signals"),
        ("n_signals", "0", "at least one"),
        ("header_bytes", "768", "wrong signal count"),
        ("record_duration", "0", "zero-length data records"),
        ("record_duration", "-1", "duration of a data record"),
        ("record_duration", "abc", "not a number"),
        ("record_duration", "nan", "not a number"),
        ("n_records", "0", "number of data records is 0"),
        ("n_records", "x12", "not an integer"),
        ("n_records", b"\xff\xfe", "non-ASCII"),
        ("startdate", "32.13.99", "not a valid date"),
        ("startdate", "2020-1-1", "not dd.mm.yy"),
        ("starttime", "25.00.00", "not a valid time"),
        ("version", "1", "not an EDF or BDF file"),
        ("reserved", "EDF+X", "does not fit"),
        ("reserved", "BDF+X", "does not fit"),
    ],
)
def test_corrupt_fixed_header_fields(
    good: Path, edf_tools: dict[str, Any], field: str, value: str | bytes, pattern: str
) -> None:
    edf_tools["patch"](good, field, value)
    _raises(good, pattern)


def test_huge_record_count_is_not_trusted(good: Path, edf_tools: dict[str, Any]) -> None:
    edf_tools["patch"](good, "n_records", "99999999")
    with open_recording(good) as rec:
        assert any("truncated" in w for w in rec.warnings)
        assert rec.load("Leg L").n_samples == 4 * 256


def test_huge_samples_per_record(good: Path, edf_tools: dict[str, Any]) -> None:
    edf_tools["patch"](good, "samples_per_record", "99999999", index=0)
    _raises(good, "shorter than one data record")


def test_negative_samples_per_record(good: Path, edf_tools: dict[str, Any]) -> None:
    edf_tools["patch"](good, "samples_per_record", "-5", index=1)
    _raises(good, "-5 samples per data record")


@pytest.mark.parametrize(
    ("field", "value", "pattern"),
    [
        ("digital_min", "40000", "digital minimum 40000 >= digital maximum"),
        ("physical_max", "-100", "physical minimum equals physical maximum"),
        ("physical_min", "1e", "not a number"),
    ],
)
def test_broken_channel_fails_only_when_loaded(
    good: Path, edf_tools: dict[str, Any], field: str, value: str, pattern: str
) -> None:
    edf_tools["patch"](good, field, value, index=1)
    if "not a number" in pattern:
        _raises(good, pattern)
        return
    with open_recording(good) as rec:
        assert any(pattern in w and "'Leg R'" in w for w in rec.warnings)
        assert rec.load("Leg L").n_samples == 1024
        with pytest.raises(ChannelError, match=f"{good.name}.*'Leg R'.*{pattern}"):
            rec.load("leg_right")


def test_zero_samples_per_record_channel(tmp_path: Path, edf_tools: dict[str, Any]) -> None:
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(2)
    path = edf_tools["write"](
        tmp_path / "z.edf",
        [sig("Leg L", rng.normal(0, 5, 512), 256), sig("Dummy", np.zeros(2), 1)],
    )
    # Dummy had 1 sample per record; make it 0 and drop its bytes from each record.
    raw = bytearray(path.read_bytes())
    hdr, rec = 256 * 3, (256 + 1) * 2
    records = [raw[hdr + i * rec : hdr + i * rec + 512] for i in range(2)]
    path.write_bytes(bytes(raw[:hdr]) + b"".join(records))
    edf_tools["patch"](path, "samples_per_record", "0", index=1)
    with open_recording(path) as rec_:
        assert any("0 samples per data record" in w for w in rec_.warnings)
        assert rec_.load("Leg L").n_samples == 512
        with pytest.raises(ChannelError, match=r"'Dummy'.*0 samples"):
            rec_.load("Dummy")


def test_duplicate_labels_warn_and_fail_only_when_ambiguous(
    tmp_path: Path, edf_tools: dict[str, Any]
) -> None:
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(3)
    path = edf_tools["write"](
        tmp_path / "dup.edf",
        [
            sig("Leg L", rng.normal(0, 5, 512), 256),
            sig("Leg R", rng.normal(0, 5, 512), 256),
            sig("EMG", rng.normal(0, 5, 512), 256),
            sig("EMG", rng.normal(0, 5, 512), 256),
        ],
    )
    with open_recording(path) as rec:
        assert any("duplicate channel label 'EMG'" in w for w in rec.warnings)
        left, _ = rec.legs()  # not ambiguous: fine
        assert left.label == "Leg L"
        with pytest.raises(ChannelError, match=r"dup\.edf.*'EMG'.*ambiguous"):
            rec.load("EMG")
        with pytest.raises(ChannelError, match="ambiguous"):
            rec.find("chin")


def test_bdf_version_and_reserved(tmp_path: Path, edf_tools: dict[str, Any]) -> None:
    sig = edf_tools["Sig"]
    path = edf_tools["write"](
        tmp_path / "b.bdf", [sig("Leg L", np.arange(512.0), 256, "uV", (-1000, 1000))], bdf=True
    )
    edf_tools["patch"](path, "reserved", "24BIT")
    assert open_recording(path).format == "BDF"
    # BDF with 'EDF+C' in the reserved field (written by some tools): the version field says
    # 24-bit samples, so the layout is unambiguous: read as BDF+C, with a warning.
    edf_tools["patch"](path, "reserved", "EDF+C")
    with open_recording(path) as rec:
        assert rec.format == "BDF+C"
        assert any("'EDF+C'" in w and "BDF+C" in w for w in rec.warnings)
        assert rec.load("Leg L").data[:3].tolist() == pytest.approx([0.0, 1.0, 2.0], abs=1e-3)
    edf_tools["patch"](path, "reserved", "24BIT")
    edf_tools["patch"](path, "version", b"\xffBIOSEMX")
    _raises(path, "not an EDF or BDF file")


def test_edfplus_d_without_annotations_or_tal(good: Path, edf_tools: dict[str, Any]) -> None:
    edf_tools["patch"](good, "reserved", "EDF+D")
    raw = bytearray(good.read_bytes())
    rb = _record_bytes(good)
    tal_off = 256 * 5 + (256 + 256 + 1) * 2
    raw[tal_off + 2 * rb : tal_off + 2 * rb + 4] = b"junk"
    good.write_bytes(bytes(raw))
    _raises(good, "record 3 does not start with a time-keeping")
    edf_tools["patch"](good, "label", "Marker", index=3)
    _raises(good, "no 'EDF Annotations' signal")


def test_closed_recording(good: Path) -> None:
    rec = open_recording(good)
    rec.close()
    with pytest.raises(InputFileError, match="closed"):
        rec.load("Leg L")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_property_random_header_corruption_only_raises_twitchscope_errors(
    good: Path, data: st.DataObject
) -> None:
    raw = bytearray(good.read_bytes())
    header_len = 256 * 5
    n = data.draw(st.integers(1, 8), label="n_bytes")
    for _ in range(n):
        pos = data.draw(st.integers(0, header_len - 1), label="pos")
        raw[pos] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(raw))), label="cut")
    bad = good.with_name("bad.edf")
    bad.write_bytes(bytes(raw if cut is None else raw[:cut]))
    try:
        with open_recording(bad) as rec:
            for ch in rec.channels:
                with contextlib.suppress(ChannelError):
                    rec.load(ch.label)
            rec.raw_annotations()
    except TwitchscopeError as exc:
        assert str(bad) in str(exc)


def test_edfplus_c_without_first_tal_warns(good: Path) -> None:
    raw = bytearray(good.read_bytes())
    tal_off = 256 * 5 + (256 + 256 + 1) * 2
    raw[tal_off : tal_off + 4] = b"junk"
    good.write_bytes(bytes(raw))
    with open_recording(good) as rec:
        assert any("no time-keeping annotation" in w for w in rec.warnings)
        assert rec.load("Leg L").start == 0.0
