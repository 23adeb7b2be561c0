"""Bad input: wrong rate, flat, clipped, noisy, gaps, mostly artefact, wrong unit."""

from __future__ import annotations

import numpy as np
import pytest
from _detect_synth import emg

from twitchscope.detect import EXCLUDED_COLUMNS, detect_leg_movements
from twitchscope.errors import ChannelError, ValidationError
from twitchscope.signal import Signal

FS = 256.0
BURSTS = [(10.0, 2.0, 30.0), (40.0, 1.0, 30.0), (100.0, 1.5, 30.0)]


def _with(data: np.ndarray, label: str = "Leg L") -> Signal:
    return Signal(label, data.astype(np.float32), FS, role="leg_left", source="night.edf")


def test_rate_below_minimum_is_refused() -> None:
    sig = Signal("Leg L", np.zeros(800, np.float32), 80.0, source="night.edf")
    with pytest.raises(ChannelError, match=r"night\.edf.*'Leg L'.*80 Hz.*100 Hz"):
        detect_leg_movements(sig, "left")


def test_flat_channel_is_refused() -> None:
    with pytest.raises(ChannelError, match=r"'Leg R'.*flat"):
        detect_leg_movements(_with(np.full(60 * 256, 3.0), "Leg R"), "right")


def test_all_gaps_and_too_short_and_bad_leg() -> None:
    with pytest.raises(ChannelError, match="no recorded samples"):
        detect_leg_movements(_with(np.full(60 * 256, np.nan)), "left")
    with pytest.raises(ChannelError, match="at least 2 s"):
        detect_leg_movements(_with(np.ones(100)), "left")
    with pytest.raises(ValidationError, match="leg"):
        detect_leg_movements(emg(duration=10.0), "middle")  # type: ignore[arg-type]


def test_clipping_flat_noise_and_gaps_are_excluded_and_reported() -> None:
    sig = emg([*BURSTS, (360.0, 2.0, 30.0)], duration=400.0)
    x = sig.data.astype(np.float64)
    rng = np.random.default_rng(9)
    rail = 1000.0  # the channel's physical limit
    x[int(20 * FS) : int(30 * FS)] = rail  # stuck at the rail for 10 s
    x[-1] = -rail  # the other rail is touched once: not clipping
    x[int(55 * FS) : int(70 * FS)] = 0.0  # electrode off: flat
    x[int(120 * FS) : int(130 * FS)] = np.nan  # not recorded
    x[int(150 * FS) : int(330 * FS)] += 40.0 * rng.standard_normal(int(180 * FS))  # noisy
    det = detect_leg_movements(_with(x), "left")
    assert list(det.excluded.columns) == list(EXCLUDED_COLUMNS)
    got = {r: (on, on + du) for on, du, r in det.excluded.itertuples(index=False)}
    assert set(got) == {"clipping", "flat", "high_noise", "gap"}
    for reason, (t0, t1) in {
        "clipping": (20, 30),
        "flat": (55, 70),
        "gap": (120, 130),
        "high_noise": (150, 330),
    }.items():
        a, b = got[reason]
        assert a <= t0 + 0.1 and b >= t1 - 0.1, reason  # covers the stretch
        assert a >= t0 - 2.5 and b <= t1 + 2.5, reason  # with at most a small margin
    assert 220.0 <= det.excluded_s <= 230.0
    assert det.excluded_s == pytest.approx(det.excluded["duration"].sum(), abs=0.1)
    # the movements outside the excluded stretches are all found, nothing else
    np.testing.assert_allclose(det.movements["onset"], [10.0, 40.0, 100.0, 360.0], atol=0.1)
    # more than half could not be scored: said so, naming the channel and the reasons
    assert len(det.warnings) == 1
    assert "'Leg L'" in det.warnings[0] and "high_noise 3.0 min" in det.warnings[0]
    s = det.summary()
    assert s["excluded_s"].iloc[0] == det.excluded_s
    assert s["lm_per_hour"].iloc[0] == pytest.approx(4 / ((400.0 - det.excluded_s) / 3600))


def test_huge_movement_touching_the_rail_is_not_clipping() -> None:
    sig = emg([(10.0, 1.0, 400.0)], duration=30.0)
    x = np.clip(sig.data, -900.0, 900.0)  # only the highest peaks reach the rail
    det = detect_leg_movements(_with(x), "left")
    assert det.excluded_s == 0.0
    assert det.n_movements == 1


def test_mostly_artefact_warns_naming_the_channel() -> None:
    sig = emg(BURSTS, duration=180.0)
    x = sig.data.copy()
    x[int(30 * FS) : int(150 * FS)] = 0.0
    det = detect_leg_movements(_with(x, "EMG Tib L"), "left")
    assert det.excluded_s > 90.0
    assert len(det.warnings) == 1
    assert "'EMG Tib L'" in det.warnings[0] and "night.edf" in det.warnings[0]
    assert "flat" in det.warnings[0]


@pytest.mark.parametrize(("scale", "word"), [(1e-3, "wrong unit"), (1e3, "wrong unit")])
def test_implausible_scale_warns(scale: float, word: str) -> None:
    sig = emg(BURSTS, duration=60.0)
    det = detect_leg_movements(_with(sig.data * scale, "Leg L"), "left")
    assert any(word in w and "'Leg L'" in w for w in det.warnings)


def test_plausible_scale_gives_no_warning() -> None:
    det = detect_leg_movements(emg(BURSTS, duration=60.0), "left")
    assert det.warnings == []
    assert np.isfinite(det.resting_uv_median) and np.isfinite(det.resting_uv_p95)
