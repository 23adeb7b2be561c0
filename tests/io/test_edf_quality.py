"""Leg-channel quality: flat, all-zero, clipped, too slow, implausible amplitude."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from twitchscope.errors import ChannelError
from twitchscope.io.quality import check_leg_signal
from twitchscope.io.recording import open_recording
from twitchscope.signal import Signal


def _leg(data: np.ndarray, fs: float = 256.0) -> Signal:
    return Signal("Leg L", data.astype(np.float32), fs, role="leg_left", source="x.edf")


def test_good_signal_has_no_warnings(rng: np.random.Generator) -> None:
    assert check_leg_signal(_leg(rng.normal(0, 10, 25_600)), "x.edf") == []


def test_flat_zero_clipped_slow_raise(rng: np.random.Generator) -> None:
    with pytest.raises(ChannelError, match=r"x\.edf.*'Leg L'.*all zero"):
        check_leg_signal(_leg(np.zeros(1000)), "x.edf")
    with pytest.raises(ChannelError, match="flat"):
        check_leg_signal(_leg(np.full(1000, 3.0)), "x.edf")
    clipped = np.clip(rng.normal(0, 100, 10_000), -20, 20)
    with pytest.raises(ChannelError, match="clipped"):
        check_leg_signal(_leg(clipped), "x.edf")
    with pytest.raises(ChannelError, match=r"50 Hz.*at least 100 Hz"):
        check_leg_signal(_leg(rng.normal(0, 10, 1000), fs=50), "x.edf")
    # the limit is a parameter
    assert check_leg_signal(_leg(rng.normal(0, 10, 1000), fs=50), "x.edf", min_fs=40) == []
    with pytest.raises(ChannelError, match="no recorded samples"):
        check_leg_signal(_leg(np.full(100, np.nan)), "x.edf")


def test_warnings_for_some_clipping_and_odd_amplitude(rng: np.random.Generator) -> None:
    partly = np.clip(rng.normal(0, 10, 10_000), -25, 25)  # ~1.2 % at the rails
    warns = check_leg_signal(_leg(partly), "x.edf")
    assert len(warns) == 1 and "clipped" in warns[0] and "'Leg L'" in warns[0]
    tiny = rng.normal(0, 0.01, 10_000)  # mV written as µV
    assert "implausibly small" in check_leg_signal(_leg(tiny), "x.edf")[0]
    huge = rng.normal(0, 10_000, 10_000)
    assert "implausibly large" in check_leg_signal(_leg(huge), "x.edf")[0]


def test_legs_refuses_all_zero_channel_in_file(tmp_path: Path, edf_tools: dict[str, Any]) -> None:
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(7)
    path = edf_tools["write"](
        tmp_path / "z.edf",
        [
            sig("Leg L", rng.normal(0, 10, 512), 256, "uV", (-100, 100)),
            sig("Leg R", np.zeros(512), 256, "uV", (-100, 100)),
        ],
    )
    with (
        open_recording(path) as rec,
        pytest.raises(ChannelError, match=r"z\.edf.*'Leg R'.*(flat|zero)"),
    ):
        rec.legs()


def test_legs_refuses_slow_channel_in_file(tmp_path: Path, edf_tools: dict[str, Any]) -> None:
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(8)
    path = edf_tools["write"](
        tmp_path / "s.edf",
        [sig("Leg L", rng.normal(0, 10, 50), 50), sig("Leg R", rng.normal(0, 10, 50), 50)],
    )
    with open_recording(path) as rec, pytest.raises(ChannelError, match=r"s\.edf.*50 Hz"):
        rec.legs()


def test_legs_warning_recorded(tmp_path: Path, edf_tools: dict[str, Any]) -> None:
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(9)
    path = edf_tools["write"](
        tmp_path / "w.edf",
        [
            sig("Leg L", rng.normal(0, 0.01, 2560), 256, "uV", (-100, 100)),
            sig("Leg R", rng.normal(0, 10, 2560), 256, "uV", (-100, 100)),
        ],
    )
    with open_recording(path) as rec:
        rec.legs()
        assert any("implausibly small" in w and "'Leg L'" in w for w in rec.warnings)
