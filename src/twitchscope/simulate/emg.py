"""Synthesis of surface EMG (leg and chin) from a resting level, burst envelopes and interference.

Model: ``emg(t) = (rest(t) + env(t)) * c(t) + leak * qrs(t) + mains(t)``, where ``c`` is
band-limited Gaussian noise of unit RMS, ``rest`` the resting RMS level (µV) and ``env`` the sum of
the movement envelopes (µV RMS above rest). The carrier band is 15-90 Hz: surface EMG power lies
mostly at 20-150 Hz (Merletti), and keeping it inside the WASM 10-100 Hz band-pass means the
truth amplitude is what a standard detector sees at every simulated rate, 200 Hz included.

An envelope rises from 0 to its level within 20-80 ms (sharp onsets), is modulated irregularly
(smoothed noise, 0.35-1 of the peak, an early phasic maximum in most bursts), and falls within
50-200 ms at the end. Its maximum is exactly the truth ``amplitude_uv``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import signal as sps
from scipy.ndimage import gaussian_filter1d

CARRIER_BAND_HZ = (15.0, 90.0)


def band_noise(
    rng: np.random.Generator, n: int, fs: float, band: tuple[float, float], order: int = 4
) -> npt.NDArray[np.float32]:
    """Gaussian noise band-passed to ``band`` (Hz), scaled to unit RMS, as float32."""
    lo, hi = band
    hi = min(hi, 0.45 * fs)
    white = rng.standard_normal(n, dtype=np.float32)
    if lo <= 0:
        sos = sps.butter(order, hi, btype="lowpass", fs=fs, output="sos")
    else:
        sos = sps.butter(order, [lo, hi], btype="bandpass", fs=fs, output="sos")
    out = np.asarray(sps.sosfilt(sos.astype(np.float32), white), dtype=np.float32)
    rms = float(np.sqrt(np.mean(np.square(out[: min(n, 1_000_000)], dtype=np.float64))))
    out /= np.float32(max(rms, 1e-12))
    return out


def slow_series(
    rng: np.random.Generator, duration: float, step_s: float, smooth_s: float
) -> npt.NDArray[np.float64]:
    """Smooth zero-mean unit-SD random series sampled every ``step_s`` s (length covers night)."""
    n = int(np.ceil(duration / step_s)) + 2
    # Draw on a coarse grid (4 points per smoothing SD) and interpolate: cheap for long SDs.
    coarse = max(step_s, smooth_s / 4.0)
    m = int(np.ceil(n * step_s / coarse)) + 2
    x = rng.standard_normal(m + 40)
    sigma = max(smooth_s / coarse, 0.5)
    yc = gaussian_filter1d(x, sigma, mode="wrap")[20 : 20 + m]
    y = np.interp(np.arange(n) * step_s, np.arange(m) * coarse, yc)
    sd = float(np.std(y))
    return (y - float(np.mean(y))) / (sd if sd > 0 else 1.0)


def at_samples(
    values: npt.NDArray[np.float64], step_s: float, n: int, fs: float
) -> npt.NDArray[np.float32]:
    """Linearly interpolate a series sampled every ``step_s`` s onto ``n`` samples at ``fs``."""
    k = step_s * fs
    if float(k).is_integer() and values.size * int(k) >= n:
        # Whole samples per step: repeat each value and add the linear ramp to the next one.
        k = int(k)
        v = values.astype(np.float32)
        nxt = np.concatenate([v[1:], v[-1:]])
        m = int(np.ceil(n / k))
        frac = np.arange(k, dtype=np.float32) / np.float32(k)
        out = (v[:m, None] + (nxt[:m] - v[:m])[:, None] * frac[None, :]).ravel()
        return out[:n]
    t = np.arange(n, dtype=np.float64) / fs
    grid = np.arange(values.size, dtype=np.float64) * step_s
    return np.interp(t, grid, values).astype(np.float32)


def burst_envelope(
    rng: np.random.Generator,
    n: int,
    fs: float,
    onset: npt.NDArray[np.float64],
    duration: npt.NDArray[np.float64],
    amplitude: npt.NDArray[np.float64],
    gaps: pd.DataFrame,
) -> npt.NDArray[np.float32]:
    """Sum of movement envelopes (µV RMS above rest) over ``n`` samples at ``fs``.

    Movements on one leg must not overlap. ``gaps`` (``start``, ``end`` in s) are set to zero
    (rest) inside the bursts. Built on concatenated index arrays, without per-sample loops.
    """
    env = np.zeros(n, dtype=np.float32)
    if onset.size == 0:
        return env
    s = np.rint(onset * fs).astype(np.int64)
    ln = np.maximum(np.rint(duration * fs).astype(np.int64), 1)
    ln = np.minimum(ln, n - s)
    ok = (s >= 0) & (ln > 0)
    s, ln, amp = s[ok], ln[ok], amplitude[ok]
    k = s.size
    total = int(ln.sum())
    first = np.concatenate([[0], np.cumsum(ln)[:-1]])
    lm = np.repeat(np.arange(k), ln)
    rel = np.arange(total, dtype=np.int64) - np.repeat(first, ln)
    idx = s[lm] + rel
    t_rel = rel / fs
    t_end = (ln[lm] - rel) / fs
    rise = rng.uniform(0.02, 0.08, k)[lm]
    fall = rng.uniform(0.05, 0.2, k)[lm]
    shape = np.sin(0.5 * np.pi * np.clip(t_rel / rise, 0.0, 1.0)) ** 2
    shape *= np.clip(t_end / fall, 0.0, 1.0)
    # Irregular modulation: smoothed noise at 25 Hz (changes over ~0.1-0.3 s).
    mod = slow_series(rng, n / fs, 0.04, 0.08)
    m = np.interp(idx / fs, np.arange(mod.size) * 0.04, mod)
    m = 0.35 + 0.65 / (1.0 + np.exp(-1.5 * m))
    phasic = rng.uniform(0.0, 0.8, k)[lm]
    shape *= m * (1.0 + phasic * np.exp(-t_rel / 0.4))
    if len(gaps):
        mark = np.zeros(n + 1, dtype=np.int32)
        gs = np.clip(np.rint(gaps["start"].to_numpy() * fs).astype(np.int64), 0, n)
        ge = np.clip(np.rint(gaps["end"].to_numpy() * fs).astype(np.int64), 0, n)
        np.add.at(mark, gs, 1)
        np.add.at(mark, ge, -1)
        in_gap = np.cumsum(mark[:-1]) > 0
        shape *= ~in_gap[idx]
    peak = np.maximum.reduceat(shape, first)
    shape *= (amp / np.where(peak > 0, peak, 1.0))[lm]
    env[idx] = shape.astype(np.float32)
    return env


def qrs_template(fs: float) -> tuple[npt.NDArray[np.float64], int]:
    """Full PQRST beat template (peak R = 1) and the index of the R peak.

    Gaussian waves (McSharry et al. 2003, IEEE TBME 50:289): P +0.12 at -0.20 s, Q -0.12 at
    -0.035 s, R +1 at 0, S -0.25 at +0.035 s, T +0.30 at +0.25 s.
    """
    t = np.arange(-0.35, 0.55, 1.0 / fs)
    waves = ((0.12, -0.20, 0.025), (-0.12, -0.035, 0.010), (1.0, 0.0, 0.010),
             (-0.25, 0.035, 0.010), (0.30, 0.25, 0.045))  # fmt: skip
    y = sum(a * np.exp(-0.5 * ((t - mu) / w) ** 2) for a, mu, w in waves)
    return np.asarray(y, dtype=np.float64), int(np.argmin(np.abs(t)))


def qrs_only_template(fs: float, t_wave: float = 0.0) -> tuple[npt.NDArray[np.float64], int]:
    """QRS complex as it leaks into an EMG lead: Q, R, S (peak 1), plus ``t_wave`` x a T wave.

    A 10 Hz high-passed lead keeps mostly the QRS; leads with a wide band pick up part of the
    slow T wave (+0.25 s) too.
    """
    t = np.arange(-0.08, 0.08 if t_wave <= 0 else 0.45, 1.0 / fs)
    y = (
        -0.2 * np.exp(-0.5 * ((t + 0.02) / 0.007) ** 2)
        + np.exp(-0.5 * (t / 0.008) ** 2)
        - 0.45 * np.exp(-0.5 * ((t - 0.022) / 0.008) ** 2)
    )
    y = y / float(np.max(np.abs(y)))
    if t_wave > 0:
        y = y + t_wave * np.exp(-0.5 * ((t - 0.25) / 0.045) ** 2)
    return y, int(np.argmin(np.abs(t)))


def beat_train(
    beats: npt.NDArray[np.float64],
    n: int,
    fs: float,
    template: tuple[npt.NDArray[np.float64], int],
    weights: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float32]:
    """Place ``template`` (values, R index) at each beat time (s) by FFT convolution."""
    kern, r = template
    out = np.zeros(n, dtype=np.float64)
    bi = np.rint(beats * fs).astype(np.int64) - r
    w = np.ones(bi.size) if weights is None else np.asarray(weights, dtype=float)
    ok = (bi > -kern.size) & (bi < n)
    bi, w = bi[ok], w[ok]
    win = np.arange(kern.size)
    for c in range(0, bi.size, 4000):  # chunks of beats bound the memory of the index arrays
        b, ww = bi[c : c + 4000], w[c : c + 4000]
        idx = (b[:, None] + win[None, :]).ravel()
        val = (ww[:, None] * kern[None, :]).ravel()
        keep = (idx >= 0) & (idx < n)
        idx, val = idx[keep], val[keep]
        if idx.size == 0:
            continue
        lo = int(idx.min())
        out[lo : int(idx.max()) + 1] += np.bincount(idx - lo, weights=val)
    return out.astype(np.float32)


def mains(
    rng: np.random.Generator, n: int, fs: float, freq: float, level: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Mains hum at ``freq`` Hz with amplitude ``level`` (µV, per sample) and a 3rd harmonic."""
    phase = rng.uniform(0, 2 * np.pi)
    # With whole-number rates and mains frequencies the hum repeats every second: tile it.
    period = int(fs) if float(fs).is_integer() and float(freq).is_integer() else n
    t = np.arange(min(period, n), dtype=np.float64) / fs
    y = np.sin(2 * np.pi * freq * t + phase)
    if 3 * freq < 0.45 * fs:
        y += 0.15 * np.sin(2 * np.pi * 3 * freq * t + 2 * phase)
    reps = int(np.ceil(n / max(t.size, 1)))
    return (level * np.tile(y.astype(np.float32), reps)[:n]).astype(np.float32)
