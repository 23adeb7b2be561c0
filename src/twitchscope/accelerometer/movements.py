"""Leg movements from ankle acceleration (WASM 2016 time rules, milli-g amplitudes)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.accelerometer.rules import VANHEES2015, AccelRules
from twitchscope.detect.baseline import resting_level
from twitchscope.detect.emg import hysteresis, merge_close
from twitchscope.io.accelerometer import AccelRecording

F32 = npt.NDArray[np.float32]


def dynamic_envelope(rec: AccelRecording, rules: AccelRules) -> tuple[F32, float]:
    """Mean |magnitude - 1 s running mean| per block, in milli-g, and the block length (s)."""
    mag = rec.magnitude()
    n = mag.shape[0]
    w = max(1, round(rules.gravity_window_s * rec.fs))
    c = np.concatenate([[0.0], np.cumsum(mag, dtype=np.float64)])
    idx = np.arange(n)
    lo = np.clip(idx - w // 2, 0, n)
    hi = np.clip(idx + w - w // 2, 0, n)
    dyn = np.abs(mag - ((c[hi] - c[lo]) / (hi - lo)).astype(np.float32))
    block = max(1, round(rules.block_s * rec.fs))
    nb = n // block
    env = dyn[: nb * block].reshape(nb, block).mean(axis=1).astype(np.float32) * np.float32(1000)
    return env, block / rec.fs


def detect_accel_movements(rec: AccelRecording, rules: AccelRules = VANHEES2015) -> pd.DataFrame:
    """Leg movements of one ankle sensor.

    Returns
    -------
    DataFrame
        ``leg``, ``onset`` (s from the file start), ``duration`` (s), ``amplitude_uv`` (NaN: no
        EMG), ``amplitude_mg`` (peak dynamic acceleration above rest, milli-g), ``resting_mg``.
    """
    env, block_s = dynamic_envelope(rec, rules)
    nb = env.shape[0]
    if nb == 0:
        return _empty()
    group = max(1, round(1.0 / block_s))
    n_groups = -(-nb // group)
    rest = resting_level(env, group, group * block_s, np.zeros(n_groups, dtype=bool))
    none = np.zeros(nb, dtype=bool)
    on, off = hysteresis(
        env, rest, none, none, rules.onset_threshold_mg, rules.offset_threshold_mg,
        math.ceil(rules.offset_min_duration_s / block_s - 1e-9),
    )  # fmt: skip
    on, off = merge_close(on, off, rules.merge_gap_s / block_s - 1e-9)
    ok = (off - on) * block_s >= rules.min_lm_duration_s - 1e-9
    on, off = on[ok], off[ok]
    if on.size == 0:
        return _empty()
    above = np.concatenate([env - rest, [0.0]]).astype(np.float32)
    idx = np.empty(2 * on.size, dtype=np.int64)
    idx[0::2], idx[1::2] = on, off
    peak = np.maximum.reduceat(above, idx)[0::2]
    return pd.DataFrame(
        {
            "leg": np.full(on.size, rec.leg, dtype=object),
            "onset": on * block_s,
            "duration": (off - on) * block_s,
            "amplitude_uv": np.full(on.size, np.nan),
            "amplitude_mg": peak.astype(float),
            "resting_mg": rest[on].astype(float),
        }
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {"leg": pd.Series([], dtype=object), "onset": pd.Series([], dtype=float),
         "duration": pd.Series([], dtype=float), "amplitude_uv": pd.Series([], dtype=float),
         "amplitude_mg": pd.Series([], dtype=float), "resting_mg": pd.Series([], dtype=float)}
    )  # fmt: skip
