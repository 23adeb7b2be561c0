"""Helpers that write tiny real EDF/EDF+/EDF+D/BDF/BDF+ files (edfio, pyedflib) for the io tests.

Fixtures return the helper functions, because conftest modules are not importable by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest


@dataclass
class Sig:
    """A signal to write: samples in physical units, rate in Hz, unit text, physical range."""

    label: str
    data: np.ndarray
    fs: float
    unit: str = "uV"
    prange: tuple[float, float] | None = None


def write_file(
    path: Path,
    signals: Sequence[Sig],
    *,
    bdf: bool = False,
    start: dt.datetime = dt.datetime(2023, 5, 17, 22, 30, 15),
    record_duration: float = 1.0,
    annotations: Sequence[tuple[float, float | None, str]] | None = None,
) -> Path:
    """Write an EDF (or BDF) with edfio; EDF+C/BDF+C when ``annotations`` is not None."""
    import edfio

    sig_cls: Any = edfio.BdfSignal if bdf else edfio.EdfSignal
    file_cls: Any = edfio.Bdf if bdf else edfio.Edf
    sigs = [
        sig_cls(
            np.asarray(s.data, dtype=np.float64),
            s.fs,
            label=s.label,
            physical_dimension=s.unit,
            physical_range=s.prange,
        )
        for s in signals
    ]
    kwargs: dict[str, Any] = {"data_record_duration": record_duration}
    if annotations is not None:
        kwargs["annotations"] = [edfio.EdfAnnotation(o, d, t) for o, d, t in annotations]
    f = file_cls(
        sigs,
        recording=edfio.Recording(startdate=start.date()),
        starttime=start.time(),
        **kwargs,
    )
    f.write(path)
    return path


def header_field_offset(path: Path, field: str, index: int = 0) -> tuple[int, int]:
    """Byte offset and width of a per-signal header field of signal ``index``."""
    widths = {
        "label": 16,
        "transducer": 80,
        "physical_dimension": 8,
        "physical_min": 8,
        "physical_max": 8,
        "digital_min": 8,
        "digital_max": 8,
        "prefilter": 80,
        "samples_per_record": 8,
        "reserved": 32,
    }
    ns = int(path.read_bytes()[252:256].decode().strip())
    pos = 256
    for name, w in widths.items():
        if name == field:
            return pos + index * w, w
        pos += ns * w
    raise KeyError(field)


FIXED = {
    "version": (0, 8),
    "patient": (8, 80),
    "recording": (88, 80),
    "startdate": (168, 8),
    "starttime": (176, 8),
    "header_bytes": (184, 8),
    "reserved": (192, 44),
    "n_records": (236, 8),
    "record_duration": (244, 8),
    "n_signals": (252, 4),
}


def patch(path: Path, field: str, value: bytes | str, index: int | None = None) -> Path:
    """Overwrite a header field (fixed header when ``index`` is None), space padded."""
    raw = value.encode("latin-1") if isinstance(value, str) else value
    off, width = FIXED[field] if index is None else header_field_offset(path, field, index)
    if len(raw) > width:
        raise ValueError(f"{raw!r} wider than {width}")
    data = bytearray(path.read_bytes())
    data[off : off + width] = raw.ljust(width, b" ")
    path.write_bytes(bytes(data))
    return path


def write_discontinuous(
    path: Path,
    signals: Sequence[Sig],
    onsets: Sequence[float],
    *,
    bdf: bool = False,
    record_duration: float = 1.0,
) -> Path:
    """EDF+D / BDF+D: write EDF+C with edfio, then set 'EDF+D' and each record's onset TAL.

    ``signals`` hold ``len(onsets)`` records of data; record ``i`` starts at ``onsets[i]`` s.
    """
    # A long dummy annotation text makes edfio reserve room in every record's TAL slot.
    write_file(
        path, signals, bdf=bdf, record_duration=record_duration, annotations=[(0, None, "x" * 24)]
    )
    patch(path, "reserved", "BDF+D" if bdf else "EDF+D")
    data = bytearray(path.read_bytes())
    ns = int(data[252:256].decode())
    width = 3 if bdf else 2
    sprs = [
        int(data[o : o + 8].decode())
        for o in (header_field_offset(path, "samples_per_record", i)[0] for i in range(ns))
    ]
    header = 256 * (ns + 1)
    rec = sum(sprs) * width
    tal_off = sum(sprs[:-1]) * width  # the annotation signal is the last one (edfio)
    tal_len = sprs[-1] * width
    for i, onset in enumerate(onsets):
        tal = f"+{onset:g}\x14\x14\x00".encode()
        if i == 0:
            tal += b"+0.5\x14gap test\x14\x00"
        if len(tal) > tal_len:
            raise ValueError("TAL slot too small")
        start = header + i * rec + tal_off
        data[start : start + tal_len] = tal.ljust(tal_len, b"\x00")
    path.write_bytes(bytes(data))
    return path


def write_pyedflib(
    path: Path,
    signals: Sequence[Sig],
    *,
    bdf: bool = False,
    start: dt.datetime = dt.datetime(2022, 1, 2, 23, 0, 0),
    annotations: Sequence[tuple[float, float, str]] = (),
) -> Path:
    """Write EDF+ (or BDF+) with pyedflib, annotations included."""
    import pyedflib

    ftype = pyedflib.FILETYPE_BDFPLUS if bdf else pyedflib.FILETYPE_EDFPLUS
    writer = pyedflib.EdfWriter(str(path), len(signals), file_type=ftype)
    try:
        dmax = 8388607 if bdf else 32767
        headers: list[dict[str, Any]] = []
        for s in signals:
            lo, hi = s.prange or (float(np.min(s.data)) - 1, float(np.max(s.data)) + 1)
            headers.append(
                {
                    "label": s.label,
                    "dimension": s.unit,
                    "sample_frequency": s.fs,
                    "physical_min": lo,
                    "physical_max": hi,
                    "digital_min": -dmax - 1,
                    "digital_max": dmax,
                    "transducer": "",
                    "prefilter": "",
                }
            )
        writer.setSignalHeaders(headers)
        writer.setStartdatetime(start)
        for onset, duration, text in annotations:
            writer.writeAnnotation(onset, duration, text)
        writer.writeSamples([np.asarray(s.data, dtype=np.float64) for s in signals])
    finally:
        writer.close()
    return path


@pytest.fixture
def edf_tools() -> dict[str, Callable[..., Any]]:
    """The file-writing helpers: Sig, write, patch, discontinuous, pyedflib, field_offset."""
    return {
        "Sig": Sig,
        "write": write_file,
        "patch": patch,
        "discontinuous": write_discontinuous,
        "pyedflib": write_pyedflib,
        "field_offset": header_field_offset,
    }


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded random generator."""
    return np.random.default_rng(1234)


@pytest.fixture
def psg(tmp_path: Path, rng: np.random.Generator) -> Path:
    """A 30 s EDF+C with two legs at 256 Hz, chin, EEG, SpO2 and two annotations."""
    n = 30
    signals = [
        Sig("Leg L", rng.normal(0, 10, 256 * n), 256, "uV", (-500, 500)),
        Sig("Leg R", rng.normal(0, 10, 256 * n), 256, "uV", (-500, 500)),
        Sig("Chin", rng.normal(0, 5, 256 * n), 256, "uV", (-300, 300)),
        Sig("C3-M2", rng.normal(0, 30, 128 * n), 128, "uV", (-1000, 1000)),
        Sig("SpO2", 95 + rng.uniform(-2, 2, n), 1, "%", (0, 100)),
    ]
    return write_file(
        tmp_path / "psg.edf",
        signals,
        annotations=[(0.0, 30.0, "Sleep stage W"), (12.5, 2.0, "Limb movement")],
    )
