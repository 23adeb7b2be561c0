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
from twitchscope.simulate import breathing
from twitchscope.simulate.artefacts import LEG_LABELS, simulate_artefacts
from twitchscope.simulate.hypnogram import EPOCH_S, simulate_stages
from twitchscope.simulate.injectors import InjectionContext, inject
from twitchscope.simulate.movements import drop_same_leg_overlaps, fragment, simulate_movements
from twitchscope.simulate.scenarios import Scenario, get_scenario
from twitchscope.simulate.signals import CHANNELS, LEG_LIMIT_UV, synthesize_signals

__all__ = ["CHANNELS", "LEG_LIMIT_UV", "SimulatedNight", "simulate_night"]

if TYPE_CHECKING:
    from twitchscope.simulate.writer import SimulationFiles


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
    twitches : truth of the other twitch kinds when injected
        (:func:`twitchscope.simulate.twitch_kinds.add_twitch_kinds`), else None.
    other_activity : non-LM activity in the leg EMG (twitches, effort bursts, tonic rises at
        arousals; :mod:`twitchscope.simulate.injectors`): ``leg``, ``onset``, ``duration``,
        ``amplitude_uv``, ``kind``, ``shape``. None of it is a leg movement.
    recording_gaps : pauses of the recording (EDF+D): ``onset``, ``duration`` in whole seconds;
        every signal is NaN there and nothing in them is in the truth tables.
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
    twitches: pd.DataFrame | None = None
    other_activity: pd.DataFrame = field(default_factory=lambda: _empty_other())
    recording_gaps: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"onset": [], "duration": []})
    )

    def write(self, path: str | Path, format: Literal["edf", "bdf"] = "edf") -> SimulationFiles:
        """Write the recording (EDF+C or BDF+C) and the truth files beside it; see
        :func:`twitchscope.simulate.writer.write_night`."""
        from twitchscope.simulate.writer import write_night

        return write_night(self, path, format)


def _empty_other() -> pd.DataFrame:
    from twitchscope.simulate.injectors import empty_other

    return empty_other()


def _recording_gaps(
    rng: np.random.Generator, sc: Scenario, stages: npt.NDArray[np.str_], duration: float
) -> pd.DataFrame:
    """Pauses of the recording (EDF+D), whole seconds, in wake where the night has wake."""
    lo, hi = sc.recording_gaps
    n = int(rng.integers(lo, hi + 1)) if hi > 0 else 0
    on: list[float] = []
    du: list[float] = []
    asleep = np.flatnonzero(breathing.is_sleep(stages, (np.arange(stages.size) + 0.5) * EPOCH_S))
    inside = stages.copy()
    if asleep.size:  # pauses happen after sleep onset and before the final awakening
        inside[: asleep[0]] = "X"
        inside[asleep[-1] + 1 :] = "X"
    for t in breathing.random_epoch_times(rng, inside, {"W": 20.0, "N1": 1.0, "N2": 1.0}, n):
        d = float(np.round(rng.uniform(*sc.recording_gap_s)))
        t0 = float(np.floor(t))
        if t0 < 120.0 or t0 + d > duration - 120.0:
            continue
        if any(t0 < b + e + 60.0 and t0 + d + 60.0 > b for b, e in zip(on, du, strict=True)):
            continue
        on.append(t0)
        du.append(d)
    return pd.DataFrame({"onset": np.asarray(on, float), "duration": np.asarray(du, float)})


def _outside(df: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``df`` (``onset``, ``duration``) that do not overlap a recording gap."""
    if gaps.empty or df.empty:
        return df
    on = df["onset"].to_numpy(float)
    end = on + df["duration"].to_numpy(float)
    g0 = gaps["onset"].to_numpy(float)
    g1 = g0 + gaps["duration"].to_numpy(float)
    hit = ((on[:, None] < g1[None, :]) & (end[:, None] > g0[None, :])).any(axis=1)
    return df[~hit].reset_index(drop=True)


def _rng(scenario: str, seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(scenario.encode())]))


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
    with_signals: bool = True,
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
    with_signals : bool
        False draws only the truth (stages, events, movements, artefacts; identical to the
        truth of the full night with the same arguments) and leaves ``signals`` empty: fast,
        for checks of the truth over many nights. Such a night cannot be written.

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
    drawn_fs = float(rng.choice(sc.leg_fs_choices)) if sc.leg_fs_choices else float(sc.leg_fs)
    if leg_fs is None:
        fs_leg = drawn_fs
    mains_hz = float(rng.choice(sc.mains_hz_choices)) if sc.mains_hz_choices else sc.mains_hz
    # EMG and ECG channels recorded at the leg's rate in the scenario follow the drawn rate.
    rates = {
        key: (fs_leg if float(getattr(sc, f"{key}_fs")) == float(sc.leg_fs) else
              float(getattr(sc, f"{key}_fs")))
        for key in ("eeg", "chin", "ecg")
    }  # fmt: skip
    params: dict[str, Any] = {
        "duration_h": duration / 3600.0, "leg_fs": fs_leg, "mains_hz": mains_hz,
    }  # fmt: skip

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

    # Other activity of the leg EMG (twitches, effort bursts, tonic rises): never an LM.
    ctx = InjectionContext(rng, sc, stages, duration, mov, resp, arousals)
    other, extra_lms, dropped = inject(ctx)
    if len(extra_lms):
        extra = extra_lms.assign(fragmented=False, series=-1, arousal=False)
        mov = pd.concat([mov, extra], ignore_index=True)
        mov = mov.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)
    params["other_activity_dropped"] = dropped
    params["other_activity"] = {
        str(k): int(v) for k, v in other["kind"].value_counts().sort_index().items()
    }

    # Recording pauses (EDF+D): nothing in them is recorded, so nothing in them is truth.
    rec_gaps = _recording_gaps(rng, sc, stages, duration)
    mov = _outside(mov, rec_gaps)
    other = _outside(other, rec_gaps)
    artefacts = _outside(artefacts, rec_gaps)
    params["recording_gaps_s"] = [float(d) for d in rec_gaps["duration"]]
    mov = mov.loc[:, list(MOVEMENT_COLUMNS)]

    signals: dict[str, Signal] = {}
    if with_signals:
        signals = synthesize_signals(
            rng, sc, stages, resp, arousals, mov, gaps, posture_end, artefacts, duration, fs_leg,
            params, other, mains_hz, rates,
        )  # fmt: skip
        _blank_gaps(signals, rec_gaps)
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
        other_activity=other,
        recording_gaps=rec_gaps,
    )


def _blank_gaps(signals: dict[str, Signal], gaps: pd.DataFrame) -> None:
    """Set every signal to NaN inside the recording pauses (whole seconds)."""
    for s in signals.values():
        for on, du in zip(gaps["onset"], gaps["duration"], strict=True):  # a pause or two
            i0 = round(float(on) * s.fs)
            s.data[i0 : i0 + round(float(du) * s.fs)] = np.nan
