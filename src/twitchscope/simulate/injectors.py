"""Other activity in the leg EMG besides the true leg movements: pluggable event injectors.

Real leg EMG is full of activity that is *not* a leg movement (LM) by the WASM 2016 / AASM
definitions, and a detector has to leave it alone. An *injector* draws one kind of such activity
for a night; :func:`inject` runs every registered injector in order, keeps the truth exact (see
below) and returns one table, which :mod:`twitchscope.simulate.signals` draws into the leg
channels and :mod:`twitchscope.simulate.writer` writes to ``night.truth_other.csv``.

Built-in injectors (registered in this order):

``twitch``
    Fragmentary, myoclonus-like twitches: single bursts of 0.05-0.4 s, 8-120 µV, at per-stage
    rates (most in REM, then N1/N2; AASM 2.6 "excessive fragmentary myoclonus" when >= 5/min).
``effort_burst``
    Brief bursts (0.15-0.4 s) with the last breathing efforts of obstructive events, one per
    effort every 2.5-5 s.
``arousal_emg``
    A tonic rise of the leg EMG (1.2-3.5 µV RMS above rest, i.e. at most ~4.4 µV in the
    detector's amplitude, below the 8 µV onset threshold) for 3-12 s with arousals at the end of
    respiratory events.

Adding an injector (other twitch kinds, e.g. ALMA or hypnagogic foot tremor)::

    from twitchscope.simulate.injectors import register_injector

    def alma(ctx):  # ctx: InjectionContext
        ...
        return rows  # DataFrame with the columns OTHER_COLUMNS (``lm`` optional)

    register_injector("alma", alma)

An injector returns rows with the columns :data:`OTHER_COLUMNS`: ``leg`` (``left``/``right``),
``onset``, ``duration`` (s), ``amplitude_uv`` (peak RMS above rest, µV), ``kind`` (free text,
e.g. ``"alma"``) and ``shape`` (``"burst"``: an EMG burst shaped like an LM's; ``"tonic"``: a
smooth rise of the EMG level with 0.5 s ramps). Rows with ``lm`` True are leg movements by the
WASM definitions (>= 0.5 s, >= 8 µV) and join the truth LMs (``kind`` as given, no series);
every other row must not be an LM, and :func:`inject` makes sure of it:

- a burst must last < 0.5 s and a tonic rise stay below 4.0 µV RMS (5 µV amplitude);
- every row keeps :data:`CLEARANCE_S` (0.7 s: more than the 0.5 s within which WASM joins
  bursts of one leg into one LM) from every LM and every other kept row of its leg, so no
  joining can turn two twitches into one LM or lengthen an LM;

rows breaking these rules are dropped (in the order the injectors ran) and counted in the
night's parameters, never silently turned into a wrong truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.simulate.breathing import random_epoch_times
from twitchscope.simulate.hypnogram import EPOCH_S
from twitchscope.simulate.scenarios import Scenario

#: Columns of an injector's rows (and of ``night.other_activity``); ``lm`` is optional input.
OTHER_COLUMNS: Final[tuple[str, ...]] = (
    "leg", "onset", "duration", "amplitude_uv", "kind", "shape",
)  # fmt: skip
#: Gap (s) every non-LM row keeps from any other activity of its leg (WASM joins < 0.5 s).
CLEARANCE_S: Final[float] = 0.7
#: Longest non-LM burst (s, exclusive): WASM 2016 and AASM need >= 0.5 s for an LM.
MAX_BURST_S: Final[float] = 0.5
#: Highest tonic rise (µV RMS above rest): x1.25 = 5 µV in the detector's amplitude, < 8 µV.
MAX_TONIC_UV: Final[float] = 4.0
_STAGES = ("W", "N1", "N2", "N3", "R")


@dataclass(frozen=True)
class InjectionContext:
    """What an injector may look at (read-only by convention).

    Attributes
    ----------
    rng : numpy Generator
        The night's generator: draw from it only, so nights stay reproducible.
    scenario : Scenario
    stages : ndarray of str
        One stage per 30 s epoch.
    duration : float
        Night length in s.
    movements : DataFrame
        The true LMs (``leg``, ``onset``, ``duration``, ``amplitude_uv``, ``kind``, ...).
    respiratory : DataFrame
        Respiratory events: ``onset``, ``duration``, ``kind``.
    arousals : DataFrame
        Arousals: ``onset``, ``duration``.
    """

    rng: np.random.Generator
    scenario: Scenario
    stages: npt.NDArray[np.str_]
    duration: float
    movements: pd.DataFrame
    respiratory: pd.DataFrame
    arousals: pd.DataFrame


Injector = Callable[[InjectionContext], pd.DataFrame]

#: Registered injectors by name, run in insertion order.
INJECTORS: dict[str, Injector] = {}


def register_injector(name: str, injector: Injector, *, replace: bool = False) -> None:
    """Add ``injector`` under ``name`` (run after those already registered).

    Raises
    ------
    ValueError
        When ``name`` is taken and ``replace`` is False.
    """
    if name in INJECTORS and not replace:
        raise ValueError(f"an injector called {name!r} is already registered")
    INJECTORS[name] = injector


def empty_other() -> pd.DataFrame:
    """An activity table with no rows."""
    return pd.DataFrame(
        {
            "leg": pd.Series([], dtype=object),
            "onset": pd.Series([], dtype=float),
            "duration": pd.Series([], dtype=float),
            "amplitude_uv": pd.Series([], dtype=float),
            "kind": pd.Series([], dtype=object),
            "shape": pd.Series([], dtype=object),
        }
    )


def rows(
    leg: list[str],
    onset: npt.ArrayLike,
    duration: npt.ArrayLike,
    amplitude: npt.ArrayLike,
    kind: str,
    shape: str = "burst",
) -> pd.DataFrame:
    """An activity table from columns (helper for injectors)."""
    on = np.asarray(onset, dtype=float)
    return pd.DataFrame(
        {
            "leg": pd.Series(leg, dtype=object),
            "onset": on,
            "duration": np.asarray(duration, dtype=float),
            "amplitude_uv": np.asarray(amplitude, dtype=float),
            "kind": pd.Series([kind] * on.size, dtype=object),
            "shape": pd.Series([shape] * on.size, dtype=object),
        }
    )


def _log_uniform(rng: np.random.Generator, lo: float, hi: float, n: int) -> npt.NDArray[np.float64]:
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


def _sides(rng: np.random.Generator, n: int, both_share: float) -> tuple[list[str], list[int]]:
    """Legs of ``n`` events (``both_share`` of them on both legs); returns legs and event index."""
    legs: list[str] = []
    idx: list[int] = []
    both = rng.random(n) < both_share
    first = rng.random(n) < 0.5
    for i in range(n):  # loop over events, not samples
        if both[i]:
            legs += ["left", "right"]
            idx += [i, i]
        else:
            legs.append("left" if first[i] else "right")
            idx.append(i)
    return legs, idx


def twitch(ctx: InjectionContext) -> pd.DataFrame:
    """Fragmentary, myoclonus-like twitches (< 0.5 s) at the scenario's per-stage rates."""
    sc, rng = ctx.scenario, ctx.rng
    factor = float(_log_uniform(rng, *sc.twitch_rate_factor, 1)[0])
    rates = dict(zip(_STAGES, sc.twitch_per_h, strict=True))
    hours_by_stage = {s: float((ctx.stages == s).sum()) * EPOCH_S / 3600.0 for s in _STAGES}
    n = int(rng.poisson(factor * sum(rates[s] * hours_by_stage[s] for s in _STAGES)))
    t = random_epoch_times(rng, ctx.stages, rates, n)
    t = t[(t > 1.0) & (t < ctx.duration - 2.0)]
    lo, hi = sc.twitch_duration_s
    # Most fragmentary myoclonus is < 150 ms (AASM 2.6); the rest reach up to 0.4 s.
    short = rng.random(t.size) < 0.6
    dur = np.where(
        short,
        rng.uniform(lo, min(0.15, hi), t.size),
        rng.uniform(min(0.15, hi), hi, t.size),
    )
    amp = _log_uniform(rng, *sc.twitch_amplitude_uv, t.size)
    legs, idx = _sides(rng, t.size, 0.15)
    ix = np.asarray(idx, dtype=np.int64)
    jitter = np.where(np.diff(np.concatenate([[-1], ix])) == 0, rng.uniform(0, 0.15, ix.size), 0.0)
    return rows(legs, t[ix] + jitter, dur[ix], amp[ix], "twitch")


