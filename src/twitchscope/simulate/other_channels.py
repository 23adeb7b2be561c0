"""The other PSG channels, shaped roughly like real ones: ECG, EEG, EOG, chin EMG, breathing, SpO2.

Leg EMG is what twitchscope measures; these channels make the file look and read like a real
PSG and carry the context (stages, arousals, apnoeas) in plausible form.

- ECG: heart rate 50-80 bpm with respiratory sinus arrhythmia (+-3 bpm), slow drift, 2 %
  beat-to-beat jitter, lower in N3 (-6 %) and a 10-s rise of ~10 bpm at arousals and LMs
  (Sforza et al. 1999: cardiac activation with PLMs); PQRST of ~1 mV.
- EEG (C4-M1, C3-M2): band-limited noise mixed per stage (AASM: alpha in W and arousals,
  theta in N1/REM, spindles 11-15 Hz and K-complexes in N2, > 75 µV delta in N3).
- EOG: blinks in W, slow eye movements in N1, rapid eye movements in REM (opposite polarity
  on E1/E2), EEG leak of delta in N3.
- Chin EMG: tonic level W 12, N1 8, N2 6, N3 5, REM 1.5 µV RMS (atonia) with phasic REM
  twitches; higher during arousals.
- Flow/Thor/Abdo: breathing at 12-18/min; obstructive apnoea: flow < 10 % with paradoxical
  effort; central: all flat; hypopnoea: flow ~40 %; recovery breaths after each event.
- SpO2: 94-97 % baseline, desaturations of 3-10 % lagging event ends by ~20 s (circulation
  delay), integer percent like oximeters.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import signal as sps

from twitchscope.simulate.emg import (
    at_samples,
    band_noise,
    beat_train,
    qrs_template,
    slow_series,
)
from twitchscope.simulate.hypnogram import EPOCH_S


def interval_mask(
    n: int, fs: float, onset: npt.ArrayLike, duration: npt.ArrayLike
) -> npt.NDArray[np.bool_]:
    """Boolean per sample: inside any of the intervals (s)."""
    on = np.asarray(onset, dtype=float)
    du = np.asarray(duration, dtype=float)
    mark = np.zeros(n + 1, dtype=np.int32)
    np.add.at(mark, np.clip(np.rint(on * fs).astype(np.int64), 0, n), 1)
    np.add.at(mark, np.clip(np.rint((on + du) * fs).astype(np.int64), 0, n), -1)
    return np.cumsum(mark[:-1]) > 0


STAGE_ORDER = ("W", "N1", "N2", "N3", "R")


def stage_code_per_sample(stages: npt.NDArray[np.str_], n: int, fs: float) -> npt.NDArray[np.int8]:
    """Index into :data:`STAGE_ORDER` of every sample's stage."""
    codes = np.array([STAGE_ORDER.index(str(s)) for s in stages], dtype=np.int8)
    per = fs * EPOCH_S
    if float(per).is_integer():
        out = np.repeat(codes, int(per))[:n]
        if out.size < n:
            out = np.concatenate([out, np.full(n - out.size, codes[-1], dtype=np.int8)])
        return out
    ep = np.minimum((np.arange(n) / per).astype(np.int64), stages.size - 1)
    return codes[ep]


def _level(
    stages: npt.NDArray[np.str_], n: int, fs: float, table: dict[str, float]
) -> npt.NDArray[np.float32]:
    """Per-sample level from a per-stage table."""
    gain = np.array([table[s] for s in STAGE_ORDER], dtype=np.float32)
    return gain[stage_code_per_sample(stages, n, fs)]


def _by_stage(stages: npt.NDArray[np.str_], table: dict[str, float]) -> npt.NDArray[np.float64]:
    return np.array([table[str(s)] for s in stages], dtype=float)


