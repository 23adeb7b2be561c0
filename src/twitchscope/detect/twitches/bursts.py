"""Fine EMG envelope and the burst table of one leg: the building block of the twitch kinds.

Leg movements are found on a ~50 ms envelope with a 0.5 s quiet rule (WASM 2016); the twitch
kinds need finer edges (a fragmentary myoclonus potential lasts <= 150 ms, ALMA bursts follow
each other at up to 3 Hz) and a faster envelope (a tremor's peak can sit at 18 Hz). So this
module takes the same band-pass (and mains notch) as leg-movement detection, a rectified mean
over ~10 ms blocks (100 Hz), blanked around R peaks, smoothed over a few blocks, and the same
adaptive resting level; bursts are found with the same hysteresis, with a short quiet gap.
Everything is vectorised; nothing loops over samples or blocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.detect.baseline import resting_level
from twitchscope.detect.ecg import blank_envelope
from twitchscope.detect.emg import ENVELOPE_SCALE, hysteresis
from twitchscope.detect.filters import EnvelopeShare, block_length, emg_sos, envelope_blocks
from twitchscope.detect.twitches.rules import TwitchRules
from twitchscope.signal import Signal

F32 = npt.NDArray[np.float32]

#: Columns of a burst table.
BURST_COLUMNS = ("leg", "onset", "duration", "amplitude_uv")


@dataclass(frozen=True)
class LegEnvelope:
    """A leg's fine envelope (µV, sine-equivalent) and resting level, one value per block.

    ``valid`` is False where the signal was missing (NaN) or not finite.
    """

    leg: str
    env: F32
    rest: F32
    valid: npt.NDArray[np.bool_]
    block_s: float
    start: float


def running_mean(v: F32, k: int) -> F32:
    """Centred running mean over ``k`` values (cumulative sums; ends use shrunken windows)."""
    n = v.shape[0]
    if k <= 1 or n == 0:
        return v.astype(np.float32, copy=True)
    if k == 3 and n >= 3:  # the default: two shifted adds in float32
        out = v.astype(np.float32, copy=True)
        out[1:] += v[:-1]
        out[:-1] += v[1:]
        out[1:-1] *= np.float32(1.0 / 3.0)
        out[0] *= np.float32(0.5)
        out[-1] *= np.float32(0.5)
        return out
    c = np.concatenate([[0.0], np.cumsum(v, dtype=np.float64)])
    idx = np.arange(n)
    lo = np.clip(idx - k // 2, 0, n)
    hi = np.clip(idx + k - k // 2, 0, n)
    return ((c[hi] - c[lo]) / (hi - lo)).astype(np.float32)


def fine_envelope(
    signal: Signal,
    leg: str,
    rules: TwitchRules,
    bandpass_hz: tuple[float, float],
    r_times: npt.NDArray[np.float64] | None = None,
    share: EnvelopeShare | None = None,
) -> LegEnvelope:
    """The fine envelope of one leg's EMG (µV at ~``rules.envelope_block_s`` resolution).

    ``share``, filled by leg-movement detection's filter pass on the same signal (see
    :class:`~twitchscope.detect.filters.EnvelopeShare`), saves filtering the EMG a second time;
    the envelope is the same either way (both are filtered in the chunks leg-movement detection
    uses).
    """
    fs = float(signal.fs)
    x = np.asarray(signal.data, dtype=np.float32)
    # a float64 sum of float32 values cannot overflow: it is finite when every sample is
    all_finite = math.isfinite(float(np.sum(x, dtype=np.float64)))
    finite = None if all_finite else np.isfinite(x)
    block = max(1, round(fs * rules.envelope_block_s))
    block_s = block / fs
    shared = share.take(fs, block, bandpass_hz) if share is not None else None
    if shared is not None:
        env = shared * np.float32(ENVELOPE_SCALE)
    else:
        if finite is not None:
            x = np.where(finite, x, np.float32(0.0)).astype(np.float32)
        sos, _ = emg_sos(x, fs, bandpass_hz)
        env = envelope_blocks(x, fs, sos, block, chunk_block=block_length(fs))
        env *= np.float32(ENVELOPE_SCALE)
    nb = env.shape[0]
    if finite is None:
        valid = np.ones(nb, dtype=bool)
    else:
        valid = np.asarray(finite[: nb * block].reshape(nb, block).all(axis=1), dtype=bool)
        env[~valid] = 0.0
    if r_times is not None and r_times.size:
        env = blank_envelope(env, block_s, signal.start, r_times)
    env = running_mean(env, rules.envelope_smooth_blocks)
    group = max(1, round(1.0 / block_s))
    n_groups = -(-nb // group)
    bad = ~valid
    pad = n_groups * group - nb
    invalid_groups = np.concatenate([bad, np.ones(pad, dtype=bool)]).reshape(n_groups, group)
    rest = resting_level(env, group, group * block_s, invalid_groups.mean(axis=1) > 0.5)
    return LegEnvelope(leg, env, rest, valid, block_s, float(signal.start))


def find_bursts(le: LegEnvelope, rules: TwitchRules) -> pd.DataFrame:
    """Bursts of one leg: ``leg``, ``onset`` (s), ``duration`` (s), ``amplitude_uv``.

    A burst starts where the envelope exceeds rest + ``burst_onset_uv`` and ends at the start of
    ``burst_quiet_s`` below rest + ``burst_offset_uv``; where the resting level is high both
    thresholds grow in proportion so that the onset is at least ``burst_rest_ratio`` x rest
    above rest. Missing stretches and stretches with a resting level above
    ``max_resting_level_uv`` count as quiet and start nothing. Bursts shorter than
    ``burst_min_s`` are dropped. The amplitude is the peak of the smoothed envelope above rest.
    """
    # Too noisy to score where the resting level is high (as leg-movement detection does).
    excluded = ~le.valid | (le.rest > rules.max_resting_level_uv)
    bridged = np.zeros_like(excluded)
    # Where the resting EMG is high its envelope fluctuates more: the thresholds grow with it
    # (onset at least burst_rest_ratio x rest above rest, offset in proportion).
    # (in place: four envelope-long temporaries fewer, the same float32 operations)
    scale = le.rest * np.float32(rules.burst_rest_ratio)
    scale /= np.float32(rules.burst_onset_uv)
    np.maximum(scale, np.float32(1.0), out=scale)
    env = le.env - le.rest
    env /= scale
    env += le.rest
    del scale
    on, off = hysteresis(
        env,
        le.rest,
        excluded,
        bridged,
        rules.burst_onset_uv,
        rules.burst_offset_uv,
        max(1, math.ceil(rules.burst_quiet_s / le.block_s - 1e-9)),
    )
    keep = (off - on) * le.block_s >= rules.burst_min_s - 1e-9
    on, off = on[keep], off[keep]
    if on.size == 0:
        return empty_bursts()
    above = np.empty(le.env.shape[0] + 1, dtype=np.float32)
    np.subtract(le.env, le.rest, out=above[:-1])
    above[-1] = 0.0
    idx = np.empty(2 * on.size, dtype=np.int64)
    idx[0::2], idx[1::2] = on, off
    peak = np.maximum.reduceat(above, idx)[0::2]
    return pd.DataFrame(
        {
            "leg": np.full(on.size, le.leg, dtype=object),
            "onset": le.start + on * le.block_s,
            "duration": (off - on) * le.block_s,
            "amplitude_uv": peak.astype(np.float64),
        }
    )


def empty_bursts() -> pd.DataFrame:
    """A burst table without rows."""
    return pd.DataFrame(
        {
            "leg": pd.Series([], dtype=object),
            "onset": pd.Series([], dtype=float),
            "duration": pd.Series([], dtype=float),
            "amplitude_uv": pd.Series([], dtype=float),
        }
    )
