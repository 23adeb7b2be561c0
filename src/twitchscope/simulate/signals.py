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
) -> npt.NDArray[np.float32]:
    """Synthesize one leg's EMG (µV) with interference and artefacts."""
    # Resting RMS at 1 s steps: base level x slow log-normal drift x posture steps.
    base = float(rng.uniform(*sc.rest_rms_uv))
    t = np.arange(int(np.ceil(duration)) + 2, dtype=float)
    level = base * np.exp(sc.rest_drift * slow_series(rng, duration, 1.0, 1200.0)[: t.size])
    log_step = np.log(sc.posture_step)
    steps = rng.uniform(-log_step, log_step, posture_end.size)
    at = np.clip(posture_end.astype(np.int64) + 1, 0, t.size - 1)
    factor = np.exp(np.cumsum(np.bincount(at, weights=steps, minlength=t.size)))
    level = np.clip(level * factor, 0.6, 12.0)
    rest = at_samples(level, 1.0, n, fs)
    mine = movements[movements["leg"] == leg]
    env = burst_envelope(
        rng, n, fs, mine["onset"].to_numpy(float), mine["duration"].to_numpy(float),
        mine["amplitude_uv"].to_numpy(float), gaps[gaps["leg"] == leg],
    )  # fmt: skip
    data = (rest + env) * band_noise(rng, n, fs, CARRIER_BAND_HZ)
    del env
    leak = float(rng.uniform(*sc.ecg_leak_uv)) * float(rng.choice([-1.0, 1.0]))
    leak_lvl = at_samples(1.0 + 0.2 * slow_series(rng, duration, 10.0, 900.0), 10.0, n, fs)
    data += leak * leak_lvl * beat_train(beats, n, fs, qrs_only_template(fs))
    hum = float(rng.uniform(*sc.mains_uv))
    hum_lvl = at_samples(hum * np.exp(0.3 * slow_series(rng, duration, 10.0, 1800.0)), 10.0, n, fs)
    data += mains(rng, n, fs, sc.mains_hz, hum_lvl)
    apply_artefacts(
        rng, data, fs, artefacts[artefacts["channel"] == LEG_LABELS[leg]], LEG_LIMIT_UV, sc.mains_hz
    )
    params[f"rest_rms_uv_{leg}"] = base
    params[f"rest_rms_uv_{leg}_range_over_night"] = [float(level.min()), float(level.max())]
    params[f"ecg_leak_uv_{leg}"] = leak
    params[f"mains_uv_{leg}"] = hum
    return data.astype(np.float32, copy=False)


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
) -> dict[str, Signal]:
    """Every channel of the night (label -> Signal, µV; SpO2 %), clipped to its range.

    Drawn values (heart rate, resting levels, leak, mains) are added to ``params``.
    """
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

    n_eeg = round(duration * sc.eeg_fs)
    c4, c3 = other_channels.eeg_pair(rng, stages, arousals, n_eeg, sc.eeg_fs)
    put("C4-M1", c4, sc.eeg_fs)
    put("C3-M2", c3, sc.eeg_fs)
    e1, e2 = other_channels.eog_pair(rng, stages, c4, n_eeg, sc.eeg_fs)
    put("E1-M2", e1, sc.eeg_fs)
    put("E2-M1", e2, sc.eeg_fs)
    del c4, c3, e1, e2
    n_chin = round(duration * sc.chin_fs)
    put(
        "Chin",
        other_channels.chin_emg(rng, stages, arousals, beats, n_chin, sc.chin_fs),
        sc.chin_fs,
    )
    n_ecg = round(duration * sc.ecg_fs)
    put("ECG", other_channels.ecg(rng, beats, n_ecg, sc.ecg_fs), sc.ecg_fs)
    n_leg = round(duration * fs_leg)
    for leg, label in LEG_LABELS.items():
        data = leg_signal(
            rng, sc, leg, n_leg, fs_leg, duration, mov, gaps, posture_end, beats, artefacts, params
        )
        put(label, data, fs_leg)
    n_resp = round(duration * sc.resp_fs)
    flow, thor, abdo = other_channels.breathing(rng, resp, n_resp, sc.resp_fs)
    put("Flow", flow, sc.resp_fs)
    put("Thor", thor, sc.resp_fs)
    put("Abdo", abdo, sc.resp_fs)
    n_spo2 = round(duration * sc.spo2_fs)
    put("SpO2", other_channels.spo2(rng, resp, n_spo2, sc.spo2_fs), sc.spo2_fs)

    return signals
