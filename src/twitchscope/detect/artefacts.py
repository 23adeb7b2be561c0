"""Stretches of a leg channel that cannot be scored: gaps, flat, clipped, artefact, high noise.

Everything is decided per *group* of samples (about one second, a whole number of envelope
blocks) from cheap reductions of the raw samples (one ``max`` and one ``min`` per group; NaN
counting only when the signal holds NaN), so the cost is a few milliseconds for a night.

Reasons (codes in :data:`REASON_CODES`):

``gap``
    NaN samples (not recorded, EDF+D); the filter restarts after a gap, so one group on each
    side is excluded too.
``flat``
    peak-to-peak at most :data:`FLAT_PTP_UV` over a group (electrode off or amplifier input
    shorted; real resting tibialis EMG shows several µV peak-to-peak), or at most
    :data:`FLAT_REL` of the channel's typical group peak-to-peak when the whole channel is on a
    much smaller scale (wrong unit: then the unit warning, not "flat", is what the user needs).
``clipping``
    at least :data:`CLIP_MIN_SAMPLES` samples and :data:`CLIP_MIN_SHARE` of a group sit at the
    channel's extreme value (the physical rail); the filtered signal there is meaningless.
    Neighbouring groups too.
``artefact``
    electrode pops (steps) and cable motion (large 0.5-5 Hz swings): large changes of the
    low-passed raw signal that muscle activity cannot explain (see :func:`transients`). Excluded
    with their neighbours.
``high_noise``
    the resting level exceeds ``RuleSet.max_resting_level_uv`` (decided after the resting level
    is known, see :func:`high_noise`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from twitchscope.detect.result import EXCLUSION_REASONS, empty_excluded

if TYPE_CHECKING:
    import pandas as pd

F32 = npt.NDArray[np.float32]
I8 = npt.NDArray[np.int8]

#: Share of excluded time above which a warning is given.
MOSTLY_EXCLUDED_SHARE: Final[float] = 0.5
#: Median envelope (µV) outside this range suggests a wrong unit.
PLAUSIBLE_REST_UV: Final[tuple[float, float]] = (0.01, 500.0)
#: Reason code of each exclusion reason (0 = scored).
REASON_CODES: Final[dict[str, int]] = {r: i + 1 for i, r in enumerate(EXCLUSION_REASONS)}
#: A group with a smaller peak-to-peak (µV) is flat.
FLAT_PTP_UV: Final[float] = 0.5
#: ... or at most this share of the channel's 75th-percentile group peak-to-peak, if smaller.
FLAT_REL: Final[float] = 0.05
#: Samples at the rail within one group that make it clipped: at least this many ...
CLIP_MIN_SAMPLES: Final[int] = 3
#: ... and at least this share of the group. A huge burst touching the rail at a few peaks is
#: still a scorable movement; an amplifier stuck at the rail is not.
CLIP_MIN_SHARE: Final[float] = 0.1
#: Groups excluded on each side of an excluded group (filter transients, partial groups).
MARGIN_GROUPS: Final[int] = 1
#: A block-to-block change of the raw block mean above this many µV ...
ARTEFACT_STEP_UV: Final[float] = 60.0
#: ... and above this many times the group's largest envelope value marks an artefact.
ARTEFACT_STEP_RATIO: Final[float] = 1.0


def _dilate(mask: npt.NDArray[np.bool_], k: int) -> npt.NDArray[np.bool_]:
    """Grow True runs by ``k`` elements on each side."""
    if k <= 0 or not mask.any():
        return mask
    out = mask.copy()
    for s in range(1, k + 1):
        out[s:] |= mask[:-s]
        out[:-s] |= mask[s:]
    return out


def _group_view(x: F32, size: int) -> tuple[F32, F32 | None]:
    """Full groups as a 2-D view and the trailing partial group (or None)."""
    g = x.shape[0] // size
    full = x[: g * size].reshape(g, size)
    rest = x[g * size :] if x.shape[0] % size else None
    return full, rest


def _group_reduce(x: F32, size: int, fn: str) -> F32:
    """``max``, ``min`` or ``sum`` per group of ``size`` samples (partial last group included)."""
    full, rest = _group_view(x, size)
    ufunc = {"max": np.maximum, "min": np.minimum, "sum": np.add}[fn]
    parts = [ufunc.reduce(full, axis=1) if full.shape[0] else np.empty(0, np.float32)]
    if rest is not None:
        parts.append(np.array([ufunc.reduce(rest)], dtype=np.float32))
    return np.concatenate(parts).astype(np.float32, copy=False)


def nan_counts(missing: npt.NDArray[np.bool_], group_samples: int) -> F32:
    """Number of missing (NaN) samples per group."""
    return _group_reduce(missing.astype(np.float32), group_samples, "sum")


def flat_threshold(ptp: F32) -> float:
    """Peak-to-peak (µV) at or below which a group is flat, given every group's peak-to-peak."""
    finite = ptp[np.isfinite(ptp)]
    if finite.size == 0:
        return FLAT_PTP_UV
    return min(FLAT_PTP_UV, FLAT_REL * float(np.percentile(finite, 75)))


