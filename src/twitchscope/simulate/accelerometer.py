"""Ankle accelerometer tracks from a simulated night's true movements, and simulated weeks.

:func:`accelerometer_from_night` turns the true leg movements of a
:class:`~twitchscope.simulate.night.SimulatedNight` (a truth-only night is enough) into one leg's
tri-axial acceleration in g: gravity along a lying leg's orientation, which turns at posture
changes; each true LM of that leg adds a burst of dynamic acceleration (0.5-6 Hz, rising and
falling within 0.1 s, 40-800 milli-g, larger for larger EMG bursts) 50 ms after its EMG onset
(electromechanical delay), lasting as long; wake epochs in bed bring small turns of the leg
(5-20 degrees) in 60 % of them; sensor noise is 3 milli-g per axis.

:func:`simulate_week` strings nights together with daytime activity between them (walking at
1.6-2.0 Hz, the leg turning every 4 s), one file per leg, and returns the truth of each night:
its window in the file and the PLMS index that the WASM 2016 rules give on the true EMG leg
movements and true hypnogram of the same night.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.io.accelerometer import AccelRecording

F32 = npt.NDArray[np.float32]
NOISE_G = 0.003


def _rng(*key: object) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _unit(v: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _lying(rng: np.random.Generator, k: int) -> npt.NDArray[np.float64]:
    """``k`` gravity directions of a lying leg (sensor z roughly up, tilted up to ~60 deg)."""
    v = np.column_stack(
        [rng.normal(0, 0.6, k), rng.normal(0, 0.6, k), np.abs(rng.normal(1, 0.2, k))]
    )
    return _unit(v)


def _rotate_small(rng: np.random.Generator, g: npt.NDArray[np.float64], deg: npt.NDArray[np.float64]
                  ) -> npt.NDArray[np.float64]:  # fmt: skip
    axis = _unit(np.cross(g, rng.normal(0, 1, g.shape)))
    th = np.radians(deg)[:, None]
    return _unit(g * np.cos(th) + np.cross(axis, g) * np.sin(th))


def _low_band_noise(rng: np.random.Generator, n: int, fs: float) -> npt.NDArray[np.float64]:
    from scipy import signal as sps

    sos = sps.butter(2, [0.5, min(6.0, 0.45 * fs)], btype="bandpass", fs=fs, output="sos")
    y = sps.sosfilt(sos, rng.standard_normal(n))
    return np.asarray(y / max(float(np.std(y)), 1e-12))


def accelerometer_from_night(
    night: object, leg: str, *, fs: float = 25.0, seed_key: str = ""
) -> tuple[F32, F32, F32]:
    """One leg's x, y, z (g) over a simulated night (see the module docstring)."""
    mov: pd.DataFrame = night.movements  # type: ignore[attr-defined]
    hyp = night.hypnogram  # type: ignore[attr-defined]
    duration = float(night.duration)  # type: ignore[attr-defined]
    rng = _rng("accel", night.seed, night.scenario.name, leg, seed_key)  # type: ignore[attr-defined]
    n = round(duration * fs)
    # orientation: changes at posture changes (end of 'posture' LMs) and wake fidgets
    post = mov[(mov["kind"] == "posture") & (mov["leg"] == leg)]
    t_change = list((post["onset"] + post["duration"]).to_numpy(float))
    st = hyp.as_array()
    wake_ep = np.flatnonzero(st == "W")
    fid = wake_ep[rng.random(wake_ep.size) < 0.6]
    t_fid = (fid + rng.uniform(0, 1, fid.size)) * hyp.epoch_length
    times = np.concatenate([[0.0], np.asarray(t_change), t_fid])
    kinds = np.concatenate([[0], np.ones(len(t_change), int), np.full(t_fid.size, 2)])
    order = np.argsort(times, kind="stable")
    times, kinds = times[order], kinds[order]
    g = np.empty((times.size, 3))
    g[0] = _lying(rng, 1)[0]
    big = _lying(rng, times.size)
    small_deg = rng.uniform(5.0, 20.0, times.size)
    for i in range(1, times.size):  # loop over orientation changes (tens per night), not samples
        g[i] = (
            big[i] if kinds[i] == 1 else _rotate_small(rng, g[i - 1 : i], small_deg[i : i + 1])[0]
        )
    idx = np.clip(np.rint(times * fs).astype(np.int64), 0, n)
    reps = np.diff(np.concatenate([idx, [n]]))
    grav = np.repeat(g, reps, axis=0)
    # dynamic acceleration of each LM of this leg
    mine = mov[mov["leg"] == leg]
    amp_env = np.zeros(n)
    on = mine["onset"].to_numpy(float) + 0.05
    du = mine["duration"].to_numpy(float)
    amp = np.clip(mine["amplitude_uv"].to_numpy(float) / 250.0 * rng.lognormal(0, 0.3, on.size),
                  0.04, 0.8)  # fmt: skip
    s = np.clip(np.rint(on * fs).astype(np.int64), 0, n)
    ln = np.clip(np.rint(du * fs).astype(np.int64), 1, None)
    ln = np.minimum(ln, n - s)
    ok = ln > 0
    s, ln, amp = s[ok], ln[ok], amp[ok]
    if s.size:
        first = np.concatenate([[0], np.cumsum(ln)[:-1]])
        k = np.repeat(np.arange(s.size), ln)
        rel = np.arange(int(ln.sum())) - np.repeat(first, ln)
        edge = np.maximum(0.1 * fs, 1.0)
        shape = np.sin(0.5 * np.pi * np.clip(np.minimum(rel, ln[k] - rel) / edge, 0, 1)) ** 2
        np.maximum.at(amp_env, s[k] + rel, amp[k] * shape)
    wave = _low_band_noise(rng, n, fs) * amp_env
    direction = _unit(grav + rng.normal(0, 0.5, 3))
    acc = grav + direction * wave[:, None] + rng.normal(0, NOISE_G, (n, 3))
    a32 = acc.astype(np.float32)
    return a32[:, 0].copy(), a32[:, 1].copy(), a32[:, 2].copy()


