"""Small synthetic leg EMG for the detection tests: carrier noise x (rest + bursts) + extras."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import signal as sps

from twitchscope.signal import Signal

Burst = tuple[float, float, float]  # onset s, duration s, amplitude µV RMS above rest


def carrier(rng: np.random.Generator, n: int, fs: float) -> npt.NDArray[np.float64]:
    """Unit-RMS Gaussian noise band-passed to 15-90 Hz (surface EMG band)."""
    sos = sps.butter(4, [15.0, min(90.0, 0.45 * fs)], btype="bandpass", fs=fs, output="sos")
    c = sps.sosfilt(sos, rng.standard_normal(n + 2000))[2000:]
    return c / np.sqrt(np.mean(c**2))


def envelope(n: int, fs: float, bursts: Sequence[Burst], ramp_s: float = 0.03) -> npt.NDArray:
    """Sum of trapezoid burst envelopes (µV RMS) with ``ramp_s`` rise and fall."""
    t = np.arange(n) / fs
    env = np.zeros(n)
    for onset, dur, amp in bursts:
        rise = np.clip((t - onset) / ramp_s, 0, 1)
        fall = np.clip((onset + dur - t) / ramp_s, 0, 1)
        env += amp * np.minimum(rise, fall)
    return env


def emg(
    bursts: Sequence[Burst] = (),
    *,
    fs: float = 256.0,
    duration: float = 120.0,
    rest_rms: float | npt.NDArray = 2.0,
    seed: int = 0,
    extra: npt.NDArray | None = None,
    label: str = "Leg L",
) -> Signal:
    """Leg EMG Signal: ``(rest + bursts) * carrier (+ extra)``, float32 µV."""
    n = round(duration * fs)
    rng = np.random.default_rng(seed)
    x = (rest_rms + envelope(n, fs, bursts)) * carrier(rng, n, fs)
    if extra is not None:
        x = x + extra
    return Signal(label, x.astype(np.float32), fs, role="leg_left", source="test.edf")


def qrs_train(n: int, fs: float, peak_uv: float, rate_hz: float = 1.1, phase_s: float = 0.3):
    """QRS-like spikes (Q, R, S Gaussians, ~60 ms) at a steady heart rate; returns (x, times)."""
    t = np.arange(-0.08, 0.08, 1.0 / fs)
    k = (
        -0.2 * np.exp(-0.5 * ((t + 0.02) / 0.007) ** 2)
        + np.exp(-0.5 * (t / 0.008) ** 2)
        - 0.45 * np.exp(-0.5 * ((t - 0.022) / 0.008) ** 2)
    )
    k = k / np.abs(k).max() * peak_uv
    beats = np.arange(phase_s, n / fs - 0.1, 1.0 / rate_hz)
    imp = np.zeros(n)
    imp[np.rint(beats * fs).astype(int)] = 1.0
    x = np.convolve(imp, k, mode="same")
    return x, beats
