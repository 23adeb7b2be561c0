"""ECG (QRS) interference in leg EMG: R-peak detection and blanking of the leg envelope.

QRS complexes leak into leg EMG derivations as 20-80 ms spikes once per heartbeat. They must
neither create nor extend leg movements. Two layers handle them:

1. always: the leg envelope is a running median of 5 ~50 ms blocks
   (:func:`twitchscope.detect.filters.median5`), which ignores anything raising at most two of
   five consecutive blocks, so QRS spikes seen in the leg channel itself vanish without any ECG;
2. when an ECG channel is given: R peaks are found in it (:func:`r_peak_times`) and the leg's
   block envelope is *blanked* around each R peak (:func:`blank_envelope`): a blanked block takes
   the smaller of the nearest unblanked values before and after it, i.e. the level the EMG had
   around the beat. This also handles wide or large QRS leaks that would survive the median.

R-peak detection is deliberately cheap: the summed absolute slope of the raw ECG in 25 ms
blocks (the QRS is by far the steepest deflection; P and T waves are slow, baseline wander
slower still), a threshold at half the typical per-beat maximum, and the local maxima of that
series with a 0.3 s refractory distance (:func:`find_peaks`, the same selection as
``scipy.signal.find_peaks`` with ``height`` and ``distance``, done here so that detection does not
import ``scipy.signal``). It needs no filtering pass over the ECG (one difference and one block
sum, chunk by chunk so no full-length temporary exists), and the 25 ms resolution is finer than
the leg envelope's 50 ms blocks that are blanked.
"""

from __future__ import annotations

import itertools
from typing import Final

import numpy as np
import numpy.typing as npt

from twitchscope.signal import Signal

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

#: Block length for R-peak detection in seconds (the R-peak times' resolution).
ECG_BLOCK_S: Final[float] = 0.025
#: Minimum distance between R peaks in seconds (heart rate up to 200/min).
R_REFRACTORY_S: Final[float] = 0.3
#: An R peak's block slope energy must exceed this share of the typical beat maximum.
R_THRESHOLD_SHARE: Final[float] = 0.5
#: Seconds of leg envelope blanked before / after each R peak (the QRS is ~80-100 ms wide and the
#: 10 Hz high-pass rings for a few tens of ms after it).
BLANK_BEFORE_S: Final[float] = 0.06
BLANK_AFTER_S: Final[float] = 0.1
#: Blocks per chunk when computing the slope energy (bounded temporaries).
ENERGY_CHUNK_BLOCKS: Final[int] = 16384


def _local_maxima(v: F32) -> I64:
    """Indices of local maxima of ``v``; a flat top gives its middle (left of two), ends never."""
    d = np.diff(v)
    nz = np.flatnonzero(d)
    if nz.size < 2:
        return np.empty(0, np.int64)
    up = d[nz] > 0
    # a rise (at nz[k]) followed by a fall (at nz[k+1]) with only flat steps between
    k = np.flatnonzero(up[:-1] & ~up[1:])
    left = nz[k] + 1
    right = nz[k + 1]
    return ((left + right) // 2).astype(np.int64)


def find_peaks(v: F32, height: float, distance: int) -> I64:
    """Local maxima of ``v`` at least ``height`` high and at least ``distance`` apart.

    Same selection as ``scipy.signal.find_peaks(v, height=height, distance=distance)``: among
    maxima closer than ``distance``, the higher is kept (greedy from the highest). The greedy
    order is resolved in rounds, each keeping every maximum that is the highest of the undecided
    ones around it and dropping its neighbours: vectorised, a handful of rounds for an ECG.
    """
    peaks = _local_maxima(v)
    peaks = peaks[v[peaks] >= height]
    if peaks.size < 2 or distance <= 1:
        return peaks
    # most maxima have no other within ``distance``: kept as they are, the rounds run on the rest
    gap = np.diff(peaks)
    close = np.zeros(peaks.size, dtype=bool)
    close[1:] |= gap < distance
    close[:-1] |= gap < distance
    if not close.any():
        return peaks
    keep = ~close
    keep[close] = _greedy_by_height(peaks[close], v[peaks[close]], distance)
    return peaks[keep]


def _greedy_by_height(
    peaks: I64, heights: npt.NDArray[np.float32], distance: int
) -> npt.NDArray[np.bool_]:
    """Which of ``peaks`` (sorted) survive: the highest first, dropping others within distance."""
    n = peaks.size
    order = np.argsort(heights, kind="stable")
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)  # unique priorities: height, then position
    reach = int(np.max(np.searchsorted(peaks, peaks + distance, side="left") - np.arange(n)))
    undecided = np.ones(n, dtype=bool)
    keep = np.zeros(n, dtype=bool)
    while undecided.any():
        r = np.where(undecided, rank, -1)
        best = np.full(n, -1, np.int64)  # highest undecided rank within distance, self excluded
        for s in range(1, reach):
            near = (peaks[s:] - peaks[:-s]) < distance
            np.maximum(best[:-s], np.where(near, r[s:], -1), out=best[:-s])
            np.maximum(best[s:], np.where(near, r[:-s], -1), out=best[s:])
        chosen = undecided & (r > best)
        keep |= chosen
        undecided &= ~chosen
        drop = np.zeros(n, dtype=bool)
        for s in range(1, reach):
            near = (peaks[s:] - peaks[:-s]) < distance
            drop[:-s] |= near & chosen[s:]
            drop[s:] |= near & chosen[:-s]
        undecided &= ~drop
    return keep


