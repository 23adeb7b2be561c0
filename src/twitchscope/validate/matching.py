"""One-to-one matching of predicted and reference events on one leg.

Two criteria, both one-to-one:

* **IoU**: a pair may match when the intersection over union of the two intervals is at least
  ``iou``; the assignment maximises the total IoU (Hungarian algorithm,
  :func:`scipy.optimize.linear_sum_assignment`).
* **onset**: a pair may match when the onsets are at most ``tolerance`` seconds apart; the
  assignment maximises the number of matches, then minimises the onset differences.

Only pairs that can match are ever built (events are sorted and searched, never compared all
against all), and the assignment is solved separately on each connected group of such pairs, so
a night of thousands of movements costs milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Matches:
    """Matched pairs: ``pred[i]`` is matched to ``ref[j]`` for each ``(i, j)`` in the arrays."""

    pred: IntArray
    ref: IntArray

    @property
    def n(self) -> int:
        """Number of matched pairs."""
        return int(self.pred.size)


def _empty() -> Matches:
    return Matches(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def _pairs_in_window(
    a_key: FloatArray, b_key: FloatArray, lo: FloatArray, hi: FloatArray
) -> tuple[IntArray, IntArray]:
    """All pairs (i, j) with ``lo[i] <= b_key[j] <= hi[i]`` (b_key need not be sorted)."""
    order = np.argsort(b_key, kind="stable")
    sorted_b = b_key[order]
    first = np.searchsorted(sorted_b, lo, side="left")
    last = np.searchsorted(sorted_b, hi, side="right")
    counts = np.maximum(last - first, 0)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i = np.repeat(np.arange(a_key.size, dtype=np.int64), counts)
    starts = np.repeat(first - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    j_sorted = np.arange(total, dtype=np.int64) + starts
    return i, order[j_sorted].astype(np.int64)


def interval_iou(
    pred_on: FloatArray, pred_off: FloatArray, ref_on: FloatArray, ref_off: FloatArray
) -> FloatArray:
    """Intersection over union of paired intervals (arrays of equal length; 0 when disjoint)."""
    inter = np.clip(np.minimum(pred_off, ref_off) - np.maximum(pred_on, ref_on), 0.0, None)
    union = np.maximum(pred_off, ref_off) - np.minimum(pred_on, ref_on)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return out.astype(np.float64)


def _assign(n_pred: int, n_ref: int, i: IntArray, j: IntArray, weight: FloatArray) -> Matches:
    """Maximum-weight one-to-one assignment over the candidate pairs (i, j, weight > 0)."""
    if i.size == 0:
        return _empty()
    # Connected groups of candidate pairs: pred nodes 0..n_pred-1, ref nodes n_pred...
    n = n_pred + n_ref
    graph = coo_matrix((np.ones(i.size), (i, j + n_pred)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    pair_comp = comp[i]
    size_pred = np.bincount(comp[:n_pred], minlength=comp.max() + 1)
    size_ref = np.bincount(comp[n_pred:], minlength=comp.max() + 1)
    simple = (size_pred[pair_comp] == 1) & (size_ref[pair_comp] == 1)
    out_i = [i[simple]]
    out_j = [j[simple]]
    hard = np.flatnonzero(~simple)
    if hard.size:
        order = hard[np.argsort(pair_comp[hard], kind="stable")]
        groups = np.split(order, np.flatnonzero(np.diff(pair_comp[order])) + 1)
        for g in groups:  # one loop step per group of entangled events, not per sample
            gi, gj, gw = i[g], j[g], weight[g]
            ui, li = np.unique(gi, return_inverse=True)
            uj, lj = np.unique(gj, return_inverse=True)
            cost = np.zeros((ui.size, uj.size))
            cost[li, lj] = -gw
            rows, cols = linear_sum_assignment(cost)
            keep = cost[rows, cols] < 0
            out_i.append(ui[rows[keep]])
            out_j.append(uj[cols[keep]])
    mi = np.concatenate(out_i).astype(np.int64)
    mj = np.concatenate(out_j).astype(np.int64)
    order = np.argsort(mj, kind="stable")
    return Matches(mi[order], mj[order])


def match_by_iou(
    pred_on: FloatArray,
    pred_dur: FloatArray,
    ref_on: FloatArray,
    ref_dur: FloatArray,
    iou: float = 0.2,
) -> Matches:
    """One-to-one matches whose IoU is at least ``iou`` (maximising total IoU).

    Parameters
    ----------
    pred_on, pred_dur, ref_on, ref_dur : arrays of float
        Onsets and durations in seconds.
    iou : float
        Minimum intersection over union, in (0, 1].
    """
    if pred_on.size == 0 or ref_on.size == 0:
        return _empty()
    pred_off = pred_on + pred_dur
    ref_off = ref_on + ref_dur
    # A pred overlapping ref j starts before ref j ends and no earlier than ref j's onset minus
    # the longest pred duration.
    longest = float(np.max(pred_dur)) if pred_dur.size else 0.0
    j, i = _pairs_in_window(ref_on, pred_on, ref_on - longest, ref_off)
    if i.size == 0:
        return _empty()
    w = interval_iou(pred_on[i], pred_off[i], ref_on[j], ref_off[j])
    ok = w >= iou
    return _assign(pred_on.size, ref_on.size, i[ok], j[ok], w[ok])


def match_by_onset(pred_on: FloatArray, ref_on: FloatArray, tolerance: float = 0.5) -> Matches:
    """One-to-one matches whose onsets differ by at most ``tolerance`` seconds.

    The assignment maximises the number of matches first, then prefers the closest onsets.
    """
    if pred_on.size == 0 or ref_on.size == 0:
        return _empty()
    j, i = _pairs_in_window(ref_on, pred_on, ref_on - tolerance, ref_on + tolerance)
    if i.size == 0:
        return _empty()
    diff = np.abs(pred_on[i] - ref_on[j])
    # Every match is worth 1 plus a small bonus for closeness, so count wins over closeness.
    w = 1.0 + (tolerance - diff) / (tolerance + 1.0) / (i.size + 1.0)
    return _assign(pred_on.size, ref_on.size, i, j, w)
