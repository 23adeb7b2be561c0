"""Timing of respiratory events (apnoeas, hypopnoeas) and of arousals.

Respiratory events occur in sleep, in runs: in OSA one event follows another after a recovery
of 10-30 s (AASM; the "periodic breathing" of OSA), more often in N1/N2 and REM than in N3.
Event durations are log-normal with median 20 s, clipped to 10-60 s (AASM: >= 10 s; typical
OSA events last 15-30 s). Arousals last 3-15 s (AASM: >= 3 s), log-normal median 6 s.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.simulate.hypnogram import EPOCH_S
from twitchscope.simulate.scenarios import Scenario

RESP_KINDS = ("obstructive_apnea", "central_apnea", "hypopnea")
RESP_LABELS = {
    "obstructive_apnea": "Obstructive Apnea",
    "central_apnea": "Central Apnea",
    "hypopnea": "Hypopnea",
    "arousal": "Arousal",
}
# Relative chance of a respiratory event per epoch of each stage: fewer in N3, more in REM.
_RESP_STAGE_WEIGHT = {"W": 0.0, "N1": 1.3, "N2": 1.0, "N3": 0.25, "R": 1.6}


def stage_of(stages: npt.NDArray[np.str_], t: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Stage at times ``t`` (s); ``W`` outside the night."""
    idx = np.floor(np.asarray(t, dtype=float) / EPOCH_S).astype(np.int64)
    ok = (idx >= 0) & (idx < stages.size)
    out = np.full(idx.shape, "W", dtype="<U2")
    out[ok] = stages[idx[ok]]
    return out


def is_sleep(stages: npt.NDArray[np.str_], t: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where the stage at time ``t`` (s) is a sleep stage."""
    return np.isin(stage_of(stages, t), ["N1", "N2", "N3", "R"])


def random_epoch_times(
    rng: np.random.Generator, stages: npt.NDArray[np.str_], weights: dict[str, float], n: int
) -> npt.NDArray[np.float64]:
    """``n`` random times (s) in epochs drawn with per-stage ``weights``, sorted."""
    w = np.array([weights.get(str(s), 0.0) for s in stages], dtype=float)
    if n <= 0 or w.sum() <= 0:
        return np.zeros(0)
    ep = rng.choice(stages.size, size=n, p=w / w.sum())
    return np.sort((ep + rng.random(n)) * EPOCH_S)


def simulate_respiratory_events(
    rng: np.random.Generator, stages: npt.NDArray[np.str_], sc: Scenario
) -> pd.DataFrame:
    """Draw apnoeas and hypopnoeas for a night.

    Returns
    -------
    DataFrame
        Columns ``onset``, ``duration`` (s) and ``kind`` (one of :data:`RESP_KINDS`), sorted,
        non-overlapping, each event wholly in sleep. Their count is the drawn AHI times the total
        sleep time (or fewer when sleep leaves no room).
    """
    tst_h = float(np.isin(stages, ["N1", "N2", "N3", "R"]).sum()) * EPOCH_S / 3600.0
    ahi = rng.uniform(*sc.ahi)
    target = round(ahi * tst_h)
    # Mean run length grows with AHI: isolated events at low AHI, runs of ~8 in severe OSA.
    run_mean = 1.0 + ahi / 4.0
    onsets: list[float] = []
    durs: list[float] = []
    tries = 0
    while len(onsets) < target and tries < 50 * max(target, 1):
        tries += 1
        start = random_epoch_times(rng, stages, _RESP_STAGE_WEIGHT, 1)
        if start.size == 0:
            break
        t = float(start[0])
        run = int(rng.geometric(1.0 / run_mean))
        for _ in range(run):
            d = float(np.clip(rng.lognormal(np.log(20.0), 0.35), 10.0, 60.0))
            end = t + d
            if not (is_sleep(stages, [t, t + d / 2, end]).all()):
                break
            on_a, du_a = np.asarray(onsets), np.asarray(durs)
            if on_a.size and np.any((on_a < end + 8.0) & (on_a + du_a > t - 8.0)):
                break
            onsets.append(t)
            durs.append(d)
            if len(onsets) >= target:
                break
            t = end + float(rng.uniform(10.0, 30.0))  # recovery breathing before the next
    w = np.asarray(sc.resp_kind_weights, dtype=float)
    kinds = rng.choice(len(RESP_KINDS), size=len(onsets), p=w / w.sum())
    df = pd.DataFrame(
        {
            "onset": np.asarray(onsets, dtype=float),
            "duration": np.asarray(durs, dtype=float),
            "kind": [RESP_KINDS[k] for k in kinds],
        }
    )
    return df.sort_values("onset", kind="stable").reset_index(drop=True)


def arousal_duration(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    """Arousal durations (s): log-normal median 6 s, clipped to 3-15 s (AASM >= 3 s)."""
    return np.clip(rng.lognormal(np.log(6.0), 0.4, size=n), 3.0, 15.0)


def merge_arousals(
    onset: npt.NDArray[np.float64], duration: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Drop arousals that start before the previous kept one ends (+10 s of sleep, AASM)."""
    order = np.argsort(onset, kind="stable")
    on, du = onset[order], duration[order]
    keep = np.zeros(on.size, dtype=bool)
    last_end = -np.inf
    for i in range(on.size):  # loop over events (hundreds), not samples
        if on[i] >= last_end + 10.0:
            keep[i] = True
            last_end = on[i] + du[i]
    return on[keep], du[keep]