def raw_exclusions(x: F32, group_samples: int, missing: F32 | None = None) -> tuple[I8, F32]:
    """Reason code per group from the raw samples: gap, flat, clipping.

    Parameters
    ----------
    x : ndarray of float32
        Raw samples in µV, gaps already filled with 0.
    group_samples : int
        Samples per group.
    missing : ndarray of float32, optional
        Missing (NaN) samples per group (:func:`nan_counts`); None when nothing is missing.

    Returns
    -------
    (codes, ptp)
        Reason code per group (0 = usable) and the raw peak-to-peak per group in µV (NaN for
        groups holding no recorded sample).
    """
    hi = _group_reduce(x, group_samples, "max")
    lo = _group_reduce(x, group_samples, "min")
    if missing is None:
        nan_group = np.zeros(hi.shape[0], dtype=bool)
        all_nan = nan_group
    else:
        sizes = np.full(hi.shape[0], group_samples, dtype=np.float32)
        sizes[-1] = x.shape[0] - group_samples * (hi.shape[0] - 1)
        nan_group = missing > 0
        all_nan = missing >= sizes
    ptp = np.where(all_nan, np.float32(np.nan), hi - lo).astype(np.float32)
    codes = np.zeros(ptp.shape[0], dtype=np.int8)

    # clipping: many samples at the global extreme (rail) within a group
    valid = ~all_nan
    flat = valid & (ptp <= flat_threshold(ptp))
    clipped = np.zeros_like(valid)
    whole = valid & ~nan_group  # groups with no filled-in gap samples
    if whole.any() and float(hi[whole].max()) - float(lo[whole].min()) > flat_threshold(ptp):
        top, bottom = float(hi[whole].max()), float(lo[whole].min())
        tol = 1e-6 * (top - bottom)
        for rail, ext, side in ((top, hi, 1.0), (bottom, lo, -1.0)):
            cand = np.flatnonzero(whole & (np.abs(ext - rail) <= tol))
            if cand.size == 0:
                continue
            idx = cand[:, None] * group_samples + np.arange(group_samples)[None, :]
            inside = idx < x.shape[0]  # the last group may be partial
            vals = x[np.minimum(idx, x.shape[0] - 1)]
            at_rail = ((side * (vals - rail) >= -tol) & inside).sum(axis=1)
            need = max(CLIP_MIN_SAMPLES, CLIP_MIN_SHARE * group_samples)
            clipped[cand[at_rail >= need]] = True
    codes[_dilate(flat, MARGIN_GROUPS) & ~clipped] = REASON_CODES["flat"]
    codes[_dilate(clipped, MARGIN_GROUPS)] = REASON_CODES["clipping"]
    codes[_dilate(nan_group, MARGIN_GROUPS)] = REASON_CODES["gap"]
    return codes, ptp


def _per_group_max(v: F32, n_groups: int, group: int) -> F32:
    """Maximum of ``v`` (one value per block) over each group of ``group`` blocks."""
    pad = n_groups * group - v.shape[0]
    vg = np.concatenate([v, np.zeros(max(pad, 0), np.float32)])[: n_groups * group]
    return vg.reshape(n_groups, group).max(axis=1)


