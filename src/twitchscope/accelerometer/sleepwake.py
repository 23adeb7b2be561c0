"""Sleep/wake and sleep-period windows from the sensor's z-angle (van Hees 2015, 2018)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from twitchscope.accelerometer.rules import VANHEES2015, AccelRules
from twitchscope.io.accelerometer import AccelRecording

F64 = npt.NDArray[np.float64]


def z_angle(rec: AccelRecording, epoch_s: float) -> F64:
    """The z-angle (degrees) of the mean acceleration of each ``epoch_s`` epoch."""
    k = max(1, round(epoch_s * rec.fs))
    n = rec.n_samples // k
    if n == 0:
        return np.empty(0)
    mx, my, mz = (a[: n * k].reshape(n, k).mean(axis=1, dtype=np.float64)
                  for a in (rec.x, rec.y, rec.z))  # fmt: skip
    return np.asarray(np.degrees(np.arctan2(mz, np.sqrt(mx * mx + my * my))), dtype=float)


def angle_change(rec: AccelRecording, rules: AccelRules = VANHEES2015) -> F64:
    """Absolute z-angle change between consecutive epochs (degrees), first epoch 0."""
    a = z_angle(rec, rules.angle_epoch_s)
    if a.size == 0:
        return a
    return np.concatenate([[0.0], np.abs(np.diff(a))])


def sustained_inactivity(change: F64, rules: AccelRules = VANHEES2015) -> npt.NDArray[np.bool_]:
    """van Hees 2015: epochs inside >= ``inactivity_min`` minutes without a z-angle change
    above ``angle_change_deg`` (sleep); others are wake."""
    still = change <= rules.angle_change_deg
    d = np.diff(still.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    s, e = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    need = rules.inactivity_min * 60.0 / rules.angle_epoch_s
    out = np.zeros(change.size, dtype=bool)
    for a, b in zip(s[(e - s) >= need], e[(e - s) >= need], strict=True):  # runs, not samples
        out[a:b] = True
    return out


def sleep_period_windows(change: F64, rules: AccelRules = VANHEES2015) -> list[tuple[float, float]]:
    """van Hees 2018 HDCZA sleep-period windows (start, end in s): one per night found.

    Blocks where the 5-minute rolling median of the z-angle change stays below the threshold
    for > 30 minutes, joined across gaps < 60 minutes; windows shorter than ``min_night_h`` are
    dropped.
    """
    ep = rules.angle_epoch_s
    n = change.size
    if n == 0:
        return []
    w = max(1, round(rules.spt_rolling_min * 60.0 / ep))
    from numpy.lib.stride_tricks import sliding_window_view

    pad = np.concatenate([np.full(w // 2, change[0]), change, np.full(w - 1 - w // 2, change[-1])])
    med = np.median(sliding_window_view(pad, w), axis=1)
    thr = float(np.percentile(med, rules.spt_percentile)) * rules.spt_factor
    lo, hi = rules.spt_threshold_bounds_deg
    thr = min(max(thr, lo), hi)
    low = med < thr
    d = np.diff(low.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    s, e = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    keep = (e - s) * ep > rules.spt_min_block_min * 60.0
    s, e = s[keep], e[keep]
    if s.size == 0:
        return []
    join = (s[1:] - e[:-1]) * ep < rules.spt_max_gap_min * 60.0
    new = np.concatenate([[True], ~join])
    starts = s[new]
    ends = e[np.concatenate([np.flatnonzero(new)[1:] - 1, [e.size - 1]])]
    out = [(float(a * ep), float(b * ep)) for a, b in zip(starts, ends, strict=True)
           if (b - a) * ep >= rules.min_night_h * 3600.0]  # fmt: skip
    return out
