"""The numpy filter design, block-parallel IIR, chunked envelope and peak finder against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps

from twitchscope.detect import detect_legs, filters
from twitchscope.detect.ecg import find_peaks, slope_energy
from twitchscope.detect.filters import (
    block_mean_abs,
    emg_sos,
    envelope_blocks,
    filter_emg,
)
from twitchscope.detect.iir import (
    StateSpaceFilter,
    _ScanLevel,
    butter_sos,
    notch_sos,
    state_scan,
    steady_state,
)
from twitchscope.simulate import simulate_night


@pytest.mark.parametrize("fs", [200.0, 256.0, 512.0, 1000.0])
def test_butterworth_and_notch_match_scipy(fs: float) -> None:
    high = min(100.0, 0.45 * fs)
    band = sps.butter(2, [10.0, high], "bandpass", fs=fs, output="sos")
    hp = sps.butter(4, 10.0, "highpass", fs=fs, output="sos")
    pairs = [
        (butter_sos(2, (10.0, high), "bandpass", fs), band),
        (butter_sos(4, (10.0,), "highpass", fs), hp),
        (notch_sos(50.0, 30.0, fs), sps.tf2sos(*sps.iirnotch(50.0, 30.0, fs=fs))),
    ]
    for mine, ref in pairs:
        _, h_mine = sps.sosfreqz(mine, 1024, fs=fs)
        _, h_ref = sps.sosfreqz(ref, 1024, fs=fs)
        np.testing.assert_allclose(h_mine, h_ref, atol=1e-9)
    sos = np.vstack([pairs[0][0], pairs[2][0]])
    np.testing.assert_allclose(steady_state(sos)[:2], sps.sosfilt_zi(sos)[0], rtol=1e-9)


def test_state_scan_equals_step_by_step() -> None:
    rng = np.random.default_rng(0)
    m = rng.standard_normal((4, 4))
    m *= 0.9 / np.max(np.abs(np.linalg.eigvals(m)))  # stable
    u = rng.standard_normal((5000, 4))
    s0 = rng.standard_normal(4)
    got = state_scan(u, _ScanLevel(m), s0)
    want = np.empty_like(u)
    s = s0
    for k in range(u.shape[0]):
        want[k] = s
        s = m @ s + u[k]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("n", [1, 31, 32, 1000, 100_003])
def test_block_parallel_filter_equals_sosfilt(n: int) -> None:
    fs = 512.0
    sos = np.vstack([butter_sos(2, (10.0, 100.0), "bandpass", fs), notch_sos(50.0, 30.0, fs)])
    rng = np.random.default_rng(n)
    x = (rng.standard_normal(n) * 5.0).astype(np.float32)
    zi = rng.standard_normal((sos.shape[0], 2))
    filt = StateSpaceFilter(sos)
    # the state-space state of a cascade in transposed direct form II is the sections' states
    y, final = filt.run(x, zi.reshape(-1))
    y_ref, zf = sps.sosfilt(sos, x.astype(np.float64), zi=zi)
    np.testing.assert_allclose(y, y_ref, atol=1e-4 * max(1.0, float(np.std(y_ref))))
    np.testing.assert_allclose(final, zf.reshape(-1), atol=1e-3)


def test_chunked_filtering_equals_unchunked(monkeypatch: pytest.MonkeyPatch) -> None:
    fs = 512.0
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(300_001) * 3.0 + 250.0).astype(np.float32)
    x[100_000:102_000] *= 20.0
    sos, _ = emg_sos(x, fs, (10.0, 100.0))
    whole = filter_emg(x, fs, sos)
    # the reference path: scipy's sosfilt over the first second as warm-up, then the signal
    m = int(fs)
    head = x[:m].astype(np.float64)
    _, zi = sps.sosfilt(sos, head, zi=sps.sosfilt_zi(sos) * head[0])
    ref, _ = sps.sosfilt(sos, x.astype(np.float64), zi=zi)
    np.testing.assert_allclose(whole, ref, atol=2e-4 * float(np.std(ref)))
    env_ref = block_mean_abs(whole, 26)
    monkeypatch.setattr(filters, "FILTER_CHUNK", 26 * 1000)
    chunked = filter_emg(x, fs, sos)
    env = envelope_blocks(x, fs, sos, 26)
    # float32 rounding, relative to the largest input sample (the burst is 20x the offset)
    scale = float(np.max(np.abs(x - x[0])))
    np.testing.assert_allclose(chunked, whole, atol=2e-6 * scale)
    assert env.shape == env_ref.shape
    np.testing.assert_allclose(env, env_ref, rtol=1e-4, atol=1e-5)


def test_chunk_size_does_not_change_movements(monkeypatch: pytest.MonkeyPatch) -> None:
    night = simulate_night("rls", 4, duration_h=0.3)
    legs = night.signals["Leg L"], night.signals["Leg R"]
    ecg = night.signals["ECG"]
    default = detect_legs(*legs, ecg=ecg)
    monkeypatch.setattr(filters, "FILTER_CHUNK", 2**14)
    small = detect_legs(*legs, ecg=ecg)
    for a, b in zip(default, small, strict=True):
        assert len(a.movements) > 5
        assert len(a.movements) == len(b.movements)
        np.testing.assert_allclose(a.movements["onset"], b.movements["onset"], atol=1e-3)
        np.testing.assert_allclose(a.movements["duration"], b.movements["duration"], atol=1e-3)
        np.testing.assert_allclose(
            a.movements["amplitude_uv"], b.movements["amplitude_uv"], rtol=1e-4
        )


@pytest.mark.parametrize("seed", range(6))
def test_find_peaks_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(2000).astype(np.float32)  # no ties
    v[500:510] = 3.0  # a plateau: its middle is the peak, as in scipy
    for height, distance in ((0.0, 1), (0.5, 4), (-1.0, 12), (1.5, 40)):
        want, _ = sps.find_peaks(v, height=height, distance=distance)
        np.testing.assert_array_equal(find_peaks(v, height, distance), want)


def test_slope_energy_chunks_and_nan() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal(200_003).astype(np.float32)
    x[5000:5100] = np.nan
    block = 13
    nb = (x.size - 1) // block
    want = np.abs(np.diff(x[: nb * block + 1])).reshape(nb, block).sum(axis=1, dtype=np.float32)
    np.testing.assert_allclose(slope_energy(x, block), np.nan_to_num(want), rtol=1e-6)
