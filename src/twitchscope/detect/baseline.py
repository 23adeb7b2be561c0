"""Adaptive resting EMG level, following slow drift and abrupt posture steps.

The resting level is not a fixed number: electrode impedance drifts through the night and a change
of posture shifts it in a step. The estimate works on the envelope (see
:mod:`twitchscope.detect.filters`) grouped in ~1 s groups:

1. the *quiet level* of each group is a low order statistic of its envelope values
   (:data:`QUIET_QUANTILE`), so a movement filling part of a second does not raise it;
2. a *look-back* and a *look-ahead* estimate take a low order statistic
   (:data:`WINDOW_QUANTILE`) of the quiet levels over the previous and the next
   :data:`WINDOW_S` seconds (valid groups only). A low quantile of a window ignores movements
   as long as they fill less than ~3/4 of it (dense periodic movements fill at most about half,
   the longest single movements a quarter);
3. at each group the estimate closer to the group's own quiet level (the median within
   :data:`LOCAL_GROUPS` groups around it) is taken. Where the level is
   steady both agree; right after an upward posture step the look-back estimate is still the old,
   low level while the look-ahead one is already the new level, and the group's own quiet level
   picks the right one (and the reverse before a step). A plain centred running percentile would
   lag a step by a third of its window and turn the step into false movements.

Groups marked invalid (gaps, flat, clipped or artefact stretches) take no part in the estimate;
where a window holds too few valid groups the other side's estimate is used, and where neither
does, the local level itself. Runs on ~28,800 values for an 8 h
night, so its cost is negligible next to the filter.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

F32 = npt.NDArray[np.float32]

#: Quantile of the envelope within a ~1 s group taken as that group's quiet level.
QUIET_QUANTILE: Final[float] = 0.5
#: Quantile of the quiet levels within the look-back / look-ahead window.
WINDOW_QUANTILE: Final[float] = 0.25
#: Length of the look-back and look-ahead windows in seconds. Long enough that no single movement
#: (posture changes last up to ~30 s) fills three quarters of it, so a long movement is never
#: mistaken for a step of the resting level.
WINDOW_S: Final[float] = 120.0
#: The group's own level, which picks between the look-back and look-ahead estimates, is the
#: median quiet level within this many groups on either side, so that a movement of a few
#: seconds does not pose as the level of the regime it happens to be nearer to, while a step
#: of the level is seen where it happens.
LOCAL_GROUPS: Final[int] = 3
#: A window with fewer valid groups gives no estimate (the other side's is used).
MIN_VALID_GROUPS: Final[int] = 5


def _order_stat(a: npt.NDArray[np.float32], q: float) -> npt.NDArray[np.float32]:
    """Order statistic at quantile ``q`` along the last axis (inf is allowed, NaN is not)."""
    k = round(q * (a.shape[-1] - 1))
    return np.partition(a, k, axis=-1)[..., k]


def quiet_levels(env: F32, group: int) -> F32:
    """Quiet level (µV) of each group of ``group`` envelope values; a partial last group counts."""
    n = env.shape[0]
    g_full = n // group
    out = np.empty(g_full + (1 if n % group else 0), dtype=np.float32)
    if g_full:
        out[:g_full] = _order_stat(env[: g_full * group].reshape(g_full, group), QUIET_QUANTILE)
    if n % group:
        out[g_full] = _order_stat(env[g_full * group :], QUIET_QUANTILE)
    return out


def resting_level(
    env: F32, group: int, group_s: float, invalid_groups: npt.NDArray[np.bool_]
) -> F32:
    """Resting EMG level (µV) of each envelope value.

    Parameters
    ----------
    env : ndarray of float32
        Envelope in µV (no NaN).
    group : int
        Envelope values per group (about one second).
    group_s : float
        Length of one group in seconds.
    invalid_groups : ndarray of bool
        Groups that must not inform the estimate (one per group, partial last group included).

    Returns
    -------
    ndarray of float32
        The resting level, same length as ``env``. Where the whole signal is invalid, the
        quiet level itself is returned.
    """
    q = quiet_levels(env, group)
    n_groups = q.shape[0]
    qv = np.where(invalid_groups[:n_groups], np.float32(np.inf), q).astype(np.float32)
    if not np.isfinite(qv).any():
        return np.repeat(q, group)[: env.shape[0]]
    w = max(2, round(WINDOW_S / group_s))
    pad = np.full(w - 1, np.inf, dtype=np.float32)
    padded = np.concatenate([pad, qv, pad])
    # row i covers padded[i : i + w]; invalid groups (inf) sort last, so the quantile is taken
    # over the valid groups of each window only
    windows = np.sort(sliding_window_view(padded, w), axis=1)
    n_valid = np.isfinite(windows).sum(axis=1)
    k = np.round(WINDOW_QUANTILE * (np.maximum(n_valid, 1) - 1)).astype(np.int64)
    stat = windows[np.arange(windows.shape[0]), k]
    stat[n_valid < MIN_VALID_GROUPS] = np.inf
    back = stat[:n_groups]  # window ending at group g
    ahead = stat[w - 1 : w - 1 + n_groups]  # window starting at group g
    back = np.where(np.isfinite(back), back, ahead)
    ahead = np.where(np.isfinite(ahead), ahead, back)
    local = _local_median(q, LOCAL_GROUPS)
    own = _local_median(qv, LOCAL_GROUPS)
    own = np.where(np.isfinite(own), own, local)
    rest = np.where(np.abs(own - back) <= np.abs(own - ahead), back, ahead)
    if not np.isfinite(rest).all():
        # no window around holds enough valid groups (e.g. one usable second inside a long
        # disconnected stretch): the local level itself, never a level from far away
        rest = np.where(np.isfinite(rest), rest, local)
    return np.repeat(rest.astype(np.float32), group)[: env.shape[0]]


def _local_median(v: F32, k: int) -> F32:
    """Centred running median over ``2 k + 1`` values (edges padded with the end values).

    A median keeps a step edge where it is and ignores anything filling at most ``k`` values.
    """
    padded = np.concatenate([np.repeat(v[:1], k), v, np.repeat(v[-1:], k)])
    windows = np.sort(sliding_window_view(padded, 2 * k + 1), axis=1)
    return windows[:, k]


#: Groups pooled (about 5 min) when estimating the envelope's resting noise (its spread changes
#: with the resting spectrum, which drifts slowly, and scales with the resting level).
NOISE_POOL_GROUPS: Final[int] = 300
#: Lower quantile of a group's envelope values used for its spread: (median - q10) / 1.28 is the
#: standard deviation of a normal variable, and the lower half of a group is free of movements.
NOISE_LOW_QUANTILE: Final[float] = 0.1


def resting_noise(env: F32, rest: F32, group: int, invalid_groups: npt.NDArray[np.bool_]) -> F32:
    """Estimation noise of the envelope at rest (µV, one value per envelope value).

    The envelope of resting EMG is not flat: a ~50 ms rectified mean of noise fluctuates by
    10-40 % of its level, more when the resting spectrum is narrow or low (fewer independent
    samples per block). The relative spread of each ~1 s group, ``(median - q10) / 1.28 / median``,
    is pooled as a median over :data:`NOISE_POOL_GROUPS` valid groups and scaled by the resting
    level. Groups marked invalid take no part; a pool without valid groups takes the night's
    median.
    """
    n = env.shape[0]
    g_full = n // group
    if g_full == 0 or group < 3:
        return np.zeros(n, dtype=np.float32)
    vals = env[: g_full * group].reshape(g_full, group)
    k_lo = max(0, round(NOISE_LOW_QUANTILE * (group - 1)))
    k_mid = round(0.5 * (group - 1))
    part = np.partition(vals, [k_lo, k_mid], axis=1)
    lo, mid = part[:, k_lo], part[:, k_mid]
    rel = np.where(mid > 0, (mid - lo) / np.maximum(mid, 1e-12), np.nan).astype(np.float32)
    bad = invalid_groups[:g_full]
    rel[bad] = np.nan
    if not np.isfinite(rel).any():
        return np.zeros(n, dtype=np.float32)
    pool = NOISE_POOL_GROUPS
    n_pool = -(-g_full // pool)
    padded = np.full(n_pool * pool, np.nan, dtype=np.float32)
    padded[:g_full] = rel
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            pooled = np.nanmedian(padded.reshape(n_pool, pool), axis=1)
    pooled = np.where(np.isfinite(pooled), pooled, np.nanmedian(rel)).astype(np.float32)
    per_group = np.repeat(pooled, pool)[:g_full]
    per_group = np.concatenate([per_group, np.repeat(per_group[-1:], 1)])
    rel_blocks = np.repeat(per_group, group)[:n]
    if rel_blocks.shape[0] < n:
        rel_blocks = np.concatenate(
            [rel_blocks, np.full(n - rel_blocks.shape[0], per_group[-1], np.float32)]
        )
    return (rel_blocks / np.float32(1.2816) * rest).astype(np.float32)