def effort_burst(ctx: InjectionContext) -> pd.DataFrame:
    """Brief bursts with the last breathing efforts of obstructive apnoeas and hypopnoeas."""
    sc, rng = ctx.scenario, ctx.rng
    resp = ctx.respiratory[ctx.respiratory["kind"].isin(["obstructive_apnea", "hypopnea"])]
    pick = rng.random(len(resp)) < sc.effort_burst_prob
    on: list[float] = []
    for start, du in zip(resp["onset"][pick], resp["duration"][pick], strict=True):
        end = float(start) + float(du)
        t = float(start) + 0.6 * float(du)
        while t < end - 0.5:  # loop over breaths of one event
            on.append(t)
            t += float(rng.uniform(2.5, 5.0))
    n = len(on)
    legs, idx = _sides(rng, n, 0.5)
    ix = np.asarray(idx, dtype=np.int64)
    t_on = np.asarray(on, dtype=float)[ix] + rng.uniform(0.0, 0.1, ix.size)
    return rows(
        legs, t_on, rng.uniform(0.15, 0.4, ix.size), _log_uniform(rng, 6.0, 25.0, ix.size),
        "effort_burst",
    )  # fmt: skip


def arousal_emg(ctx: InjectionContext) -> pd.DataFrame:
    """A tonic rise of the leg EMG, below the onset threshold, with respiratory arousals."""
    sc, rng = ctx.scenario, ctx.rng
    ends = (ctx.respiratory["onset"] + ctx.respiratory["duration"]).to_numpy(float)
    ar_on = ctx.arousals["onset"].to_numpy(float)
    ar_du = ctx.arousals["duration"].to_numpy(float)
    if ends.size == 0 or ar_on.size == 0:
        return empty_other()
    k = np.searchsorted(ends, ar_on)
    prev_end = np.where(k > 0, ends[np.maximum(k - 1, 0)], -np.inf)
    respiratory = (ar_on - prev_end) <= 3.0
    pick = respiratory & (rng.random(ar_on.size) < sc.arousal_emg_prob)
    on, du = ar_on[pick], ar_du[pick]
    dur = np.clip(du * rng.uniform(0.6, 1.2, on.size), 3.0, 12.0)
    legs, idx = _sides(rng, on.size, 0.7)
    ix = np.asarray(idx, dtype=np.int64)
    amp = rng.uniform(*sc.arousal_emg_uv, ix.size)
    return rows(legs, on[ix], dur[ix], amp, "arousal_emg", shape="tonic")


