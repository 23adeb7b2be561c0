"""Respiratory-related and arousal-associated leg movements.

Respiratory (``rules.respiratory_anchor``)
    ``"event_end"`` (WASM 2016): an LM is respiratory-related when it overlaps the window from
    ``respiratory_window_before_s`` (2.0 s) before to ``respiratory_window_after_s`` (10.25 s)
    after the *end* of an apnoea or hypopnoea. ``"event"`` (AASM): the window runs from 0.5 s
    before the event onset to 0.5 s after its end. The window includes its edges (an LM touching
    it is related), as in PLMScoRe (``>=`` / ``<=``). Event kinds: ``respiratory_event_kinds``.

Arousal (``rules.arousal_max_gap_s``)
    WASM 2016 and AASM: an LM and an arousal are associated when they overlap or when there is
    less than 0.5 s between the end of one and the start of the other. The gap is strict: exactly
    0.5 s is not associated, as the standards' text says "less than"; PLMScoRe uses ``<=``, which
    ``rules.arousal_gap_inclusive`` reproduces.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.scoring.combine import TIME_EPS, BoolArray, FloatArray
from twitchscope.scoring.rules import RuleSet


def merge_intervals(start: FloatArray, end: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Union of intervals [start, end] (s) as sorted, disjoint (start, end) arrays."""
    if start.size == 0:
        return start, end
    order = np.argsort(start, kind="stable")
    s, e = start[order], end[order]
    run_end = np.maximum.accumulate(e)
    new = np.ones(s.size, dtype=bool)
    new[1:] = s[1:] > run_end[:-1]
    idx = np.flatnonzero(new)
    last = np.append(idx[1:] - 1, s.size - 1)
    return s[idx], run_end[last]


def overlaps_any(
    onset: npt.ArrayLike,
    end: npt.ArrayLike,
    win_start: npt.ArrayLike,
    win_end: npt.ArrayLike,
    *,
    closed: bool,
) -> BoolArray:
    """True for each interval [onset, end] that overlaps any window [win_start, win_end].

    Parameters
    ----------
    onset, end : array of float
        The movements, s.
    win_start, win_end : array of float
        The windows, s (any order, may overlap).
    closed : bool
        True: touching counts (``<=``); False: a strict overlap is needed (``<``). Values within
        :data:`~twitchscope.scoring.combine.TIME_EPS` of an edge count as on it.
    """
    on = np.asarray(onset, dtype=float)
    en = np.asarray(end, dtype=float)
    ws, we = merge_intervals(np.asarray(win_start, dtype=float), np.asarray(win_end, dtype=float))
    out = np.zeros(on.size, dtype=bool)
    if ws.size == 0 or on.size == 0:
        return out
    if closed:
        k = np.searchsorted(ws, en + TIME_EPS, side="right") - 1
        ok = k >= 0
        out[ok] = we[k[ok]] >= on[ok] - TIME_EPS
    else:
        k = np.searchsorted(ws, en - TIME_EPS, side="left") - 1
        ok = k >= 0
        out[ok] = we[k[ok]] > on[ok] + TIME_EPS
    return out


def respiratory_windows(events: pd.DataFrame, rules: RuleSet) -> tuple[FloatArray, FloatArray]:
    """Start and end (s) of the respiratory windows of ``rules`` around the counted events."""
    ev = events[events["kind"].isin(rules.respiratory_event_kinds)]
    ev_on = ev["onset"].to_numpy(dtype=float)
    ev_end = ev_on + ev["duration"].to_numpy(dtype=float)
    anchor_start = ev_end if rules.respiratory_anchor == "event_end" else ev_on
    return (
        anchor_start - rules.respiratory_window_before_s,
        ev_end + rules.respiratory_window_after_s,
    )


def respiratory_related(
    onset: npt.ArrayLike, end: npt.ArrayLike, events: pd.DataFrame, rules: RuleSet
) -> BoolArray:
    """True for each movement [onset, end] (s) overlapping a respiratory window of ``rules``."""
    ws, we = respiratory_windows(events, rules)
    return overlaps_any(onset, end, ws, we, closed=True)


def arousal_associated(
    onset: npt.ArrayLike, end: npt.ArrayLike, events: pd.DataFrame, rules: RuleSet
) -> BoolArray:
    """True for each movement [onset, end] (s) overlapping an arousal or within the gap."""
    ar = events[events["kind"] == "arousal"]
    a_on = ar["onset"].to_numpy(dtype=float)
    a_end = a_on + ar["duration"].to_numpy(dtype=float)
    gap = rules.arousal_max_gap_s
    return overlaps_any(onset, end, a_on - gap, a_end + gap, closed=rules.arousal_gap_inclusive)
