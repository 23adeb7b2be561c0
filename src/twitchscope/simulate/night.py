"""Simulate a whole night: :func:`simulate_night` returns a :class:`SimulatedNight`."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.errors import ValidationError
from twitchscope.events import make_events
from twitchscope.hypnogram import Hypnogram
from twitchscope.signal import Signal
from twitchscope.simulate import breathing, other_channels
from twitchscope.simulate.artefacts import LEG_LABELS, apply_artefacts, simulate_artefacts
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
from twitchscope.simulate.hypnogram import EPOCH_S, simulate_stages
from twitchscope.simulate.movements import drop_same_leg_overlaps, fragment, simulate_movements
from twitchscope.simulate.scenarios import Scenario, get_scenario

if TYPE_CHECKING:
    from twitchscope.simulate.writer import SimulationFiles


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
    "Flow": ChannelSpec("resp", "uV", -1000.0, 1000.0, "thermistor/pressure"),
    "Thor": ChannelSpec("resp", "uV", -1000.0, 1000.0, "RIP belt"),
    "Abdo": ChannelSpec("resp", "uV", -1000.0, 1000.0, "RIP belt"),
    "SpO2": ChannelSpec("spo2", "%", 0.0, 100.0, "pulse oximeter"),
}
MOVEMENT_COLUMNS = (
    "leg", "onset", "duration", "amplitude_uv", "kind", "fragmented", "series", "arousal",
)  # fmt: skip
ARTEFACT_COLUMNS = ("channel", "onset", "duration", "kind", "level")


@dataclass(frozen=True, eq=False)
class SimulatedNight:
    """A simulated night with its truth.

    Attributes
    ----------
    scenario, seed : the scenario and seed it was drawn from.
    start : recording start (local clock time, naive datetime).
    signals : label -> :class:`~twitchscope.signal.Signal` (µV; SpO2 in %).
    hypnogram : true stages, 30 s epochs from the recording start.
    events : respiratory events and arousals as a :mod:`twitchscope.events` table.
    movements : truth, one row per single-leg LM: ``leg``, ``onset``, ``duration`` (s),
        ``amplitude_uv`` (peak of the burst's RMS envelope above the resting RMS), ``kind``,
        ``fragmented`` (holds rest gaps < 0.5 s), ``series`` (drawn PLM series id or -1),
        ``arousal`` (an arousal starts within 0.5 s of its onset). LMs hidden by a disconnected
        or clipped stretch of their leg are not listed (nothing of them is in the recording).
    artefacts : truth of stretches to exclude: ``channel``, ``onset``, ``duration``, ``kind``,
        ``level``.
    duration : length in seconds.
    params : every drawn numeric value (resting levels, leak, mains, heart rate, targets).
    """

    scenario: Scenario
    seed: int
    start: dt.datetime
    signals: dict[str, Signal]
    hypnogram: Hypnogram
    events: pd.DataFrame
    movements: pd.DataFrame
    artefacts: pd.DataFrame
    duration: float
    params: dict[str, Any] = field(default_factory=dict)

    def write(self, path: str | Path, format: Literal["edf", "bdf"] = "edf") -> SimulationFiles:
        """Write the recording (EDF+C or BDF+C) and the truth files beside it; see
        :func:`twitchscope.simulate.writer.write_night`."""
        from twitchscope.simulate.writer import write_night

        return write_night(self, path, format)


def _rng(scenario: str, seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(scenario.encode())]))


def _leg_signal(
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


def _hidden(movements: pd.DataFrame, artefacts: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """LMs overlapping a disconnected or clipped stretch of their own leg."""
    out = np.zeros(len(movements), dtype=bool)
    lost = artefacts[artefacts["kind"].isin(["disconnected", "clipping"])]
    on = movements["onset"].to_numpy(float)
    end = on + movements["duration"].to_numpy(float)
    legs = movements["leg"].to_numpy()
    for ch, a0, ad in zip(lost["channel"], lost["onset"], lost["duration"], strict=True):
        leg = "left" if ch == LEG_LABELS["left"] else "right"
        out |= (legs == leg) & (on < a0 + ad) & (end > a0)
    return out


def simulate_night(
    scenario: str = "rls",
    seed: int = 0,
    *,
    duration_h: float | None = None,
    leg_fs: float | None = None,
) -> SimulatedNight:
    """Simulate an overnight PSG with known truth.

    Parameters
    ----------
    scenario : str
        A key of :data:`~twitchscope.simulate.scenarios.SCENARIOS`.
    seed : int
        Seed (>= 0); the same scenario and seed give identical output.
    duration_h : float, optional
        Night length in hours (0.1-16); default drawn from the scenario (7-9 h). Rounded to
        whole 30 s epochs.
    leg_fs : float, optional
        Leg EMG sampling rate in Hz (whole number, 100-4096); default the scenario's.

    Returns
    -------
    SimulatedNight

    Raises
    ------
    TwitchscopeError
        For an unknown scenario; ValidationError for a bad seed, duration or rate.
    """
    sc = get_scenario(scenario)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValidationError("seed", f"must be a whole number >= 0, got {seed!r}")
    if duration_h is not None and not (0.1 <= float(duration_h) <= 16.0):
        raise ValidationError("duration_h", f"must be within 0.1-16 h, got {duration_h}")
    fs_leg = float(sc.leg_fs if leg_fs is None else leg_fs)
    if not (np.isfinite(fs_leg) and fs_leg == round(fs_leg) and 100 <= fs_leg <= 4096):
        raise ValidationError(
            "leg_fs", f"must be a whole number of Hz within 100-4096, got {leg_fs}"
        )
    rng = _rng(scenario, int(seed))
    hours = float(rng.uniform(*sc.duration_h)) if duration_h is None else float(duration_h)
    n_epochs = max(round(hours * 3600.0 / EPOCH_S), 1)
    duration = n_epochs * EPOCH_S
    day = dt.date(2024, 1, 1) + dt.timedelta(days=int(rng.integers(0, 366)))
    start = dt.datetime.combine(day, dt.time(21, 30)) + dt.timedelta(
        seconds=int(rng.integers(0, 150 * 60))
    )
    params: dict[str, Any] = {"duration_h": duration / 3600.0, "leg_fs": fs_leg}

    stages = simulate_stages(rng, n_epochs, sc)
    resp = breathing.simulate_respiratory_events(rng, stages, sc)
    mov, posture_end, plms_target = simulate_movements(rng, stages, resp, sc, duration)
    mov, gaps = fragment(rng, mov, sc)
    mov = drop_same_leg_overlaps(mov)
    # Truth times to the millisecond (below one sample at 512 Hz), as written to the CSV files.
    mov = mov.assign(
        onset=mov["onset"].round(3),
        duration=mov["duration"].round(3),
        amplitude_uv=mov["amplitude_uv"].round(2),
    )
    resp = resp.assign(onset=resp["onset"].round(3), duration=resp["duration"].round(3))
    params["plms_index_target"] = plms_target
    params["posture_changes"] = int(posture_end.size)

    # Arousals: spontaneous, after LMs (onset within 0.5 s) and at respiratory event ends.
    tst_h = float(np.isin(stages, ["N1", "N2", "N3", "R"]).sum()) * EPOCH_S / 3600.0
    spont = breathing.random_epoch_times(
        rng, stages, {"N1": 1.0, "N2": 1.0, "N3": 0.3, "R": 0.8},
        int(rng.poisson(sc.spontaneous_arousal_per_h * tst_h)),
    )  # fmt: skip
    lm_first = mov.drop_duplicates("onset")
    cause = lm_first[lm_first["kind"].isin(["periodic", "isolated"])]["onset"].to_numpy(float)
    cause = cause[rng.random(cause.size) < sc.lm_arousal_prob]
    lm_ar = cause + rng.uniform(-0.5, 0.5, cause.size)
    ends = (resp["onset"] + resp["duration"]).to_numpy(float)
    resp_ar = ends[rng.random(ends.size) < sc.resp_arousal_prob]
    resp_ar = resp_ar + rng.uniform(-1.0, 2.0, resp_ar.size)
    ar_on = np.concatenate([spont, lm_ar, resp_ar])
    ar_on = ar_on[breathing.is_sleep(stages, ar_on) & (ar_on > 0)]
    ar_du = breathing.arousal_duration(rng, ar_on.size)
    ar_on, ar_du = breathing.merge_arousals(ar_on, ar_du)
    keep = ar_on + ar_du < duration
    ar_on, ar_du = np.round(ar_on[keep], 3), np.round(ar_du[keep], 3)
    arousals = pd.DataFrame({"onset": ar_on, "duration": ar_du})

    artefacts = simulate_artefacts(rng, sc, stages, duration, mov, posture_end)
    mov = mov[~_hidden(mov, artefacts)].reset_index(drop=True)
    on = mov["onset"].to_numpy(float)
    near = np.zeros(on.size, dtype=bool)
    if ar_on.size:
        near = np.asarray((np.abs(on[:, None] - ar_on[None, :]) <= 0.5).any(axis=1), dtype=bool)
    mov = mov.assign(arousal=near)
    mov = mov.loc[:, list(MOVEMENT_COLUMNS)]

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
        data = _leg_signal(
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

    labels = [breathing.RESP_LABELS[k] for k in resp["kind"]] + ["Arousal"] * ar_on.size
    events = make_events(
        np.concatenate([resp["onset"].to_numpy(float), ar_on]),
        np.concatenate([resp["duration"].to_numpy(float), ar_du]),
        [*resp["kind"], *(["arousal"] * ar_on.size)],
        label=labels,
        source="simulated",
    )
    hyp = Hypnogram(tuple(str(s) for s in stages), epoch_length=EPOCH_S, source="simulated")
    return SimulatedNight(
        scenario=sc,
        seed=int(seed),
        start=start,
        signals=signals,
        hypnogram=hyp,
        events=events,
        movements=mov.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True),
        artefacts=artefacts,
        duration=duration,
        params=params,
    )