def heart_beats(
    rng: np.random.Generator,
    stages: npt.NDArray[np.str_],
    duration: float,
    hr_bpm: float,
    activations: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Beat (R-peak) times in s. ``activations`` are times of arousals/LMs (HR rises ~10 bpm)."""
    step = 0.1
    t = np.arange(0.0, duration + 2.0, step)
    hr = np.full(t.size, hr_bpm)
    ep = np.minimum((t / EPOCH_S).astype(np.int64), stages.size - 1)
    hr *= _by_stage(stages, {"W": 1.05, "N1": 1.0, "N2": 0.97, "N3": 0.94, "R": 1.0})[ep]
    hr += 2.0 * slow_series(rng, duration + 2.0, step, 300.0)[: t.size]
    hr += 3.0 * np.sin(2 * np.pi * t / 4.2 + rng.uniform(0, 6.28))  # RSA at ~14 breaths/min
    if activations.size:
        imp = np.zeros(t.size)
        np.add.at(imp, np.clip((activations / step).astype(np.int64), 0, t.size - 1), 1.0)
        k = np.arange(0, 15.0, step)
        kern = 10.0 * (k / 4.0) * np.exp(1 - k / 4.0)  # peak +10 bpm 4 s after
        hr += sps.oaconvolve(imp, kern)[: t.size]
    phase = np.cumsum(hr / 60.0 * step)
    beats = np.flatnonzero(np.diff(np.floor(phase)) > 0) * step
    beats = beats + rng.normal(0.0, 0.015, beats.size)
    return np.sort(beats[(beats > 0) & (beats < duration)])


def ecg(
    rng: np.random.Generator, beats: npt.NDArray[np.float64], n: int, fs: float
) -> npt.NDArray[np.float32]:
    """ECG lead (µV): PQRST of ~1 mV at each beat, respiratory baseline wander, 5 µV noise."""
    amp = rng.uniform(700.0, 1300.0) * (1.0 + 0.05 * rng.standard_normal(beats.size))
    y = beat_train(beats, n, fs, qrs_template(fs), amp)
    t = np.arange(n) / fs
    y += (40.0 * np.sin(2 * np.pi * 0.25 * t)).astype(np.float32)
    y += 5.0 * band_noise(rng, n, fs, (1.0, 0.4 * fs))
    return y


def eeg_pair(
    rng: np.random.Generator,
    stages: npt.NDArray[np.str_],
    arousals: pd.DataFrame,
    n: int,
    fs: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """C4-M1 and C3-M2 (µV): shared stage-dependent rhythms plus 30 % independent activity."""
    ar = interval_mask(n, fs, arousals["onset"], arousals["duration"])
    bands: dict[tuple[float, float], dict[str, float]] = {  # RMS µV per stage
        (0.5, 2.0): {"W": 6, "N1": 9, "N2": 16, "N3": 45, "R": 7},
        (4.0, 7.5): {"W": 5, "N1": 12, "N2": 11, "N3": 10, "R": 11},
        (8.0, 12.0): {"W": 16, "N1": 5, "N2": 3, "N3": 2, "R": 5},
        (16.0, 30.0): {"W": 5, "N1": 3, "N2": 2, "N3": 1.5, "R": 3},
    }
    shared = np.zeros(n, dtype=np.float32)
    for band, table in bands.items():
        lvl = _level(stages, n, fs, table)
        if band == (8.0, 12.0):
            lvl = np.where(ar, lvl + 20.0, lvl)  # alpha during arousals
        if band == (16.0, 30.0):
            lvl = np.where(ar, lvl + 6.0, lvl)
        shared += lvl * band_noise(rng, n, fs, band)
    # Spindles (N2, ~4/min, 0.5-2 s, 20-40 µV) as sigma-band bursts with a Hann envelope.
    n2_s = float((stages == "N2").sum()) * EPOCH_S
    on = rng.uniform(0, n / fs, int(n2_s / 15.0))
    on = on[stages[np.minimum((on / EPOCH_S).astype(int), stages.size - 1)] == "N2"]
    spindle_env = np.zeros(n, dtype=np.float32)
    du = rng.uniform(0.5, 2.0, on.size)
    for o, d in zip(on, du, strict=True):  # loop over spindles (events), slices per event
        i0, ln = int(o * fs), int(d * fs)
        spindle_env[i0 : i0 + ln] = np.hanning(ln)[: max(0, min(ln, n - i0))] * rng.uniform(20, 40)
    shared += spindle_env * band_noise(rng, n, fs, (12.0, 14.0))
    # K-complexes (N2, ~1.5/min): sharp negative then positive wave, ~100 µV.
    kc_t = rng.uniform(0, n / fs, int(n2_s / 40.0))
    kc_t = kc_t[stages[np.minimum((kc_t / EPOCH_S).astype(int), stages.size - 1)] == "N2"]
    tk = np.arange(0.0, 1.2, 1.0 / fs)
    kc = -100.0 * np.exp(-0.5 * ((tk - 0.25) / 0.08) ** 2) + 60.0 * np.exp(
        -0.5 * ((tk - 0.6) / 0.15) ** 2
    )
    shared += beat_train(kc_t, n, fs, (kc, 0))
    c4 = shared + 0.3 * 10.0 * band_noise(rng, n, fs, (0.5, 30.0))
    c3 = 0.95 * shared + 0.3 * 10.0 * band_noise(rng, n, fs, (0.5, 30.0))
    return c4.astype(np.float32), c3.astype(np.float32)


def eog_pair(
    rng: np.random.Generator,
    stages: npt.NDArray[np.str_],
    eeg: npt.NDArray[np.float32],
    n: int,
    fs: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """E1-M2 and E2-M1 (µV): blinks (W), slow (N1) and rapid (REM) eye movements, EEG leak."""
    dur = n / fs
    # Rapid eye movements: saccades in REM at ~1/s in bursts, AC-coupled steps (tau 1 s).
    rem_s = float((stages == "R").sum()) * EPOCH_S
    t = rng.uniform(0, dur, int(rem_s * 0.8))
    t = t[stages[np.minimum((t / EPOCH_S).astype(int), stages.size - 1)] == "R"]
    tk = np.arange(0.0, 4.0, 1.0 / fs)
    sacc = (1 - np.exp(-tk / 0.02)) * np.exp(-tk / 1.0)
    rems = beat_train(
        t, n, fs, (sacc, 0), rng.choice([-1.0, 1.0], t.size) * rng.uniform(50, 150, t.size)
    )
    # Blinks in wake (~15/min): a 0.3 s positive bump in both leads (vertical component).
    w_s = float((stages == "W").sum()) * EPOCH_S
    tb = rng.uniform(0, dur, int(w_s / 4.0))
    tb = tb[stages[np.minimum((tb / EPOCH_S).astype(int), stages.size - 1)] == "W"]
    tbk = np.arange(0.0, 0.4, 1.0 / fs)
    blinks = beat_train(
        tb, n, fs, (np.sin(np.pi * tbk / 0.4) ** 2, 0), rng.uniform(80, 200, tb.size)
    )
    slow_lvl = _level(stages, n, fs, {"W": 15.0, "N1": 60.0, "N2": 5.0, "N3": 5.0, "R": 5.0})
    sem = slow_lvl * band_noise(rng, n, fs, (0.1, 0.6), order=2)
    e1 = rems + blinks + sem + 0.3 * eeg + 3.0 * band_noise(rng, n, fs, (0.3, 30.0))
    e2 = -rems + 0.8 * blinks - sem + 0.3 * eeg + 3.0 * band_noise(rng, n, fs, (0.3, 30.0))
    return e1.astype(np.float32), e2.astype(np.float32)


def chin_emg(
    rng: np.random.Generator,
    stages: npt.NDArray[np.str_],
    arousals: pd.DataFrame,
    beats: npt.NDArray[np.float64],
    n: int,
    fs: float,
) -> npt.NDArray[np.float32]:
    """Chin EMG (µV): tonic level by stage, REM atonia with phasic twitches, arousal bursts."""
    from twitchscope.simulate.emg import qrs_only_template

    lvl = _level(stages, n, fs, {"W": 12.0, "N1": 8.0, "N2": 6.0, "N3": 5.0, "R": 1.5})
    lvl *= np.exp(0.15 * at_samples(slow_series(rng, n / fs, 10.0, 600.0), 10.0, n, fs))
    ar = interval_mask(n, fs, arousals["onset"], arousals["duration"])
    lvl = np.where(ar, lvl * 3.0, lvl)
    rem_s = float((stages == "R").sum()) * EPOCH_S
    tw = rng.uniform(0, n / fs, int(rem_s / 6.0))
    tw = tw[stages[np.minimum((tw / EPOCH_S).astype(int), stages.size - 1)] == "R"]
    twitch = interval_mask(n, fs, tw, rng.uniform(0.1, 0.25, tw.size))
    lvl = np.where(twitch, lvl + 15.0, lvl)
    y = lvl * band_noise(rng, n, fs, (10.0, 100.0))
    y += beat_train(beats, n, fs, qrs_only_template(fs)) * np.float32(rng.uniform(3.0, 10.0))
    return y.astype(np.float32)


def breathing(
    rng: np.random.Generator, resp: pd.DataFrame, n: int, fs: float
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Flow, Thor and Abdo (µV-scaled sensor outputs) with the respiratory events imposed."""
    dur = n / fs
    rate = 0.25 + 0.03 * at_samples(slow_series(rng, dur, 5.0, 120.0), 5.0, n, fs)  # Hz
    phase = 2 * np.pi * np.cumsum(rate.astype(np.float64)) / fs + rng.uniform(0, 6.28)
    wave = np.sin(phase) + 0.25 * np.sin(2 * phase)
    flow_f = np.ones(n, dtype=np.float32)
    effort_f = np.ones(n, dtype=np.float32)
    para = np.zeros(n, dtype=bool)
    for on, du, kind in zip(resp["onset"], resp["duration"], resp["kind"], strict=True):
        i0, i1 = int(on * fs), min(int((on + du) * fs), n)  # loop over events, not samples
        if kind == "obstructive_apnea":
            flow_f[i0:i1] = 0.05
            effort_f[i0:i1] = np.linspace(0.8, 1.5, i1 - i0)
            para[i0:i1] = True
        elif kind == "central_apnea":
            flow_f[i0:i1] = 0.03
            effort_f[i0:i1] = 0.05
        else:
            flow_f[i0:i1] = 0.4
            effort_f[i0:i1] = 0.65
        r1 = min(i1 + int(10 * fs), n)
        rec = 1.0 + 0.8 * np.exp(-np.arange(r1 - i1) / (4.0 * fs))
        flow_f[i1:r1] = rec
        effort_f[i1:r1] = rec
    amp = 1.0 + 0.1 * at_samples(slow_series(rng, dur, 5.0, 60.0), 5.0, n, fs)
    flow = 150.0 * amp * flow_f * wave + 3.0 * rng.standard_normal(n)
    thor = 200.0 * amp * effort_f * np.sin(phase - 0.3)
    abdo = 180.0 * amp * effort_f * np.sin(phase - 0.3 + np.where(para, np.pi, 0.0))
    return flow.astype(np.float32), thor.astype(np.float32), abdo.astype(np.float32)


def spo2(
    rng: np.random.Generator, resp: pd.DataFrame, n: int, fs: float
) -> npt.NDArray[np.float32]:
    """SpO2 (%): baseline 94-97 %, dips after events (deeper for apnoeas), integer percent."""
    base = rng.uniform(94.0, 97.0)
    t = np.arange(n) / fs
    y = np.full(n, base)
    ends = (resp["onset"] + resp["duration"]).to_numpy()
    durs = resp["duration"].to_numpy()
    apnea = resp["kind"].to_numpy() != "hypopnea"
    depth = np.clip(durs / 30.0, 0.4, 1.5) * np.where(apnea, rng.uniform(4, 9, ends.size), 3.5)
    for e, d, dep in zip(ends, durs, depth, strict=True):  # loop over events, not samples
        c = e + 20.0  # nadir about 20 s after the event end (circulation delay)
        i0, i1 = max(int((c - d - 5) * fs), 0), min(int((c + 20) * fs), n)
        x = t[i0:i1] - c
        dip = np.where(x < 0, 1 + x / (d + 5), 1 - x / 20.0)
        y[i0:i1] = np.minimum(y[i0:i1], base - dep * np.clip(dip, 0, 1))
    y += 0.3 * rng.standard_normal(n)
    return np.clip(np.round(y), 50.0, 100.0).astype(np.float32)
