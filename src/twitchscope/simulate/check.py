"""A rough WASM-2016-like PLMS index computed from the simulator's truth.

This is a plausibility check of the simulated truth (does the ``rls`` night land at 25-50/h?),
not twitchscope's scorer: it joins the two legs' LMs that overlap or are < 0.5 s apart, keeps
candidates (0.5-10 s monolateral, <= 15 s bilateral), and counts series of >= 4 candidates with
onset-to-onset intervals of 10-90 s; a non-candidate breaks a series.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.simulate.hypnogram import EPOCH_S


def combine_legs(movements: pd.DataFrame) -> pd.DataFrame:
    """Combined movements (``onset``, ``end``, ``n``) from single-leg rows (WASM 2016 joining)."""
    on = movements["onset"].to_numpy(dtype=float)
    end = on + movements["duration"].to_numpy(dtype=float)
    order = np.argsort(on, kind="stable")
    on, end = on[order], end[order]
    if on.size == 0:
        return pd.DataFrame({"onset": [], "end": [], "n": []})
    run_end = np.maximum.accumulate(end)
    new = np.concatenate([[True], on[1:] >= run_end[:-1] + 0.5])
    gid = np.cumsum(new) - 1
    g_on = on[new]
    g_end = np.maximum.reduceat(end, np.flatnonzero(new))
    g_n = np.bincount(gid)
    return pd.DataFrame({"onset": g_on, "end": g_end, "n": g_n})


def periodic_mask(combined: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """True for combined movements that are part of a PLM series (>= 4, IMI 10-90 s)."""
    on = combined["onset"].to_numpy(dtype=float)
    dur = combined["end"].to_numpy(dtype=float) - on
    n = combined["n"].to_numpy()
    cand = (dur >= 0.5) & (((n == 1) & (dur <= 10.0)) | ((n > 1) & (dur <= 15.0) & (n <= 4)))
    out = np.zeros(on.size, dtype=bool)
    ci = np.flatnonzero(cand)
    if ci.size < 4:
        return out
    # A series continues from candidate a to the next candidate b when no non-candidate lies
    # between them and the interval is within 10-90 s.
    non_c = np.cumsum(~cand)
    ok = np.zeros(ci.size, dtype=bool)  # ok[k]: link from ci[k-1] to ci[k]
    iv = np.diff(on[ci])
    ok[1:] = (iv >= 10.0) & (iv <= 90.0) & (non_c[ci[1:]] == non_c[ci[:-1]])
    brk = np.concatenate([np.flatnonzero(~ok), [ci.size]])
    for a, b in itertools.pairwise(brk):  # loop over runs, not samples
        if b - a >= 4:
            out[ci[a:b]] = True
    return out


def approx_plms_index(movements: pd.DataFrame, stages: npt.NDArray[np.str_]) -> float:
    """PLMs in sleep per hour of sleep, by the simple rules of this module."""
    comb = combine_legs(movements)
    per = periodic_mask(comb)
    ep = np.minimum((comb["onset"].to_numpy() / EPOCH_S).astype(np.int64), stages.size - 1)
    in_sleep = np.isin(stages[ep], ["N1", "N2", "N3", "R"]) if ep.size else np.zeros(0, bool)
    tst_h = float(np.isin(stages, ["N1", "N2", "N3", "R"]).sum()) * EPOCH_S / 3600.0
    return float(np.count_nonzero(per & in_sleep)) / tst_h if tst_h > 0 else 0.0
