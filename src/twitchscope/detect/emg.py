"""Leg-movement (LM) detection in tibialis anterior EMG, per leg, to WASM 2016 / AASM rules.

Pipeline (each step vectorised; nothing loops over samples or blocks):

1. checks: sampling rate >= ``rules.min_sampling_rate_hz``, not flat, not empty;
2. exclusions from the raw samples (:mod:`twitchscope.detect.artefacts`);
3. band-pass (+ mains notch when a mains peak is present) at the native rate
   (:mod:`twitchscope.detect.filters`);
4. envelope: rectified mean over ~50 ms blocks scaled to *sine-equivalent amplitude*
   (:data:`ENVELOPE_SCALE`), blanked around R peaks when an ECG is given
   (:mod:`twitchscope.detect.ecg`), then a running median of 5 blocks;
5. adaptive resting level (:mod:`twitchscope.detect.baseline`) and ``high_noise`` exclusion;
6. hysteresis: an LM starts where the envelope rises from the resting band to above rest +
   ``onset_threshold_uv`` and ends at the start of the first run of >= ``offset_min_duration_s``
   below rest + ``offset_threshold_uv``; runs are found with ``np.diff`` on boolean masks;
7. no movement starts in an excluded stretch; gaps, flat, clipped and noisy stretches count as
   quiet (a movement running into one ends there), movement artefacts are bridged (see
   :func:`hysteresis`); same-leg LMs less than ``merge_gap_s`` apart are joined; LMs shorter
   than ``min_lm_duration_s`` are dropped; with ``morphology_rule`` an LM must hold a
   ``morphology_window_s`` stretch whose median block envelope exceeds rest +
   ``morphology_threshold_uv`` (rejects spike trains);
8. features per LM: peak of the ~0.25 s mean envelope above rest (which must itself reach
   ``onset_threshold_uv``: a rise lasting a single block is a fluctuation of a noisy resting
   EMG, not a movement), integral of the envelope above rest, resting level at onset.

Amplitude measure: the thresholds of the standards are "µV above the resting EMG", read by eye
on the raw trace as the amplitude of the deflection. We express the envelope as the amplitude of
the sinusoid with the same rectified mean (pi/2 x mean |x|), which for Gaussian-like EMG is
1.25 x its RMS, and apply the 8 µV / 2 µV thresholds to it. With RMS itself, bursts of 10 µV RMS
(clearly visible, ~±25 µV on the trace) would sit at the threshold. Calibrated on the simulated
nights (see ``benchmarks/bench_detect.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from twitchscope.detect import artefacts as art
from twitchscope.detect.baseline import resting_level, resting_noise
from twitchscope.detect.ecg import blank_envelope, r_peak_times
from twitchscope.detect.filters import (
    EnvelopeShare,
    block_length,
    block_mean,
    emg_sos,
    envelope_blocks_many,
    median5,
)
from twitchscope.detect.result import LegDetection, empty_movements
from twitchscope.errors import ChannelError, ValidationError
from twitchscope.scoring.rules import WASM2016, RuleSet
from twitchscope.signal import Signal

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
#: R-peak times (s), None without ECG, or a function that waits for them and returns them.
BeatTimes: TypeAlias = npt.NDArray[np.float64] | Callable[[], npt.NDArray[np.float64] | None] | None

#: Envelope scale: sine-equivalent amplitude from the rectified mean (pi / 2).
ENVELOPE_SCALE: Final[float] = math.pi / 2
#: Longest step back (s) from the onset-threshold crossing to the start of the rise.
ONSET_LOOKBACK_S: Final[float] = 0.25
#: Blocks averaged before taking a movement's peak amplitude.
AMPLITUDE_SMOOTH_BLOCKS: Final[int] = 5
#: The onset look-back treats a block as resting when it is within ``offset_threshold_uv`` plus
#: this many standard deviations of the envelope's own estimation noise at rest (a 50 ms block
#: of resting EMG fluctuates by 10-40 % of its level). 0 switches the noise allowance off
#: everywhere (the rule before it: each block within 2 µV, which delayed offsets on noisy legs
#: and made brief twitches pass the 0.5 s minimum).
NOISE_TOLERANCE: Final[float] = 2.5
#: The offset's quiet period is judged on its mean over 0.5 s, which allows this many standard
#: deviations of the block noise on top of ``offset_threshold_uv`` (the mean of 10 correlated
#: blocks fluctuates about 0.6 x as much as one block).
WINDOW_NOISE_TOLERANCE: Final[float] = 1.5
#: Artefact stretches up to this many groups (~1 s each) are bridged (cable motion caused by a
#: body movement); longer ones (an electrode off, a lead picking up mains for minutes) end a
#: movement running into them like any excluded stretch.
BRIDGE_MAX_GROUPS: Final[int] = 20
#: Shortest channel accepted, in seconds.
MIN_DURATION_S: Final[float] = 2.0


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """Start and end (exclusive) indices of the True runs of ``mask``."""
    d = np.diff(mask.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(d == 1).astype(np.int64), np.flatnonzero(d == -1).astype(np.int64)


def hysteresis(
    env: F32,
    rest: F32,
    excluded: npt.NDArray[np.bool_],
    bridged: npt.NDArray[np.bool_],
    onset_uv: float,
    offset_uv: float | F32,
    offset_blocks: int,
    lookback_blocks: int = 0,
    window_uv: float | F32 | None = None,
) -> tuple[I64, I64]:
    """Onset and offset block indices of movements by the onset/offset rule.

    A movement starts at the first block where ``env > rest + onset_uv`` after the end of a quiet
    run and ends at the start of the next quiet run: at least ``offset_blocks`` consecutive
    blocks with ``env < rest + offset_uv``. No movement starts in an excluded block. Excluded
    blocks count as quiet, except ``bridged`` ones (movement artefacts: cable motion is caused
    by a body movement, so muscle activity running into one, or following it with no quiet run
    between, is one movement with it, which then starts where the artefact does; an artefact
    with quiet EMG on both sides produces nothing). A movement still active at the end ends
    there.

    The onset is then moved back to the start of the rise that crossed the onset threshold: the
    first block after the last one within ``offset_uv`` of rest, at most ``lookback_blocks``
    earlier. The standard's "increase of >= 8 µV above resting" starts where the EMG leaves the
    resting band, which is also where the offset rule puts the end; taking the crossing itself
    would make every movement shorter by its rise time (20-100 ms), enough to push genuine
    0.5-0.6 s movements below the minimum duration.

    With ``window_uv`` the quiet test is made on the mean over each run of ``offset_blocks``
    blocks instead of block by block: a block is quiet when it lies in a run of
    ``offset_blocks`` blocks whose mean is below ``window_uv`` above rest ("a period of at
    least 0.5 s during which the EMG stays within 2 µV of resting", judged on the period, so
    that the envelope's own estimation noise in single 50 ms blocks does not delay an offset,
    nor split a movement whose activity dips for a moment); each quiet block must then also be
    below ``offset_uv`` itself.

    Returns
    -------
    (on, off)
        Block indices, ``off`` exclusive, sorted.
    """
    n = env.shape[0]
    above = env - rest
    if window_uv is None or n < offset_blocks or offset_blocks < 1:
        low = above < offset_uv
    else:
        w = offset_blocks
        c = np.concatenate([[0.0], np.cumsum(above, dtype=np.float64)])
        mean = (c[w:] - c[:-w]) / w  # mean of the window starting at block i
        limit = np.broadcast_to(np.asarray(window_uv, dtype=np.float64), (n,))[: n - w + 1]
        starts = np.zeros(n, dtype=np.int32)
        starts[: n - w + 1] = mean < limit
        del mean, c
        # block j is covered by a passing window starting at i for j - w < i <= j
        cs = np.cumsum(starts, dtype=np.int32)
        covered = cs.copy()
        covered[w:] -= cs[: n - w]
        # a block also has to be quiet itself: a window may pass with a movement's first or
        # last block in it, which must not be taken for rest
        low = (covered > 0) & (above < offset_uv)
    quiet = (low | excluded) & ~bridged
    qs, qe = _runs(quiet)
    long = (qe - qs) >= offset_blocks
    qs, qe = qs[long], qe[long]
    seg_start = np.concatenate([[0], qe]).astype(np.int64)
    seg_end = np.concatenate([qs, [n]]).astype(np.int64)
    ok = seg_end > seg_start
    seg_start, seg_end = seg_start[ok], seg_end[ok]
    on_idx = np.flatnonzero((above > onset_uv) & ~excluded)
    if on_idx.size == 0 or seg_start.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pos = np.searchsorted(on_idx, seg_start)
    has = pos < on_idx.size
    first_on = np.where(has, on_idx[np.minimum(pos, on_idx.size - 1)], n)
    valid = has & (first_on < seg_end)
    on, off = first_on[valid].astype(np.int64), seg_end[valid]
    if lookback_blocks > 0 and on.size:
        low_idx = np.flatnonzero((above < offset_uv) | excluded)
        pos = np.searchsorted(low_idx, on) - 1
        last_low = np.where(pos >= 0, low_idx[np.maximum(pos, 0)], -1)
        on = np.maximum(np.maximum(last_low + 1, on - lookback_blocks), seg_start[valid])
    b_idx = np.flatnonzero(bridged)
    if b_idx.size and on.size:
        # muscle activity right after a movement artefact (no quiet run between) started with it
        pos = np.searchsorted(b_idx, seg_start[valid])
        first_b = np.where(pos < b_idx.size, b_idx[np.minimum(pos, b_idx.size - 1)], n)
        on = np.where(first_b < on, first_b, on)
    return on, off


def _short_runs(mask: npt.NDArray[np.bool_], max_len: int) -> npt.NDArray[np.bool_]:
    """``mask`` with its True runs longer than ``max_len`` elements cleared."""
    start, end = _runs(mask)
    long = (end - start) > max_len
    if not long.any():
        return mask
    d = np.zeros(mask.shape[0] + 1, dtype=np.int32)
    np.add.at(d, start[long], 1)
    np.add.at(d, end[long], -1)
    return mask & ~(np.cumsum(d[:-1]) > 0)


def merge_close(on: I64, off: I64, gap_blocks: float) -> tuple[I64, I64]:
    """Join movements whose gap (next onset minus offset, in blocks) is below ``gap_blocks``."""
    if on.size < 2:
        return on, off
    new_group = np.concatenate([[True], (on[1:] - off[:-1]) >= gap_blocks])
    starts = np.flatnonzero(new_group)
    ends = np.concatenate([starts[1:], [on.size]]) - 1
    return on[starts], off[ends]


def morphology_ok(
    fine: F32, rest: F32, on: I64, off: I64, window_blocks: int, threshold_uv: float
) -> npt.NDArray[np.bool_]:
    """WASM morphology rule: does each movement hold a window whose median exceeds the threshold?

    The median of ``window_blocks`` block-envelope values exceeds rest + ``threshold_uv`` when
    more than half of them do; checked for every window inside ``[on, off)`` with cumulative sums.
    """
    n = fine.shape[0]
    if on.size == 0:
        return np.zeros(0, dtype=bool)
    high = ((fine - rest) > threshold_uv).astype(np.int32)
    c = np.concatenate([[0], np.cumsum(high)])
    w = window_blocks
    if n < w:
        return np.zeros(on.size, dtype=bool)
    good = 2 * (c[w:] - c[:-w]) > w  # window starting at i, for i in 0..n-w
    cg = np.concatenate([[0], np.cumsum(good)])
    last_start = np.minimum(off - w, n - w)  # last window start inside the movement
    lo = on
    hi = last_start + 1
    fits = hi > lo
    counts = np.where(fits, cg[np.clip(hi, 0, n - w + 1)] - cg[np.clip(lo, 0, n - w + 1)], 0)
    return fits & (counts > 0)


def _features(
    fine: F32, rest: F32, on: I64, off: I64, block_s: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Peak (µV) and integral (µV·s) of the envelope above rest, and the rest at onset.

    The peak is taken on the block envelope averaged over :data:`AMPLITUDE_SMOOTH_BLOCKS`
    blocks (~0.25 s): the maximum of a noisy envelope overstates the burst's amplitude by
    roughly twice the envelope's own fluctuation, averaging first keeps that bias small.
    """
    if on.size == 0:
        e = np.empty(0)
        return e, e, e
    above = (fine - rest).astype(np.float64)
    k = AMPLITUDE_SMOOTH_BLOCKS
    c = np.concatenate([[0.0], np.cumsum(above)])
    n = above.size
    lo = np.clip(np.arange(n) - k // 2, 0, n)
    hi = np.clip(np.arange(n) + k - k // 2, 0, n)
    smooth = np.concatenate([(c[hi] - c[lo]) / (hi - lo), [0.0]])
    idx = np.empty(2 * on.size, dtype=np.int64)
    idx[0::2], idx[1::2] = on, off
    peak = np.maximum.reduceat(smooth, idx)[0::2]
    clipped = np.concatenate([np.maximum(above, 0.0), [0.0]])
    area = np.add.reduceat(clipped, idx)[0::2] * block_s
    return peak, area, rest[on].astype(np.float64)


def detect_leg_movements(
    signal: Signal,
    leg: Literal["left", "right"],
    *,
    rules: RuleSet = WASM2016,
    ecg: Signal | None = None,
    r_times: BeatTimes = None,
    share: EnvelopeShare | None = None,
) -> LegDetection:
    """Detect leg movements on one leg's tibialis anterior EMG.

    Parameters
    ----------
    signal : Signal
        The leg EMG in µV at its native rate (NaN for gaps).
    leg : {"left", "right"}
        Which leg the channel records.
    rules : RuleSet
        Detection thresholds and windows (``WASM2016`` by default).
    ecg : Signal, optional
        ECG channel; when given, the leg envelope is blanked around its R peaks.
    r_times : ndarray or callable, optional
        R-peak times (s) already found (used instead of ``ecg``; lets two legs share one pass),
        or a function returning them (or None), called once the EMG is filtered: the R peaks
        can then be found while the legs are filtered.
    share : EnvelopeShare, optional
        Filled with a finer block envelope of the same band-passed EMG, made in the same filter
        pass, for twitch detection (see :class:`~twitchscope.detect.filters.EnvelopeShare`).
        The detection itself is the same with or without it.

    Returns
    -------
    LegDetection
        Movements (onset and duration in s, amplitude in µV, area in µV·s), exclusions, resting
        level statistics and warnings.

    Raises
    ------
    ValidationError
        ``leg`` is not ``"left"`` or ``"right"``.
    ChannelError
        The channel is sampled below ``rules.min_sampling_rate_hz``, shorter than 2 s, holds no
        samples, or is flat.
    """
    if leg not in ("left", "right"):
        raise ValidationError("leg", f"must be 'left' or 'right', got {leg!r}")
    src, label, fs = signal.source or "signal", signal.label, float(signal.fs)
    if fs < rules.min_sampling_rate_hz:
        raise ChannelError(
            src,
            label,
            f"sampled at {fs:g} Hz, below the {rules.min_sampling_rate_hz:g} Hz needed to detect "
            "leg movements in EMG",
        )
    x = np.asarray(signal.data, dtype=np.float32)
    duration = x.shape[0] / fs
    if duration < MIN_DURATION_S:
        raise ChannelError(src, label, f"only {duration:.2f} s long; need at least 2 s")
    block = block_length(fs)
    block_s = block / fs
    group = max(1, round(1.0 / block_s))
    group_s = group * block_s

    raw_mean = block_mean(x, block)  # NaN or inf anywhere shows in its sum
    tail = x[raw_mean.shape[0] * block :]
    missing = None
    if not (math.isfinite(float(raw_mean.sum())) and bool(np.isfinite(tail).all())):
        gap = ~np.isfinite(x)
        missing = art.nan_counts(gap, block * group)
        x = np.where(gap, np.float32(0.0), x).astype(np.float32)
        del gap
        raw_mean = block_mean(x, block)
    codes, ptp = art.raw_exclusions(x, block * group, missing)
    valid_groups = np.isfinite(ptp)
    if not valid_groups.any():
        raise ChannelError(src, label, "holds no recorded samples (all gaps)")
    if (codes[valid_groups] == art.REASON_CODES["flat"]).all():
        raise ChannelError(
            src,
            label,
            f"is flat (peak-to-peak at most {float(np.nanmax(ptp)):.3g} µV in every second): "
            "electrode off, or not a recorded channel",
        )
    sos, notched = emg_sos(x, fs, rules.bandpass_hz)
    if share is not None and (extra := share.wants(fs, rules.bandpass_hz)) is not None:
        # chunked on this detector's blocks: its envelope is the same as without the share
        fine, finer = envelope_blocks_many(x, fs, sos, (block, extra))
        share.fill(fs, extra, finer)
    else:
        (fine,) = envelope_blocks_many(x, fs, sos, (block,))
    fine *= np.float32(ENVELOPE_SCALE)
    if callable(r_times):
        r_times = r_times()
    if r_times is None and ecg is not None:
        r_times = r_peak_times(ecg)
    if r_times is not None and r_times.size:
        fine = blank_envelope(fine, block_s, signal.start, r_times)
    env = median5(fine)
    nb = env.shape[0]
    codes = codes[: -(-nb // group)]

    codes = art.transients(codes, raw_mean, env, group)
    rest = resting_level(env, group, group_s, codes != 0)
    rest_groups = rest[::group]
    codes = art.high_noise(codes, rest_groups, rules.max_resting_level_uv)
    excluded = np.repeat(codes != 0, group)[:nb]
    bridged = np.repeat(
        _short_runs(codes == art.REASON_CODES["artefact"], BRIDGE_MAX_GROUPS), group
    )[:nb]

    noise = resting_noise(env, rest, group, codes != 0)
    off_uv = np.float32(rules.offset_threshold_uv) + np.float32(NOISE_TOLERANCE) * noise
    window_uv = np.float32(rules.offset_threshold_uv) + np.float32(WINDOW_NOISE_TOLERANCE) * noise
    on, off = hysteresis(
        env,
        rest,
        excluded,
        bridged,
        rules.onset_threshold_uv,
        off_uv,
        math.ceil(rules.offset_min_duration_s / block_s - 1e-9),
        round(ONSET_LOOKBACK_S / block_s),
        window_uv if NOISE_TOLERANCE > 0 else None,
    )
    on, off = merge_close(on, off, rules.merge_gap_s / block_s - 1e-9)
    long_enough = (off - on) * block_s >= rules.min_lm_duration_s - 1e-9
    on, off = on[long_enough], off[long_enough]
    if rules.morphology_rule and on.size:
        ok = morphology_ok(
            fine,
            rest,
            on,
            off,
            math.ceil(rules.morphology_window_s / block_s - 1e-9),
            rules.morphology_threshold_uv,
        )
        on, off = on[ok], off[ok]
    peak, area, rest_on = _features(fine, rest, on, off, block_s)
    # the rise must hold for ~0.25 s, not be one upward fluctuation of a noisy resting EMG
    sustained = peak >= rules.onset_threshold_uv
    on, off = on[sustained], off[sustained]
    peak, area, rest_on = peak[sustained], area[sustained], rest_on[sustained]

    if on.size:
        # pandas is first needed here: a leg's filtering runs while another thread imports it
        import pandas as pd

        movements = pd.DataFrame(
            {
                "leg": np.full(on.size, leg, dtype=object),
                "onset": signal.start + on * block_s,
                "duration": (off - on) * block_s,
                "amplitude_uv": peak,
                "area_uv_s": area,
                "resting_uv": rest_on,
            }
        )
    else:
        movements = empty_movements()

    excluded_s = float(min(np.count_nonzero(excluded) * block_s, duration))
    table = art.exclusion_table(codes, group_s, signal.start, duration)
    scored_rest = rest[~excluded]
    rest_med = float(np.median(scored_rest)) if scored_rest.size else float("nan")
    rest_p95 = float(np.percentile(scored_rest, 95)) if scored_rest.size else float("nan")
    warnings = art.channel_warnings(
        label, src, signal.source_unit, excluded_s, duration, table, env, excluded
    )
    return LegDetection(
        leg=leg,
        channel=label,
        fs=fs,
        duration=duration,
        movements=movements,
        excluded=table,
        excluded_s=excluded_s,
        resting_uv_median=rest_med,
        resting_uv_p95=rest_p95,
        warnings=warnings,
        mains_notch_hz=tuple(float(f) for f in notched),
    )


def detect_legs(
    left: Signal,
    right: Signal,
    *,
    rules: RuleSet = WASM2016,
    ecg: Signal | None = None,
    r_times: npt.NDArray[np.float64] | None = None,
) -> tuple[LegDetection, LegDetection]:
    """Detect leg movements on both legs (R peaks of ``ecg`` found once for both).

    ``r_times`` (R-peak times in s, already found) is used instead of ``ecg`` when given.

    Returns
    -------
    (left, right)
        One :class:`LegDetection` per leg. Raises like :func:`detect_leg_movements`.
    """
    if r_times is None and ecg is not None:
        r_times = r_peak_times(ecg)
    return (
        detect_leg_movements(left, "left", rules=rules, r_times=r_times),
        detect_leg_movements(right, "right", rules=rules, r_times=r_times),
    )