def daytime(rng: np.random.Generator, seconds: float, fs: float) -> npt.NDArray[np.float64]:
    """Daytime ankle acceleration (n x 3, g): the leg turns every 4 s (awake people rarely hold
    a leg still for minutes); walking in half of the 30 s stretches."""
    n = round(seconds * fs)
    seg = int(4 * fs)
    k = -(-n // seg)
    g = np.repeat(_unit(rng.normal(0, 1, (k, 3))), seg, axis=0)[:n]
    k30 = -(-n // int(30 * fs))
    walking = np.repeat(rng.random(k30) < 0.5, int(30 * fs))[:n]
    t = np.arange(n) / fs
    f = np.repeat(rng.uniform(1.6, 2.0, k30), int(30 * fs))[:n]
    step = 0.4 * np.sin(2 * np.pi * f * t) * walking
    return g + np.column_stack([step, 0.5 * step, step]) + rng.normal(0, NOISE_G, (n, 3))


@dataclass(frozen=True)
class WeekTruth:
    """Truth of a simulated week: per night ``night``, ``start_s``, ``end_s`` (in the file),
    ``tst_h``, ``plms_index_emg`` (WASM 2016 on the night's true EMG LMs and hypnogram)."""

    nights: pd.DataFrame


def simulate_week(
    scenario: str = "rls",
    seed: int = 0,
    *,
    n_nights: int = 7,
    fs: float = 25.0,
    day_h: float = 15.0,
    night_h: float | None = None,
) -> tuple[AccelRecording, AccelRecording, WeekTruth]:
    """A week at home with ankle sensors on both legs: ``n_nights`` nights with days between.

    Night ``k`` is ``simulate_night(scenario, seed + k, with_signals=False)``. Returns the left
    and right recordings (clock start 21:00 of 2024-03-04 minus the first evening) and the truth.
    """
    from twitchscope.scoring import score_leg_movements
    from twitchscope.simulate import simulate_night

    rng = _rng("week", scenario, seed)
    parts: dict[str, list[npt.NDArray[np.float64]]] = {"left": [], "right": []}
    rows = []
    t = 0.0
    for k in range(n_nights):
        day = daytime(rng, day_h * 3600.0 if k else 1800.0, fs)
        for leg in parts:
            parts[leg].append(day if leg == "left" else day + rng.normal(0, NOISE_G, day.shape))
        t += day.shape[0] / fs
        night = simulate_night(scenario, seed + k, duration_h=night_h, with_signals=False)
        for leg in parts:
            x, y, z = accelerometer_from_night(night, leg, fs=fs)
            parts[leg].append(np.column_stack([x, y, z]).astype(np.float64))
        sc = score_leg_movements(night.movements, recording_duration=night.duration,
                                 hypnogram=night.hypnogram)  # fmt: skip
        rows.append({"night": k + 1, "start_s": t, "end_s": t + night.duration,
                     "tst_h": night.hypnogram.total_sleep_time / 3600.0,
                     "plms_index_emg": sc.indices.plms_index})  # fmt: skip
        t += night.duration
    tail = daytime(rng, 1800.0, fs)
    start = dt.datetime(2024, 3, 4, 21, 0)
    out = []
    for leg in ("left", "right"):
        a = np.vstack([*parts[leg], tail]).astype(np.float32)
        out.append(AccelRecording(a[:, 0].copy(), a[:, 1].copy(), a[:, 2].copy(), fs, start,
                                  f"simulated-week-{scenario}-{seed}-{leg}", leg))  # fmt: skip
    return out[0], out[1], WeekTruth(pd.DataFrame(rows))
