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
slower still), a threshold at half the typical per-beat maximum, and ``scipy.signal.find_peaks``
with a 0.3 s refractory distance. It needs no filtering pass over the ECG (one difference and
one block sum: ~40 ms for 8 h at 512 Hz), and the 25 ms resolution is finer than the leg
envelope's 50 ms blocks that are blanked.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.signal import find_peaks

from twitchscope.signal import Signal

F32 = npt.NDArray[np.float32]

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


def r_peak_times(ecg: Signal) -> npt.NDArray[np.float64]:
    """Times of R peaks in seconds from the recording start (empty when none is found).

    NaN stretches are treated as flat (no beats found there).
    """
    x = np.asarray(ecg.data, dtype=np.float32)
    block = max(1, round(ecg.fs * ECG_BLOCK_S))
    nb = (x.shape[0] - 1) // block
    if nb < 3:
        return np.empty(0)
    slope = np.abs(np.diff(x[: nb * block + 1]))
    energy = np.nan_to_num(slope.reshape(nb, block).sum(axis=1, dtype=np.float32), nan=0.0)
    del slope
    block_s = block / ecg.fs
    # typical beat: median over 2 s windows of the window maximum
    w = max(1, int(2.0 / block_s))
    nw = nb // w
    if nw == 0:
        return np.empty(0)
    typical = float(np.median(energy[: nw * w].reshape(nw, w).max(axis=1)))
    if typical <= 0:
        return np.empty(0)
    peaks, _ = find_peaks(
        energy,
        height=R_THRESHOLD_SHARE * typical,
        distance=max(1, int(R_REFRACTORY_S / block_s)),
    )
    return ecg.start + (peaks.astype(np.float64) + 0.5) * block_s


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
    first = np.floor((r_times - start - BLANK_BEFORE_S) / block_s).astype(np.int64)
    last = np.floor((r_times - start + BLANK_AFTER_S) / block_s).astype(np.int64)
    first = np.clip(first, 0, n)
    last = np.clip(last + 1, 0, n)
    keep = last > first
    first, last = first[keep], last[keep]
    delta = np.zeros(n + 1, dtype=np.int32)
    np.add.at(delta, first, 1)
    np.add.at(delta, last, -1)
    blanked = np.cumsum(delta[:n]) > 0
    if not blanked.any() or blanked.all():
        return fine.copy()
    idx = np.arange(n)
    prev = np.where(blanked, -1, idx)
    np.maximum.accumulate(prev, out=prev)
    nxt = np.where(blanked, n, idx)
    nxt = np.minimum.accumulate(nxt[::-1])[::-1]
    before = np.where(prev >= 0, fine[np.maximum(prev, 0)], -np.inf)
    after = np.where(nxt < n, fine[np.minimum(nxt, n - 1)], -np.inf)
    out = fine.copy()
    cap = np.maximum(before, after)
    out[blanked] = np.minimum(fine[blanked], cap[blanked]).astype(np.float32)
    return out
