"""Artefacts in the leg channels, drawn with their truth (what a scorer should exclude).

``movement_artefact``
    Cable/electrode motion during body movements: 100-400 µV RMS of 0.5-5 Hz swings for
    2-15 s, half of them at posture changes, the others in wake.
``electrode_pop``
    A sudden electrode-impedance change: a 200-800 µV step decaying with tau 50-200 ms (truth
    covers 1 s), at random times away from the leg's LMs.
``disconnected``
    An electrode off for minutes: ``flat`` (exactly 0 µV) or ``noise`` (open input picking up
    300-600 µV of mains and 50 µV of broadband noise).
``clipping``
    Amplifier saturation: samples stuck at the channel's physical limit for seconds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.simulate.breathing import random_epoch_times
from twitchscope.simulate.emg import band_noise
from twitchscope.simulate.scenarios import Scenario

LEG_LABELS = {"left": "Leg L", "right": "Leg R"}
ARTEFACT_KINDS = ("movement_artefact", "electrode_pop", "disconnected", "clipping")


def _clear(mov: pd.DataFrame, leg: str, t0: float, t1: float, margin: float) -> bool:
    m = mov[mov["leg"] == leg]
    on = m["onset"].to_numpy()
    end = on + m["duration"].to_numpy()
    return not bool(np.any((on < t1 + margin) & (end > t0 - margin)))


def simulate_artefacts(
    rng: np.random.Generator,
    sc: Scenario,
    stages: npt.NDArray[np.str_],
    duration: float,
    movements: pd.DataFrame,
    posture_end: npt.NDArray[np.float64],
) -> pd.DataFrame:
    """Draw the artefacts of the leg channels.

    Returns
    -------
    DataFrame
        ``channel`` (``Leg L``/``Leg R``), ``onset``, ``duration`` (s), ``kind`` (one of
        :data:`ARTEFACT_KINDS`), ``level`` (µV: RMS, step size or rail; sign = polarity), sorted.
    """
    rows: list[tuple[str, float, float, str, float]] = []
    hours = duration / 3600.0
    n_mov = int(rng.poisson(sc.movement_artefacts_per_h * hours))
    at_posture = (
        posture_end[rng.random(posture_end.size) < 0.5] if posture_end.size else posture_end
    )
    wake_t = random_epoch_times(rng, stages, {"W": 1.0}, max(n_mov - at_posture.size, 0))
    for i, t in enumerate(np.concatenate([at_posture, wake_t])):
        d = float(rng.uniform(2.0, 15.0))
        t0 = float(t) - (d if i < at_posture.size else 0.0)  # posture: during the movement
        t0 = max(t0, 0.0)
        if t0 + d >= duration:
            continue
        legs = ["left", "right"] if rng.random() < 0.6 else [str(rng.choice(["left", "right"]))]
        lvl = float(rng.uniform(100.0, 400.0))
        for leg in legs:
            rows.append((LEG_LABELS[leg], t0, d, "movement_artefact", lvl))
    lm_on = movements["onset"].to_numpy(float)
    lm_du = movements["duration"].to_numpy(float)
    lm_leg = movements["leg"].to_numpy()
    for t in rng.uniform(60.0, duration - 60.0, int(rng.poisson(sc.electrode_pops_per_h * hours))):
        leg = str(rng.choice(["left", "right"]))
        sign = rng.choice([-1.0, 1.0])
        if lm_on.size and rng.random() < sc.pop_in_lm_share:
            # pops do not wait for a quiet moment: this one lands inside a true LM
            k = int(rng.integers(lm_on.size))
            t0 = float(lm_on[k] + rng.uniform(0.0, max(lm_du[k] - 0.1, 0.05)))
            if t0 + 1.0 < duration:
                rows.append(
                    (LEG_LABELS[str(lm_leg[k])], t0, 1.0, "electrode_pop",
                     sign * rng.uniform(200, 800))
                )  # fmt: skip
        elif _clear(movements, leg, float(t), float(t) + 1.0, 3.0):
            rows.append(
                (LEG_LABELS[leg], float(t), 1.0, "electrode_pop", sign * rng.uniform(200, 800))
            )
    # brief cable motion starting inside an LM (the leg's movement tugs the lead)
    moving = movements[~movements["kind"].isin(["posture"])] if len(movements) else movements
    hit = rng.random(len(moving)) < sc.lm_artefact_prob
    for on, du, leg in zip(
        moving["onset"][hit], moving["duration"][hit], moving["leg"][hit], strict=True
    ):
        t0 = float(on) + float(rng.uniform(0.0, float(du) / 2))
        d = float(rng.uniform(0.5, 2.0))
        if t0 + d < duration:
            rows.append(
                (LEG_LABELS[str(leg)], t0, d, "movement_artefact", float(rng.uniform(60, 200)))
            )
    if sc.disconnected_min[1] > 0:
        d = float(rng.uniform(*sc.disconnected_min)) * 60.0
        t0 = float(rng.uniform(0.2, 0.8) * (duration - d))
        lvl = 0.0 if sc.disconnected_mode == "flat" else float(rng.uniform(300.0, 600.0))
        rows.append((LEG_LABELS[str(rng.choice(["left", "right"]))], t0, d, "disconnected", lvl))
    if sc.clipping_s[1] > 0:
        d = float(rng.uniform(*sc.clipping_s))
        t0 = float(rng.uniform(0.1, 0.9) * (duration - d))
        rows.append(
            (
                LEG_LABELS[str(rng.choice(["left", "right"]))],
                t0,
                d,
                "clipping",
                float(rng.choice([-1, 1])),
            )
        )
    df = pd.DataFrame(rows, columns=["channel", "onset", "duration", "kind", "level"])
    return df.sort_values(["onset", "channel"], kind="stable").reset_index(drop=True)


def apply_artefacts(
    rng: np.random.Generator,
    data: npt.NDArray[np.float32],
    fs: float,
    artefacts: pd.DataFrame,
    limit: float,
    mains_hz: float,
) -> None:
    """Impose the artefacts of one channel on ``data`` (µV) in place; ``limit`` is the rail."""
    n = data.size
    for on, du, kind, lvl in zip(
        artefacts["onset"],
        artefacts["duration"],
        artefacts["kind"],
        artefacts["level"],
        strict=True,
    ):  # loop over artefacts (a handful), each a slice operation
        i0, i1 = max(int(on * fs), 0), min(int(np.ceil((on + du) * fs)), n)
        m = i1 - i0
        if m <= 0:
            continue
        if kind == "movement_artefact":
            taper = np.sin(np.pi * np.arange(m) / m) ** 0.5
            data[i0:i1] += (lvl * taper * band_noise(rng, m, fs, (0.5, 5.0), order=2)).astype(
                np.float32
            )
            data[i0:i1] += (0.2 * lvl * taper * band_noise(rng, m, fs, (5.0, 90.0))).astype(
                np.float32
            )
        elif kind == "electrode_pop":
            tau = rng.uniform(0.05, 0.2)
            data[i0:i1] += (lvl * np.exp(-np.arange(m) / (tau * fs))).astype(np.float32)
        elif kind == "disconnected":
            if lvl == 0.0:
                data[i0:i1] = 0.0
            else:
                t = np.arange(m) / fs
                hum = lvl * np.sin(2 * np.pi * mains_hz * t + rng.uniform(0, 6.28))
                data[i0:i1] = (hum + 50.0 * rng.standard_normal(m)).astype(np.float32)
        elif kind == "clipping":
            data[i0:i1] = np.float32(np.sign(lvl) * limit)
    np.clip(data, -limit, limit, out=data)
