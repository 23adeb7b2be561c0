"""Timing, duration, laterality and amplitude of the true leg movements (LMs) of a night.

Kinds of LM drawn (the ``kind`` column of the truth):

``periodic``
    LMs of PLM series. Series start mostly in N1/N2 (Pollmaecher 1993: per-epoch weights N1 2.0,
    N2 1.0, N3 0.35, R 0.3, declining over the night); lengths log-normal around the scenario's
    median (min 4, WASM 2016). Inter-movement intervals (IMI, onset to onset) are a mixture
    shaped like the RLS histograms of Ferri 2006 / WASM 2016: 80 % log-normal centred at 24 s
    (most 15-40 s), 10 % 10-15 s, 7 % 60-88 s, and 3 % outside 10-90 s (4-9.5 s or 92-130 s),
    which break series as in real nights. Durations log-normal median 1.8 s (0.6-9.5 s).
``isolated``
    Non-periodic LMs in sleep, kept > 90 s from other movements where there is room.
``wake``
    LMs in wake: log-normal median 4 s, about 15 % longer than 10 s (non-candidates).
``posture``
    Posture changes: a long (4-25 s) bilateral movement, after which the resting EMG steps.
``respiratory``
    LMs at the end of apnoeas/hypopnoeas: onset 1 s before to 3 s after the event end (the
    other leg within 0.8 s more)
    (Manconi 2014; WASM window -2 s .. +10.25 s).
``hypnic``
    Hypnic jerks at wake-to-sleep transitions: 0.6-0.95 s, large, mostly bilateral.

Bilateral LMs have the second leg's onset within 0.8 s of the first, so they overlap or follow
each other by < 0.5 s (one bilateral LM under WASM 2016 and AASM).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.simulate.breathing import is_sleep, random_epoch_times, stage_of
from twitchscope.simulate.hypnogram import EPOCH_S
from twitchscope.simulate.scenarios import Scenario

#: Shortest true LM (s). WASM 2016 / AASM need >= 0.5 s, measured from the rise of 8 µV above
#: rest to the fall within 2 µV of it, so an envelope lasting exactly 0.5 s, rise and fall
#: included, is shorter than that by the WASM measure: whether it is an LM depends on its
#: rise time. No truth LM lies in that ambiguous band (and no non-LM burst reaches 0.4 s,
#: :mod:`twitchscope.simulate.injectors`), so the truth says exactly what is an LM.
MIN_LM_S = 0.6
#: Minimum rest between two LMs of the same leg (s); WASM merges bursts closer than 0.5 s.
MIN_SAME_LEG_GAP_S = 0.7
_SERIES_STAGE_WEIGHT = {"W": 0.0, "N1": 2.0, "N2": 1.0, "N3": 0.35, "R": 0.3}
_SLEEP_WEIGHT = {"W": 0.0, "N1": 1.0, "N2": 1.0, "N3": 1.0, "R": 1.0}


@dataclass
class _Rows:
    """Accumulates single-leg LM rows (combined-event bookkeeping in ``busy``)."""

    leg: list[str]
    onset: list[float]
    duration: list[float]
    amplitude: list[float]
    kind: list[str]
    series: list[int]

    def add(self, leg: str, onset: float, dur: float, amp: float, kind: str, series: int) -> None:
        self.leg.append(leg)
        self.onset.append(onset)
        self.duration.append(dur)
        self.amplitude.append(amp)
        self.kind.append(kind)
        self.series.append(series)


def _legs(rng: np.random.Generator, mode: str, i: int, side: str) -> list[str]:
    """Legs moving at event ``i`` of a series with laterality ``mode``."""
    other = "right" if side == "left" else "left"
    r = rng.random()
    if mode == "bilateral":
        return ["left", "right"] if r < 0.9 else [side if r < 0.95 else other]
    if mode == "alternating":
        return ["left", "right"] if r < 0.15 else [side if i % 2 == 0 else other]
    if mode == "one-sided":
        return ["left", "right"] if r < 0.1 else [side]
    return ["left", "right"] if r < 0.4 else (["left"] if r < 0.7 else ["right"])


def _event(
    rng: np.random.Generator,
    rows: _Rows,
    legs: list[str],
    t: float,
    dur: float,
    amp: float,
    kind: str,
    series: int,
    lo: float,
    hi: float,
) -> None:
    """Add one (uni- or bilateral) movement starting at ``t``; leg details jittered."""
    for j, leg in enumerate(legs):
        off = float(rng.uniform(-0.8, 0.8)) if j > 0 else 0.0
        d = float(np.clip(dur * rng.lognormal(0.0, 0.25), MIN_LM_S, max(dur * 1.6, MIN_LM_S)))
        if kind == "hypnic":
            d = min(d, 0.95)
        elif kind not in ("wake", "posture"):
            d = min(d, 9.5)
        a = float(np.clip(amp * rng.lognormal(0.0, 0.25), lo, hi))
        rows.add(leg, max(t + off, 0.0), d, a, kind, series)


def _imis(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    """``n`` inter-movement intervals (s) from the mixture described in the module docstring."""
    comp = rng.choice(4, size=n, p=[0.80, 0.10, 0.07, 0.03])
    main = np.clip(rng.lognormal(np.log(24.0), 0.28, size=n), 15.0, 59.0)
    short = rng.uniform(10.5, 15.0, size=n)
    long = rng.uniform(60.0, 88.0, size=n)
    out_ = np.where(rng.random(n) < 0.6, rng.uniform(4.0, 9.5, size=n), rng.uniform(92, 130, n))
    return np.choose(comp, [main, short, long, out_]).astype(float)


def _free(busy: list[tuple[float, float]], t0: float, t1: float, margin: float) -> bool:
    """True when ``[t0, t1]`` stays ``margin`` s clear of every busy interval."""
    if not busy:
        return True
    b = np.asarray(busy)
    return not bool(np.any((b[:, 0] < t1 + margin) & (b[:, 1] > t0 - margin)))


def simulate_movements(
    rng: np.random.Generator,
    stages: npt.NDArray[np.str_],
    resp: pd.DataFrame,
    sc: Scenario,
    duration: float,
) -> tuple[pd.DataFrame, npt.NDArray[np.float64], float]:
    """Draw the true LMs of a night.

    Parameters
    ----------
    rng : numpy Generator
    stages : ndarray of str
        One stage per 30 s epoch.
    resp : DataFrame
        Respiratory events (``onset``, ``duration``, ``kind``); some get an LM at their end.
    sc : Scenario
    duration : float
        Night length in seconds.

    Returns
    -------
    movements : DataFrame
        One row per single-leg LM: ``leg``, ``onset``, ``duration`` (s), ``amplitude_uv``,
        ``kind``, ``series`` (series id or -1), sorted by onset. Fragmentation is added later.
    posture_times : ndarray
        End time (s) of each posture change (where the resting EMG steps).
    plms_target : float
        The PLMS index the periodic series were drawn to reach (per hour of sleep).
    """
    rows = _Rows([], [], [], [], [], [])
    busy: list[tuple[float, float]] = []  # combined movement spans, both legs
    lo_a, hi_a = sc.lm_amplitude_uv
    sleep = np.isin(stages, ["N1", "N2", "N3", "R"])
    tst_h = float(sleep.sum()) * EPOCH_S / 3600.0
    hours = duration / 3600.0

    def amp() -> float:
        return float(np.exp(rng.uniform(np.log(lo_a), np.log(hi_a))))

    # Posture changes: preferably in wake epochs inside the night (brief awakenings).
    n_post = int(rng.poisson(sc.posture_per_h * hours))
    post_t = random_epoch_times(rng, stages, {"W": 6.0, "N1": 1.0, "N2": 0.3, "R": 0.3}, n_post)
    posture_end: list[float] = []
    for t in post_t:
        d = float(np.clip(rng.lognormal(np.log(9.0), 0.4), 4.0, 25.0))
        if t + d + 1 < duration and _free(busy, t, t + d, 5.0):
            _event(rng, rows, ["left", "right"], t, d, 2.5 * hi_a, "posture", -1, lo_a, 4 * hi_a)
            busy.append((t - 1.0, t + d + 1.0))
            posture_end.append(t + d)

    # Respiratory-related LMs at event ends.
    for end in (resp["onset"] + resp["duration"]).to_numpy():
        if rng.random() < sc.resp_lm_prob:
            t = float(end + rng.uniform(-1.0, 3.0))
            d = float(np.clip(rng.lognormal(np.log(2.0), 0.45), MIN_LM_S, 8.0))
            if t + d < duration and _free(busy, t, t + d, 1.0):
                legs = (
                    ["left", "right"]
                    if rng.random() < 0.6
                    else [str(rng.choice(["left", "right"]))]
                )
                _event(rng, rows, legs, t, d, amp(), "respiratory", -1, lo_a, hi_a)
                busy.append((t - 1.0, t + d + 1.0))

    # Periodic series until the drawn PLMS index is reached.
    plms_target = float(rng.uniform(*sc.plms_index))
    target = plms_target * tst_h
    n_sleep_periodic, sid, tries = 0, 0, 0
    modes = ("bilateral", "alternating", "one-sided", "mixed")
    lw = np.asarray(sc.laterality_weights, dtype=float)
    while n_sleep_periodic < target and tries < 2000:
        tries += 1
        t0 = random_epoch_times(rng, stages, _SERIES_STAGE_WEIGHT, 1)
        if t0.size == 0:
            break
        # PLMS decline across the night (Pollmaecher 1993): accept late starts less often.
        if rng.random() > 1.2 - 0.6 * float(t0[0]) / duration:
            continue
        length = int(np.clip(round(rng.lognormal(np.log(sc.series_len_median), 0.7)), 4, 250))
        length = min(length, max(4, round(target - n_sleep_periodic) + 2))
        times = float(t0[0]) + np.concatenate([[0.0], np.cumsum(_imis(rng, length - 1))])
        st = stage_of(stages, times)
        rem_start = st[0] == "R"
        bad = (st == "W") | ((st == "R") != rem_start) | (times > duration - 15.0)
        if bad.any():
            times = times[: int(np.argmax(bad))]
        base_dur = float(np.clip(rng.lognormal(np.log(1.8), 0.45), 0.6, 6.0))
        base_amp = amp()
        keep: list[float] = []
        for t in times:
            if not _free(busy, t, t + 10.0, 1.5):
                break
            keep.append(float(t))
        if len(keep) < 4:
            continue
        mode = modes[int(rng.choice(4, p=lw / lw.sum()))]
        side = "left" if rng.random() < 0.5 else "right"
        for i, t in enumerate(keep):
            d = float(np.clip(base_dur * rng.lognormal(0.0, 0.35), MIN_LM_S, 9.5))
            _event(
                rng, rows, _legs(rng, mode, i, side), t, d, base_amp, "periodic", sid, lo_a, hi_a
            )
        busy.append((keep[0] - 1.0, keep[-1] + 11.0))
        n_sleep_periodic += len(keep)
        sid += 1

    # Isolated LMs in sleep, away from other movements where possible.
    for t in random_epoch_times(
        rng, stages, _SLEEP_WEIGHT, int(rng.poisson(sc.isolated_per_h * tst_h))
    ):
        d = float(np.clip(rng.lognormal(np.log(1.5), 0.5), MIN_LM_S, 9.0))
        if _free(busy, t, t + d, 92.0) and t + d < duration:
            legs = ["left", "right"] if rng.random() < 0.3 else [str(rng.choice(["left", "right"]))]
            _event(rng, rows, legs, float(t), d, amp(), "isolated", -1, lo_a, hi_a)
            busy.append((t, t + d))

    # Wake LMs (after lights out: wake epochs anywhere), larger and longer.
    wake_h = float((stages == "W").sum()) * EPOCH_S / 3600.0
    for t in random_epoch_times(
        rng, stages, {"W": 1.0}, int(rng.poisson(sc.wake_lm_per_h * wake_h))
    ):
        d = float(np.clip(rng.lognormal(np.log(4.0), 0.9), 0.6, 40.0))
        if _free(busy, t, t + d, 2.0) and t + d < duration - 1:
            legs = ["left", "right"] if rng.random() < 0.5 else [str(rng.choice(["left", "right"]))]
            _event(rng, rows, legs, float(t), d, 1.5 * amp(), "wake", -1, lo_a, 3 * hi_a)
            busy.append((t - 1.0, t + d + 1.0))

    # Hypnic jerks at wake -> sleep transitions.
    onsets = np.flatnonzero((stages[:-1] == "W") & sleep[1:]) + 1
    for ep in onsets:
        if rng.random() < sc.hypnic_jerk_prob:
            t = float(ep * EPOCH_S + rng.uniform(0.0, 20.0))
            d = float(rng.uniform(MIN_LM_S, 0.95))
            if _free(busy, t, t + d, 3.0):
                legs = (
                    ["left", "right"]
                    if rng.random() < 0.7
                    else [str(rng.choice(["left", "right"]))]
                )
                _event(rng, rows, legs, t, d, 2.0 * hi_a, "hypnic", -1, lo_a, 3 * hi_a)
                busy.append((t - 1.0, t + d + 1.0))

    df = pd.DataFrame(
        {
            "leg": pd.Series(rows.leg, dtype=object),
            "onset": np.asarray(rows.onset, dtype=float),
            "duration": np.asarray(rows.duration, dtype=float),
            "amplitude_uv": np.asarray(rows.amplitude, dtype=float),
            "kind": pd.Series(rows.kind, dtype=object),
            "series": np.asarray(rows.series, dtype=np.int64),
        }
    )
    df = df[df["onset"] + df["duration"] < duration - 0.5]
    return (
        df.sort_values("onset", kind="stable").reset_index(drop=True),
        np.asarray(posture_end, dtype=float),
        plms_target,
    )


def fragment(
    rng: np.random.Generator, df: pd.DataFrame, sc: Scenario
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add short inner gaps (one LM) and long gaps (two LMs) to some movements.

    A movement of >= 1.2 s is fragmented with probability ``sc.fragment_prob``: 1-2 gaps of
    0.1-0.35 s of rest inside it (WASM 2016: bursts < 0.5 s apart are one LM). With probability
    ``sc.split_prob`` a movement is followed, after 0.8-1.5 s of rest, by a second LM of
    0.6-2 s on the same leg (two LMs in the truth; the second is not part of a series).

    Returns
    -------
    movements : DataFrame
        With the new column ``fragmented`` and the added second parts, sorted by onset.
    gaps : DataFrame
        ``leg``, ``start``, ``end`` (s) of the rest stretches inside fragmented LMs.
    """
    n = len(df)
    frag = (rng.random(n) < sc.fragment_prob) & (df["duration"].to_numpy() >= 1.2)
    g_leg: list[str] = []
    g_start: list[float] = []
    g_end: list[float] = []
    onsets = df["onset"].to_numpy(dtype=float)
    durs = df["duration"].to_numpy(dtype=float)
    legs = df["leg"].to_numpy()
    for i in np.flatnonzero(frag):
        on, du = float(onsets[i]), float(durs[i])
        for _ in range(1 if du < 3.0 else int(rng.integers(1, 3))):
            g = float(rng.uniform(0.1, 0.35))
            s = float(rng.uniform(on + 0.3, on + du - 0.4 - g))
            g_leg.append(str(legs[i]))
            g_start.append(s)
            g_end.append(s + g)
    out = df.assign(fragmented=frag)
    can_split = ~df["kind"].isin(["hypnic", "posture"]).to_numpy()
    split = np.flatnonzero((rng.random(n) < sc.split_prob) & can_split)
    if split.size:
        extra = out.iloc[split].copy()
        extra["onset"] = (out["onset"] + out["duration"]).to_numpy()[split] + rng.uniform(
            0.8, 1.5, split.size
        )
        extra["duration"] = rng.uniform(MIN_LM_S, 2.0, split.size)
        extra["series"] = -1
        extra["fragmented"] = False
        out = pd.concat([out, extra], ignore_index=True)
    gaps = pd.DataFrame({"leg": g_leg, "start": g_start, "end": g_end})
    return out.sort_values("onset", kind="stable").reset_index(drop=True), gaps


def drop_same_leg_overlaps(df: pd.DataFrame) -> pd.DataFrame:
    """Remove LMs that start less than :data:`MIN_SAME_LEG_GAP_S` after the previous one ends."""
    keep = np.ones(len(df), dtype=bool)
    onsets = df["onset"].to_numpy(dtype=float)
    durs = df["duration"].to_numpy(dtype=float)
    for leg in ("left", "right"):
        idx = np.flatnonzero(df["leg"].to_numpy() == leg)
        last_end = -np.inf
        for i in idx:  # loop over movements (hundreds to thousands), not samples
            if onsets[i] < last_end + MIN_SAME_LEG_GAP_S:
                keep[i] = False
            else:
                last_end = float(onsets[i] + durs[i])
    return df[keep].reset_index(drop=True)


def in_sleep(stages: npt.NDArray[np.str_], t: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where ``t`` (s) falls in a sleep epoch (re-exported helper for tests)."""
    return is_sleep(stages, t)
