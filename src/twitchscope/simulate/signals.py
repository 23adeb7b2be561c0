"""Synthesis of every channel of a simulated night from its drawn truth.

Channel layout and physical ranges (:data:`CHANNELS`), leg EMG (:func:`leg_signal`) and the
assembly of all signals (:func:`synthesize_signals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.signal import Signal
from twitchscope.simulate import other_channels
from twitchscope.simulate.artefacts import LEG_LABELS, apply_artefacts
from twitchscope.simulate.emg import (
    CARRIER_BAND_HZ,
    at_samples,
    band_noise,
    beat_train,
    burst_envelope,
    mains,
    qrs_only_template,
    slow_series,
)
from twitchscope.simulate.scenarios import Scenario


@dataclass(frozen=True)
class ChannelSpec:
    """How a simulated channel is written: role, unit and physical range of the file."""

    role: str
    unit: str
    physical_min: float
    physical_max: float
    transducer: str = ""


#: Leg physical range +-2000 µV over 16 bit gives 0.061 µV resolution (< 0.1 µV) and room for
#: the largest wake movements; clipping artefacts sit exactly at these limits.
LEG_LIMIT_UV = 2000.0
CHANNELS: dict[str, ChannelSpec] = {
    "C4-M1": ChannelSpec("eeg", "uV", -1000.0, 1000.0, "AgAgCl electrode"),
    "C3-M2": ChannelSpec("eeg", "uV", -1000.0, 1000.0, "AgAgCl electrode"),
    "E1-M2": ChannelSpec("eog", "uV", -1000.0, 1000.0, "AgAgCl electrode"),
    "E2-M1": ChannelSpec("eog", "uV", -1000.0, 1000.0, "AgAgCl electrode"),
    "Chin": ChannelSpec("chin", "uV", -1000.0, 1000.0, "AgAgCl electrode"),
    "ECG": ChannelSpec("ecg", "uV", -3000.0, 3000.0, "AgAgCl electrode"),
    "Leg L": ChannelSpec("leg_left", "uV", -LEG_LIMIT_UV, LEG_LIMIT_UV, "AgAgCl electrode"),
    "Leg R": ChannelSpec("leg_right", "uV", -LEG_LIMIT_UV, LEG_LIMIT_UV, "AgAgCl electrode"),
    "Flow": ChannelSpec("resp_flow", "uV", -1000.0, 1000.0, "thermistor/pressure"),
    "Thor": ChannelSpec("resp_thorax", "uV", -1000.0, 1000.0, "RIP belt"),
    "Abdo": ChannelSpec("resp_abdomen", "uV", -1000.0, 1000.0, "RIP belt"),
    "SpO2": ChannelSpec("spo2", "%", 0.0, 100.0, "pulse oximeter"),
}


def rest_carrier(
    rng: np.random.Generator,
    sc: Scenario,
    n: int,
    fs: float,
    duration: float,
    params: dict[str, Any],
    leg: str,
) -> npt.NDArray[np.float32]:
    """Unit-RMS resting noise whose spectrum differs per leg and drifts over the night.

    A low band (lower edge drawn from ``sc.rest_low_band_hz``, upper edge 40-60 Hz) and a broad
    band (20 Hz to an edge drawn from ``sc.rest_high_edge_hz``, capped at 0.45 x fs) are mixed
    with power weights ``w(t)`` and ``1 - w(t)``, ``w`` drifting slowly within 0.15-0.85.
    """  # fmt: skip
    low = (float(rng.uniform(*sc.rest_low_band_hz)), float(rng.uniform(40.0, 60.0)))
    high = (20.0, float(rng.uniform(*sc.rest_high_edge_hz)))
    a = band_noise(rng, n, fs, low, order=2)
    b = band_noise(rng, n, fs, high, order=2)
    w = at_samples(0.5 + 0.35 * np.tanh(slow_series(rng, duration, 10.0, 2400.0)), 10.0, n, fs)
    a *= np.sqrt(w)
    a += b * np.sqrt(1.0 - w)
    params[f"rest_band_low_hz_{leg}"] = list(low)
    params[f"rest_band_high_hz_{leg}"] = [high[0], min(high[1], 0.45 * fs)]
    return a


def leak_weights(
    rng: np.random.Generator,
    sc: Scenario,
    beats: npt.NDArray[np.float64],
    posture_end: npt.NDArray[np.float64],
    duration: float,
) -> tuple[npt.NDArray[np.float64], float, int]:
    """Per-beat QRS leak (µV, signed) of one leg: strength drifts, polarity may flip at posture
    changes (the leg's position relative to the heart's axis changes).

    At a flip the polarity reverses and the strength becomes 0.5-2 x the leg's own leak: the
    leak is set by where the electrode pair lies in the heart's field, which the new position
    sets afresh, so the peak stays within tens of µV (at most 2 x the scenario's largest leak
    times the slow drift), the size tibialis leads pick up. Until 2026-12 the factors multiplied
    from one flip to the next, a random walk with an upward bias (the mean log of a 0.5-2
    factor is +0.16) that took the child night of seed 102's right-leg leak from 5 µV to
    0.56 mV after ten flips: an ECG lead's amplitude, which no leg recording shows.
    """
    leak = float(rng.uniform(*sc.ecg_leak_uv)) * float(rng.choice([-1.0, 1.0]))
    flips = rng.random(posture_end.size) < sc.ecg_flip_prob
    strength = rng.uniform(0.5, 2.0, flips.size)
    sign = np.cumprod(np.concatenate([[1.0], np.where(flips, -1.0, 1.0)]))
    # the strength drawn at the latest flip (1 before the first one)
    at_flip = np.where(flips, np.arange(1, flips.size + 1), 0)
    last_flip = np.maximum.accumulate(np.concatenate([[0], at_flip]))
    seg_gain = sign * np.concatenate([[1.0], strength])[last_flip]
    seg = np.searchsorted(posture_end, beats)
    drift = 1.0 + 0.2 * slow_series(rng, duration, 10.0, 900.0)
    k = np.clip((beats / 10.0).astype(np.int64), 0, drift.size - 1)
    return leak * seg_gain[seg] * drift[k], leak, int(flips.sum())


def leg_signal(
    rng: np.random.Generator,
    sc: Scenario,
    leg: str,
    n: int,
    fs: float,
    duration: float,
    movements: pd.DataFrame,
    gaps: pd.DataFrame,
    posture_end: npt.NDArray[np.float64],
    beats: npt.NDArray[np.float64],
    artefacts: pd.DataFrame,
    params: dict[str, Any],
    other: pd.DataFrame | None = None,
    mains_hz: float | None = None,
) -> npt.NDArray[np.float32]:
    """Synthesize one leg's EMG (µV) with interference and artefacts.

    ``movements`` are the true LMs, ``other`` the non-LM activity of
    :mod:`twitchscope.simulate.injectors` (bursts drawn like LMs, tonic rises as smooth steps of
    the EMG level), ``gaps`` the rest stretches inside fragmented LMs.
    """
    hz = float(sc.mains_hz if mains_hz is None else mains_hz)
    # Resting RMS at 1 s steps: base level x slow log-normal drift x trend x posture steps.
    base = float(rng.uniform(*sc.rest_rms_uv))
    t = np.arange(int(np.ceil(duration)) + 2, dtype=float)
    trend = float(rng.uniform(*sc.rest_trend))
    level = base * np.exp(
        sc.rest_drift * slow_series(rng, duration, 1.0, 1200.0)[: t.size]
        + trend * (t / max(duration, 1.0) - 0.5)
    )
    log_step = np.log(sc.posture_step)
    steps = rng.uniform(-log_step, log_step, posture_end.size)
    at = np.clip(posture_end.astype(np.int64) + 1, 0, t.size - 1)
    factor = np.exp(np.cumsum(np.bincount(at, weights=steps, minlength=t.size)))
    level = np.clip(level * factor, 0.6, 12.0)
    rest = at_samples(level, 1.0, n, fs)
    data = rest_carrier(rng, sc, n, fs, duration, params, leg)
    data *= rest
    mine = movements[movements["leg"] == leg]
    on = mine["onset"].to_numpy(float)
    du = mine["duration"].to_numpy(float)
    amp = mine["amplitude_uv"].to_numpy(float)
    tonic = None
    if other is not None and len(other):
        oth = other[other["leg"] == leg]
        burst = oth[oth["shape"] == "burst"]
        on = np.concatenate([on, burst["onset"].to_numpy(float)])
        du = np.concatenate([du, burst["duration"].to_numpy(float)])
        amp = np.concatenate([amp, burst["amplitude_uv"].to_numpy(float)])
        tonic = oth[oth["shape"] == "tonic"]
        order = np.argsort(on, kind="stable")
        on, du, amp = on[order], du[order], amp[order]
    env = burst_envelope(rng, n, fs, on, du, amp, gaps[gaps["leg"] == leg])
    if tonic is not None and len(tonic):
        env += tonic_envelope(n, fs, tonic)
    # The muscle's own noise is independent of the resting noise, so their powers add: a burst
    # component of RMS sqrt(env^2 + 2 rest env) makes the total RMS exactly rest + env, i.e.
    # the truth amplitude is the rise of the EMG's RMS above its resting level.
    env *= env + 2.0 * rest
    np.sqrt(env, out=env)
    del rest
    data += env * band_noise(rng, n, fs, CARRIER_BAND_HZ)
    del env
    weights, leak, flips = leak_weights(rng, sc, beats, posture_end, duration)
    t_share = float(rng.uniform(*sc.ecg_t_wave))
    data += beat_train(beats, n, fs, qrs_only_template(fs, t_share), weights)
    hum = float(rng.uniform(*sc.mains_uv))
    hum_lvl = at_samples(hum * np.exp(0.3 * slow_series(rng, duration, 10.0, 1800.0)), 10.0, n, fs)
    data += mains(rng, n, fs, hz, hum_lvl)
    apply_artefacts(
        rng, data, fs, artefacts[artefacts["channel"] == LEG_LABELS[leg]], LEG_LIMIT_UV, hz
    )
    params[f"rest_rms_uv_{leg}"] = base
    params[f"rest_rms_uv_{leg}_range_over_night"] = [float(level.min()), float(level.max())]
    params[f"rest_trend_{leg}"] = trend
    params[f"ecg_leak_uv_{leg}"] = leak
    params[f"ecg_leak_polarity_flips_{leg}"] = flips
    params[f"ecg_t_wave_share_{leg}"] = t_share
    params[f"mains_uv_{leg}"] = hum
    return data.astype(np.float32, copy=False)


def tonic_envelope(n: int, fs: float, tonic: pd.DataFrame) -> npt.NDArray[np.float32]:
    """Smooth rises of the EMG level (µV RMS): raised-cosine ramps of 0.5 s, plateau between."""
    env = np.zeros(n, dtype=np.float32)
    for on, du, amp in zip(tonic["onset"], tonic["duration"], tonic["amplitude_uv"], strict=True):
        i0, i1 = max(int(on * fs), 0), min(int((on + du) * fs), n)  # loop over events
        if i1 <= i0:
            continue
        tt = np.arange(i1 - i0) / fs
        ramp = min(0.5, (i1 - i0) / fs / 2)
        up = np.clip(tt / ramp, 0.0, 1.0)
        down = np.clip((tt[-1] - tt) / ramp, 0.0, 1.0)
        env[i0:i1] += (amp * np.sin(0.5 * np.pi * np.minimum(up, down)) ** 2).astype(np.float32)
    return env


def synthesize_signals(
    rng: np.random.Generator,
    sc: Scenario,
    stages: npt.NDArray[np.str_],
    resp: pd.DataFrame,
    arousals: pd.DataFrame,
    mov: pd.DataFrame,
    gaps: pd.DataFrame,
    posture_end: npt.NDArray[np.float64],
    artefacts: pd.DataFrame,
    duration: float,
    fs_leg: float,
    params: dict[str, Any],
    other: pd.DataFrame | None = None,
    mains_hz: float | None = None,
    rates: dict[str, float] | None = None,
) -> dict[str, Signal]:
    """Every channel of the night (label -> Signal, µV; SpO2 %), clipped to its range.

    ``other`` is the non-LM leg activity (:mod:`twitchscope.simulate.injectors`), ``mains_hz``
    the night's mains frequency and ``rates`` the rates of ``eeg``, ``chin``, ``ecg``,
    ``resp`` and ``spo2`` (default: the scenario's). Drawn values (heart rate, resting levels,
    leak, mains) are added to ``params``.
    """
    fs_of = {
        "eeg": float(sc.eeg_fs), "chin": float(sc.chin_fs), "ecg": float(sc.ecg_fs),
        "resp": float(sc.resp_fs), "spo2": float(sc.spo2_fs), **(rates or {}),
    }  # fmt: skip
    ar_on = arousals["onset"].to_numpy(float)
    # Heart: rate with activations at arousals and LMs; beats shared by ECG, chin and legs.
    hr = float(rng.uniform(*sc.heart_rate_bpm))
    params["heart_rate_bpm"] = hr
    beats = other_channels.heart_beats(
        rng, stages, duration, hr, np.concatenate([ar_on, mov["onset"].to_numpy(float)])
    )

    signals: dict[str, Signal] = {}

    def put(label: str, data: npt.NDArray[np.float32], fs: float) -> None:
        spec = CHANNELS[label]
        np.clip(data, spec.physical_min, spec.physical_max, out=data)
        signals[label] = Signal(
            label, data, float(fs), role=spec.role, unit=spec.unit, source_unit=spec.unit,
            source="simulated",
        )  # fmt: skip

    eeg_fs, chin_fs, ecg_fs = fs_of["eeg"], fs_of["chin"], fs_of["ecg"]
    resp_fs, spo2_fs = fs_of["resp"], fs_of["spo2"]
    n_eeg = round(duration * eeg_fs)
    c4, c3 = other_channels.eeg_pair(rng, stages, arousals, n_eeg, eeg_fs)
    put("C4-M1", c4, eeg_fs)
    put("C3-M2", c3, eeg_fs)
    e1, e2 = other_channels.eog_pair(rng, stages, c4, n_eeg, eeg_fs)
    put("E1-M2", e1, eeg_fs)
    put("E2-M1", e2, eeg_fs)
    del c4, c3, e1, e2
    n_chin = round(duration * chin_fs)
    put("Chin", other_channels.chin_emg(rng, stages, arousals, beats, n_chin, chin_fs), chin_fs)
    n_ecg = round(duration * ecg_fs)
    put("ECG", other_channels.ecg(rng, beats, n_ecg, ecg_fs), ecg_fs)
    n_leg = round(duration * fs_leg)
    for leg, label in LEG_LABELS.items():
        data = leg_signal(
            rng, sc, leg, n_leg, fs_leg, duration, mov, gaps, posture_end, beats, artefacts,
            params, other, mains_hz,
        )  # fmt: skip
        put(label, data, fs_leg)
    n_resp = round(duration * resp_fs)
    flow, thor, abdo = other_channels.breathing(rng, resp, n_resp, resp_fs)
    put("Flow", flow, resp_fs)
    put("Thor", thor, resp_fs)
    put("Abdo", abdo, resp_fs)
    n_spo2 = round(duration * spo2_fs)
    put("SpO2", other_channels.spo2(rng, resp, n_spo2, spo2_fs), spo2_fs)

    return signals
