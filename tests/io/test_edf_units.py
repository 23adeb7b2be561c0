"""Units: conversion to µV of voltages, other units kept, implausible ranges warned about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from twitchscope.io.recording import open_recording
from twitchscope.io.units import parse_unit, voltage_factor


@pytest.mark.parametrize(
    ("unit_bytes", "factor"),
    [
        (b"uV", 1.0),
        (b"\xb5V", 1.0),  # µ as Latin-1 (non-conforming writers)
        ("µV".encode(), 1.0),  # MICRO SIGN as UTF-8
        ("μV".encode(), 1.0),  # GREEK SMALL LETTER MU as UTF-8
        (b"mV", 1000.0),
        (b"V", 1e6),
        (b"nV", 1e-3),
    ],
)
def test_voltage_units_are_converted_to_uv(
    tmp_path: Path, edf_tools: dict[str, Any], unit_bytes: bytes, factor: float
) -> None:
    sig = edf_tools["Sig"]
    data = np.linspace(-1.0, 1.0, 512)
    path = edf_tools["write"](
        tmp_path / "u.edf", [sig("Leg L", data, 256, "uV", (-2, 2))], annotations=[]
    )
    edf_tools["patch"](path, "physical_dimension", unit_bytes, index=0)
    with open_recording(path) as rec:
        ch = rec.channels[0]
        assert ch.unit == "uV"
        assert ch.physical_max == pytest.approx(2 * factor)
        s = rec.load("Leg L")
        assert s.unit == "uV"
        np.testing.assert_allclose(s.data, data * factor, atol=factor * 4 / 65535 * 1.01)


def test_other_units_are_kept(tmp_path: Path, edf_tools: dict[str, Any]) -> None:
    sig = edf_tools["Sig"]
    path = edf_tools["write"](
        tmp_path / "o.edf",
        [
            sig("SpO2", np.full(10, 96.0), 1, "%", (0, 100)),
            sig("Flow", np.zeros(10), 1, "L/min", (-100, 100)),
            sig("Position", np.zeros(10), 1, "degrees", (-180, 180)),
        ],
    )
    with open_recording(path) as rec:
        assert [c.unit for c in rec.channels] == ["%", "L/min", "degrees"]
        s = rec.load("spo2")
        assert s.unit == "%" and abs(float(s.data.mean()) - 96.0) < 0.01
        assert rec.warnings == []


@pytest.mark.parametrize(
    ("unit", "prange", "needle"),
    [
        ("uV", (-0.5, 0.5), "implausibly small"),
        ("mV", (-5000, 5000), "implausibly large"),
        ("", (-500, 500), "assuming µV"),
        ("bpm", (-500, 500), "assuming µV"),
    ],
)
def test_implausible_or_unknown_units_warn(
    tmp_path: Path, edf_tools: dict[str, Any], unit: str, prange: tuple[float, float], needle: str
) -> None:
    sig = edf_tools["Sig"]
    path = edf_tools["write"](
        tmp_path / "w.edf",
        [
            sig("Leg L", np.zeros(256), 256, unit, prange),
            sig("C3-M2", np.zeros(256), 256, "uV", (-500, 500)),
        ],
    )
    with open_recording(path) as rec:
        hits = [w for w in rec.warnings if needle in w]
        assert len(hits) == 1 and "'Leg L'" in hits[0]
        assert rec.channels[0].unit == "uV"


def test_parse_unit_table() -> None:
    assert voltage_factor(" mV ") == 1000.0
    assert voltage_factor("%") == 0.0
    info = parse_unit("", "spo2", "SpO2")
    assert (info.unit, info.factor, info.warning) == ("", 1.0, "")
