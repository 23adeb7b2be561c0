"""Bilateral combination of single-leg movements and candidate (CLM) status.

WASM 2016 (Ferri et al. 2016, rules for candidate LMs): "LMs on the two legs that overlap, or where
one starts less than 0.5 s after the other ends, are one bilateral LM"; chains can join several
monolateral LMs. A bilateral LM is a candidate (CLM) only when it joins at most 4 monolateral LMs
and lasts at most 15 s. A monolateral LM is a CLM when it lasts 0.5-10 s. As in PLMScoRe and
MATPLM (rev2), a bilateral LM that contains a monolateral LM longer than 10 s is not a candidate.

AASM: LMs on the two legs whose onsets are less than 5 s apart count as one LM. The component and
15 s limits of WASM 2016 are not part of the AASM rule and are not applied under it; the combined
LM is a candidate when each of its monolateral LMs is.

Same-leg LMs are never merged here (detection already joined fragments < 0.5 s apart), but a
bilateral chain can hold several LMs of the same leg, joined through the other leg.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from twitchscope.scoring.rules import RuleSet

#: Times closer than this (s) to a threshold count as equal to it (float round-off of onsets
#: read from annotation files, e.g. 110.1 - 100.1 = 9.99999999999999).
TIME_EPS: Final[float] = 1e-6

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Combined:
    """Movements after bilateral combination, sorted by onset.

    Attributes
    ----------
    onset, duration : float arrays, s (one per combined movement).
    legs : str array, ``"left"``, ``"right"`` or ``"both"``.
    n_components : int array, number of monolateral LMs joined.
    candidate : bool array, CLM status.
    group : int array, one per *input* LM: the index of the combined movement it belongs to.
    """

    onset: FloatArray
    duration: FloatArray
    legs: npt.NDArray[np.str_]
    n_components: IntArray
    candidate: BoolArray
    group: IntArray


def component_labels(n: int, src: IntArray, dst: IntArray) -> IntArray:
    """Connected components of the undirected graph on ``n`` nodes with edges ``src``-``dst``.

    Each node gets the smallest node index of its component. Minimum labels are propagated
    along the edges and shortened by pointer jumping until nothing changes: the rounds grow
    with the logarithm of a chain's length, and bilateral chains are short. (numpy only:
    ``scipy.sparse.csgraph`` costs a quarter of a second to import.)
    """
    label = np.arange(n, dtype=np.int64)
    if src.size == 0:
        return label
    while True:
        low = np.minimum(label[src], label[dst])
        new = label.copy()
        np.minimum.at(new, src, low)
        np.minimum.at(new, dst, low)
        while True:  # pointer jumping: follow labels to their own label
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new


def _ranges(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """All pairs (i, j) with lo[i] <= j < hi[i], vectorised."""
    counts = np.maximum(hi - lo, 0)
    rows = np.repeat(np.arange(lo.size, dtype=np.int64), counts)
    if rows.size == 0:
        return rows, rows.copy()
    starts = np.repeat(lo, counts)
    offsets = np.arange(rows.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, starts + offsets


def _pairs_wasm(
    a_on: FloatArray, a_end: FloatArray, b_on: FloatArray, b_end: FloatArray, gap: float
) -> tuple[IntArray, IntArray]:
    """Pairs (i in a, j in b) that overlap or whose gap is below ``gap`` s (b sorted by onset)."""
    if a_on.size == 0 or b_on.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    # join iff b_on < a_end + gap and b_end > a_on - gap (strict "< gap", TIME_EPS tolerance)
    hi = np.searchsorted(b_on, a_end + gap - TIME_EPS, side="left").astype(np.int64)
    cummax_end = np.maximum.accumulate(b_end)
    lo = np.searchsorted(cummax_end, a_on - gap + TIME_EPS, side="right").astype(np.int64)
    i, j = _ranges(lo, hi)
    keep = b_end[j] > a_on[i] - gap + TIME_EPS
    return i[keep], j[keep]


def _pairs_aasm(a_on: FloatArray, b_on: FloatArray, window: float) -> tuple[IntArray, IntArray]:
    """Pairs (i in a, j in b) whose onsets are less than ``window`` s apart (b sorted)."""
    if a_on.size == 0 or b_on.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    lo = np.searchsorted(b_on, a_on - window + TIME_EPS, side="right").astype(np.int64)
    hi = np.searchsorted(b_on, a_on + window - TIME_EPS, side="left").astype(np.int64)
    return _ranges(lo, hi)


def combine_bilateral(
    leg: npt.ArrayLike, onset: npt.ArrayLike, duration: npt.ArrayLike, rules: RuleSet
) -> Combined:
    """Join monolateral LMs into bilateral LMs and decide which movements are candidates.

    Parameters
    ----------
    leg : array of str
        ``"left"`` or ``"right"`` per LM.
    onset, duration : array of float
        Onset and duration of each LM in seconds (already checked: finite, duration > 0).
    rules : RuleSet
        Uses ``bilateral_rule``, ``bilateral_max_gap_s``, ``bilateral_onset_window_s``,
        ``bilateral_max_components``, ``bilateral_max_duration_s`` and
        ``candidate_max_duration_s``.

    Returns
    -------
    Combined
        Combined movements sorted by onset, and the group of each input LM.
    """
    legs_in = np.asarray(leg, dtype=str)
    on = np.asarray(onset, dtype=float)
    du = np.asarray(duration, dtype=float)
    end = on + du
    n = on.size
    if n == 0:
        return Combined(
            onset=np.zeros(0),
            duration=np.zeros(0),
            legs=np.zeros(0, dtype="<U5"),
            n_components=np.zeros(0, dtype=np.int64),
            candidate=np.zeros(0, dtype=bool),
            group=np.zeros(0, dtype=np.int64),
        )
    idx_l = np.flatnonzero(legs_in == "left")
    idx_r = np.flatnonzero(legs_in == "right")
    idx_l = idx_l[np.argsort(on[idx_l], kind="stable")]
    idx_r = idx_r[np.argsort(on[idx_r], kind="stable")]
    if rules.bilateral_rule == "aasm":
        pi, pj = _pairs_aasm(on[idx_l], on[idx_r], rules.bilateral_onset_window_s)
    else:
        pi, pj = _pairs_wasm(
            on[idx_l], end[idx_l], on[idx_r], end[idx_r], rules.bilateral_max_gap_s
        )
    # component numbers 0..m-1 (labels are node indices until made compact)
    label = np.unique(component_labels(n, idx_l[pi], idx_r[pj]), return_inverse=True)[1]

    # number groups in order of their first onset (ties broken by input order)
    order = np.lexsort((np.arange(n), on))
    _, first_pos = np.unique(label[order], return_index=True)
    first_labels = label[order][np.sort(first_pos)]
    rank = np.empty(first_labels.size, dtype=np.int64)
    rank[first_labels] = np.arange(first_labels.size)
    group = rank[label].astype(np.int64)
    m = first_labels.size

    g_on = np.full(m, np.inf)
    np.minimum.at(g_on, group, on)
    g_end = np.full(m, -np.inf)
    np.maximum.at(g_end, group, end)
    n_comp = np.bincount(group, minlength=m).astype(np.int64)
    n_left = np.bincount(group, weights=(legs_in == "left").astype(float), minlength=m)
    n_right = n_comp - n_left
    legs = np.where(n_left == 0, "right", np.where(n_right == 0, "left", "both"))
    # a component longer than the monolateral limit spoils the whole movement (PLMScoRe, MATPLM)
    too_long = np.bincount(
        group, weights=(du > rules.candidate_max_duration_s + TIME_EPS).astype(float), minlength=m
    )
    g_du = g_end - g_on
    candidate = too_long == 0
    if rules.bilateral_rule == "wasm2016":
        bilateral = n_comp > 1
        candidate &= ~bilateral | (
            (n_comp <= rules.bilateral_max_components)
            & (g_du <= rules.bilateral_max_duration_s + TIME_EPS)
        )
    return Combined(
        onset=g_on,
        duration=g_du,
        legs=legs.astype("<U5"),
        n_components=n_comp,
        candidate=candidate.astype(bool),
        group=group,
    )