def transients(codes: I8, raw_block_mean: F32, env: F32, group: int) -> I8:
    """Add ``artefact`` to usable groups holding electrode pops or cable-motion swings.

    Parameters
    ----------
    codes : ndarray of int8
        Reason code per group.
    raw_block_mean : ndarray of float32
        Mean of the *raw* (unfiltered) samples per envelope block (µV): a low-passed copy of the
        signal, in which muscle activity (15-150 Hz) largely averages out while electrode pops
        (steps) and cable motion (0.5-5 Hz swings of hundreds of µV) remain.
    env : ndarray of float32
        Median-filtered envelope per block (µV); ``group`` blocks per group.

    Notes
    -----
    A group is an artefact when the largest block-to-block change of ``raw_block_mean`` exceeds
    :data:`ARTEFACT_STEP_UV` and :data:`ARTEFACT_STEP_RATIO` x the largest envelope value of the
    group and its two neighbours. For muscle bursts that change is ~0.15-0.25 x the envelope; for
    pops and cable motion it is several times the envelope. Slow baseline drift (sweat,
    < 0.5 Hz) changes the block mean by only a few µV per block and is not flagged.
    """
    n = codes.shape[0]
    step = np.abs(np.diff(raw_block_mean, prepend=raw_block_mean[:1]))
    step_max = _per_group_max(step, n, group)
    env_max = _per_group_max(env, n, group)
    # the envelope of a movement ending (or starting) near a group boundary is in the neighbour
    env_max = np.maximum(env_max, np.concatenate([env_max[1:], env_max[-1:]]))
    env_max = np.maximum(env_max, np.concatenate([env_max[:1], env_max[:-1]]))
    hit = (codes == 0) & (step_max > ARTEFACT_STEP_UV) & (step_max > ARTEFACT_STEP_RATIO * env_max)
    out = codes.copy()
    grown = _dilate(hit, MARGIN_GROUPS) & (out == 0)
    out[grown] = REASON_CODES["artefact"]
    return out


def high_noise(codes: I8, rest_groups: F32, max_resting_uv: float) -> I8:
    """Add ``high_noise`` to usable groups whose resting level exceeds ``max_resting_uv`` (µV).

    One group on each side is added too: the group where the noise begins holds some of it.
    """
    out = codes.copy()
    noisy = rest_groups[: out.shape[0]] > max_resting_uv
    out[(out == 0) & _dilate(noisy, MARGIN_GROUPS)] = REASON_CODES["high_noise"]
    return out


def exclusion_table(codes: I8, group_s: float, start: float, duration: float) -> pd.DataFrame:
    """Merge runs of equal non-zero codes into a table ``onset``, ``duration``, ``reason``.

    ``group_s`` is the length of one group in seconds, ``start`` the time of the first sample and
    ``duration`` the channel's length (the last interval is cut there).
    """
    if not codes.any():
        return empty_excluded()
    change = np.flatnonzero(np.diff(codes.astype(np.int16), prepend=-1, append=-1))
    run_start, run_end = change[:-1], change[1:]
    run_code = codes[run_start]
    keep = run_code != 0
    run_start, run_end, run_code = run_start[keep], run_end[keep], run_code[keep]
    onset = run_start * group_s
    end = np.minimum(run_end * group_s, duration)
    names = np.array(("", *EXCLUSION_REASONS), dtype=object)
    import pandas as pd  # here, not above: a leg's filtering loads without pandas

    return pd.DataFrame(
        {
            "onset": start + onset,
            "duration": end - onset,
            "reason": names[run_code],
        }
    )


def channel_warnings(
    label: str,
    src: str,
    source_unit: str,
    excluded_s: float,
    duration: float,
    table: pd.DataFrame,
    env: F32,
    excluded: npt.NDArray[np.bool_],
) -> list[str]:
    """Human-readable warnings about the channel, each naming it (file and label).

    Warns when more than :data:`MOSTLY_EXCLUDED_SHARE` of the channel could not be scored, and
    when the median envelope of the scored time lies outside :data:`PLAUSIBLE_REST_UV` (most
    likely a channel in mV or V labelled µV, or not a leg EMG).
    """
    out: list[str] = []
    where = f"{src}: channel {label!r}" if src != "signal" else f"channel {label!r}"
    if duration > 0 and excluded_s / duration > MOSTLY_EXCLUDED_SHARE:
        by_reason = table.groupby("reason")["duration"].sum().sort_values(ascending=False)
        reasons = ", ".join(f"{r} {s / 60:.1f} min" for r, s in by_reason.items())
        out.append(
            f"{where}: {100 * excluded_s / duration:.0f} % of the recording could not be scored "
            f"({reasons}); leg-movement counts from it are unreliable"
        )
    level = float(np.median(env[~excluded])) if (~excluded).any() else float(np.median(env))
    lo, hi = PLAUSIBLE_REST_UV
    if level < lo or level > hi:
        out.append(
            f"{where}: median EMG amplitude {level:.3g} µV is implausible for leg EMG "
            f"(expected {lo:g}-{hi:g} µV); the channel is probably in the wrong unit "
            f"(its header says {source_unit!r}) or not a leg EMG"
        )
    return out