register_injector("twitch", twitch)
register_injector("effort_burst", effort_burst)
register_injector("arousal_emg", arousal_emg)


def _conflicts(busy: list[tuple[float, float]], t0: float, t1: float, margin: float) -> bool:
    if not busy:
        return False
    b = np.asarray(busy)
    return bool(np.any((b[:, 0] < t1 + margin) & (b[:, 1] > t0 - margin)))


def inject(ctx: InjectionContext) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Run every registered injector and keep the truth exact.

    Returns
    -------
    other : DataFrame
        Non-LM activity (columns :data:`OTHER_COLUMNS`), sorted by onset.
    extra_lms : DataFrame
        Rows an injector marked as leg movements (``leg``, ``onset``, ``duration``,
        ``amplitude_uv``, ``kind``), clear of the existing LMs of their leg.
    dropped : dict
        Rows dropped per injector because they broke the rules of the module docstring.
    """
    busy: dict[str, list[tuple[float, float]]] = {"left": [], "right": []}
    mv = ctx.movements
    for leg, on, du in zip(mv["leg"], mv["onset"], mv["duration"], strict=True):
        busy[str(leg)].append((float(on), float(on) + float(du)))
    kept: list[pd.DataFrame] = []
    lms: list[pd.DataFrame] = []
    dropped: dict[str, int] = {}
    for name, injector in INJECTORS.items():
        out = injector(ctx)
        missing = [c for c in OTHER_COLUMNS if c not in out.columns]
        if missing:
            raise ValueError(f"injector {name!r} returned rows without column(s) {missing}")
        out = out.sort_values("onset", kind="stable").reset_index(drop=True)
        # rows without an ``lm`` value (NaN after a concat) are not LMs
        lm_col = out["lm"] if "lm" in out.columns else pd.Series(False, index=out.index)
        is_lm = lm_col.fillna(False).astype(bool).to_numpy()
        keep = np.zeros(len(out), dtype=bool)
        for i, (leg, on, du, amp, shape) in enumerate(
            zip(out["leg"], out["onset"], out["duration"], out["amplitude_uv"], out["shape"],
                strict=True)
        ):  # fmt: skip  # loop over events (hundreds), not samples
            on, du, amp = float(on), float(du), float(amp)
            ok_leg = leg in busy and on >= 0.5 and on + du < ctx.duration - 0.5 and du > 0
            if not ok_leg:
                continue
            if is_lm[i]:
                rule_ok = du >= MAX_BURST_S and amp >= 8.0 and shape == "burst"
                margin = CLEARANCE_S
            elif shape == "tonic":
                rule_ok = amp < MAX_TONIC_UV
                margin = 1.0
            else:
                rule_ok = du < MAX_BURST_S and shape == "burst"
                margin = CLEARANCE_S
            if rule_ok and not _conflicts(busy[str(leg)], on, on + du, margin):
                busy[str(leg)].append((on, on + du))
                keep[i] = True
        dropped[name] = int((~keep).sum())
        lms.append(out[keep & is_lm])
        kept.append(out[keep & ~is_lm])
    other = pd.concat([empty_other(), *[k.loc[:, list(OTHER_COLUMNS)] for k in kept]])
    extra = pd.concat([empty_other(), *[k.loc[:, list(OTHER_COLUMNS)] for k in lms]])
    other = other.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)
    extra = extra.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)
    return other, extra.drop(columns=["shape"]), dropped