def slope_energy(x: F32, block: int) -> F32:
    """Summed absolute sample-to-sample change of ``x`` per block of ``block`` samples.

    Block ``i`` sums ``|x[j + 1] - x[j]|`` for ``j`` in ``[i * block, (i + 1) * block)``; NaN
    counts as 0. Computed chunk by chunk.
    """
    nb = (x.shape[0] - 1) // block
    out = np.empty(max(nb, 0), dtype=np.float32)
    step = ENERGY_CHUNK_BLOCKS
    ones = np.ones(block, dtype=np.float32)
    for b0 in range(0, nb, step):
        b1 = min(nb, b0 + step)
        seg = x[b0 * block : b1 * block + 1]
        slope = np.diff(seg)
        np.abs(slope, out=slope)
        out[b0:b1] = slope.reshape(b1 - b0, block) @ ones
    return np.nan_to_num(out, nan=0.0, copy=False)


class SlopeEnergyStream:
    """:func:`slope_energy` of a channel fed block by block while it is decoded.

    A :class:`twitchscope.io.recording.SampleReducer`: give it to
    :meth:`~twitchscope.io.recording.Recording.load_many` to find R peaks without holding the
    ECG's samples (57 MB for 8 h at 500 Hz). Each fed block fills the energy blocks lying
    inside it; its first and last ``block + 1`` samples are kept so that the one energy block
    straddling each join is filled at the end (:meth:`energy`). Equals :func:`slope_energy` of
    the whole channel.

    Parameters
    ----------
    n_samples : int
        Samples of the whole channel.
    block : int
        Samples per energy block.
    """

    def __init__(self, n_samples: int, block: int) -> None:
        self.n_samples, self.block = int(n_samples), int(block)
        nb = max((self.n_samples - 1) // self.block, 0)
        self._out = np.zeros(nb, dtype=np.float32)
        self._ones = np.ones(self.block, dtype=np.float32)
        #: fed blocks' first sample -> (their first and last samples, one past their last sample)
        self._edges: dict[int, tuple[F32, F32, int]] = {}

    def feed(self, first: int, samples: F32) -> None:
        """Take ``samples`` (µV or any unit), starting at sample ``first`` of the channel."""
        b, n = self.block, samples.shape[0]
        stop = first + n
        keep = b + 1
        self._edges[first] = (samples[:keep].copy(), samples[-keep:].copy(), stop)
        # energy blocks i whose samples [i*b, (i+1)*b] all lie in [first, stop)
        i0 = -(-first // b)
        i1 = min((stop - 1) // b, self._out.shape[0])
        if i1 > i0:
            seg = samples[i0 * b - first : i1 * b - first + 1]
            slope = np.diff(seg)
            np.abs(slope, out=slope)
            self._out[i0:i1] = slope.reshape(i1 - i0, b) @ self._ones

    def energy(self) -> F32:
        """The slope energy per block (NaN counted as 0), once every sample was fed.

        Raises
        ------
        ValueError
            When the fed blocks do not cover the channel once, in pieces of at least
            ``block + 1`` samples.
        """
        b, out = self.block, self._out
        firsts = sorted(self._edges)
        pos = 0
        for first in firsts:
            head, _, stop = self._edges[first]
            if first != pos or head.shape[0] < b + 1:
                raise ValueError("the blocks fed do not cover the channel in order")
            pos = stop
        if pos != self.n_samples:
            raise ValueError("the blocks fed do not cover the channel")
        for prev, nxt in itertools.pairwise(firsts):
            _, tail, join = self._edges[prev]
            head = self._edges[nxt][0]
            i = (join - 1) // b  # the one energy block holding samples on both sides
            if i >= out.shape[0]:
                continue
            lo = i * b - (join - tail.shape[0])
            seg = np.concatenate([tail[lo:], head[: (i + 1) * b - join + 1]])
            slope = np.abs(np.diff(seg))
            out[i : i + 1] = slope.reshape(1, b) @ self._ones
        return np.nan_to_num(out, nan=0.0, copy=False)


def ecg_block(fs: float) -> int:
    """Samples per slope-energy block of an ECG sampled at ``fs`` Hz (about 25 ms)."""
    return max(1, round(fs * ECG_BLOCK_S))


def r_peak_times(ecg: Signal) -> npt.NDArray[np.float64]:
    """Times of R peaks in seconds from the recording start (empty when none is found).

    NaN stretches are treated as flat (no beats found there).
    """
    x = np.asarray(ecg.data, dtype=np.float32)
    block = ecg_block(ecg.fs)
    if (x.shape[0] - 1) // block < 3:
        return np.empty(0)
    return r_peaks_from_energy(slope_energy(x, block), block / ecg.fs, ecg.start)


def r_peaks_from_energy(energy: F32, block_s: float, start: float = 0.0) -> npt.NDArray[np.float64]:
    """R-peak times (s from the recording start) from an ECG's :func:`slope_energy`.

    ``block_s`` is the energy block's length in seconds, ``start`` the time of its first block.
    Empty when none is found.
    """
    nb = energy.shape[0]
    if nb < 3:
        return np.empty(0)
    # typical beat: median over 2 s windows of the window maximum
    w = max(1, int(2.0 / block_s))
    nw = nb // w
    if nw == 0:
        return np.empty(0)
    typical = float(np.median(energy[: nw * w].reshape(nw, w).max(axis=1)))
    if typical <= 0:
        return np.empty(0)
    peaks = find_peaks(
        energy,
        height=R_THRESHOLD_SHARE * typical,
        distance=max(1, int(R_REFRACTORY_S / block_s)),
    )
    return start + (peaks.astype(np.float64) + 0.5) * block_s


def blank_envelope(
    fine: F32, block_s: float, start: float, r_times: npt.NDArray[np.float64]
) -> F32:
    """Blank the leg block envelope around R peaks.

    Parameters
    ----------
    fine : ndarray of float32
        Leg block envelope (µV), one value per block of ``block_s`` seconds, first block at
        ``start`` seconds.
    r_times : ndarray
        R-peak times in seconds from the recording start.

    Returns
    -------
    ndarray of float32
        A copy where every block overlapping ``[t - BLANK_BEFORE_S, t + BLANK_AFTER_S]`` around an
        R peak is capped at the larger of the nearest unblanked values before and after it.
        In quiet EMG both neighbours are quiet, so a QRS complex is removed; inside or at the edge
        of a movement the cap is the movement's level, so the movement is not eroded (replacing
        blanked blocks by the smaller neighbour would cut 0.2 s out of movements at every beat
        near their edges and split or shorten short ones).
    """
    n = fine.shape[0]
    if n == 0 or r_times.size == 0:
        return fine.copy()
    # Work on the blanked runs only (a few hundred thousand blocks of a night's millions): no
    # full-length index or mask arrays, which on a 100 Hz envelope cost more than the rest.
    first = np.floor((r_times - start - BLANK_BEFORE_S) / block_s).astype(np.int64)
    last = np.floor((r_times - start + BLANK_AFTER_S) / block_s).astype(np.int64)
    first = np.clip(first, 0, n)
    last = np.clip(last + 1, 0, n)
    keep = last > first
    first, last = first[keep], last[keep]
    if first.size == 0:
        return fine.copy()
    order = np.argsort(first, kind="stable")
    first, last = first[order], last[order]
    # runs of the union of the intervals: a new run starts where an interval begins after every
    # earlier one has ended (intervals that touch make one run)
    reach = np.maximum.accumulate(last)
    new_run = np.concatenate([[True], first[1:] > reach[:-1]])
    run_start = first[new_run]
    run_end = reach[np.concatenate([np.flatnonzero(new_run)[1:] - 1, [first.size - 1]])]
    if run_start[0] == 0 and run_end[0] == n:
        return fine.copy()  # all blanked: nothing to cap with
    # the cap of a run: the larger of the unblanked values just before and just after it
    neg = np.float32(-np.inf)
    before = np.where(run_start > 0, fine[np.maximum(run_start - 1, 0)], neg)
    after = np.where(run_end < n, fine[np.minimum(run_end, n - 1)], neg)
    cap = np.maximum(before, after).astype(np.float32)
    lengths = run_end - run_start
    ends = np.cumsum(lengths)
    idx = np.arange(int(ends[-1]), dtype=np.int64)
    idx += np.repeat(run_start - (ends - lengths), lengths)
    out = fine.copy()
    out[idx] = np.minimum(fine[idx], np.repeat(cap, lengths))
    return out
