"""Is a loaded leg EMG channel usable? Flat, clipped, too slow or of implausible amplitude.

Hard failures (a flat or all-zero channel, one almost entirely clipped, one sampled below the
rule set's minimum rate) raise :class:`~twitchscope.errors.ChannelError`; softer problems are
returned as warnings that name the channel.

Thresholds (documented choices)
-------------------------------
* flat: peak-to-peak of the recorded samples <= :data:`FLAT_PEAK_TO_PEAK_UV` (an EMG amplifier
  always shows some noise; a constant channel is disconnected or empty).
* clipped: share of samples at the channel's extreme values. Above :data:`CLIPPED_ERROR_FRACTION`
  the channel is refused; above :data:`CLIPPED_WARN_FRACTION` a warning is given (a live EMG
  touches its rails only during large artefacts).
* amplitude: the 99th percentile of |x - median| of a leg EMG is normally tens to hundreds of µV;
  below :data:`MIN_P99_UV` or above :data:`MAX_P99_UV` the unit is probably wrong.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from twitchscope.errors import ChannelError
from twitchscope.signal import Signal

FLAT_PEAK_TO_PEAK_UV: Final = 0.01
CLIPPED_ERROR_FRACTION: Final = 0.5
CLIPPED_WARN_FRACTION: Final = 0.01
MIN_P99_UV: Final = 0.5
MAX_P99_UV: Final = 5_000.0
#: At most this many samples (evenly spaced) are used for the percentile estimates.
_SUBSAMPLE: Final = 200_000
#: ... and about this many for the share of clipped samples (an 8 h, 512 Hz leg has 14.7 M).
_CLIP_SAMPLES: Final = 2_000_000


def _default_min_fs() -> float:
    from twitchscope.scoring.rules import WASM2016

    return float(WASM2016.min_sampling_rate_hz)


def check_leg_signal(sig: Signal, source: str, min_fs: float | None = None) -> list[str]:
    """Check that a leg EMG signal can be scored.

    Parameters
    ----------
    sig : Signal
        The loaded channel (µV).
    source : str
        The file it came from, for messages.
    min_fs : float, optional
        Lowest acceptable sampling rate in Hz; default
        ``twitchscope.scoring.rules.WASM2016.min_sampling_rate_hz``.

    Returns
    -------
    list of str
        Warnings naming the channel (empty when all is well).

    Raises
    ------
    ChannelError
        When the channel is sampled too slowly, has no samples, is flat (all zero or constant),
        or is almost entirely clipped.
    """
    limit = _default_min_fs() if min_fs is None else float(min_fs)
    label = sig.label
    if sig.fs < limit:
        raise ChannelError(
            source, label, f"sampled at {sig.fs:g} Hz; leg EMG needs at least {limit:g} Hz"
        )
    data = sig.data
    if data.size == 0:
        raise ChannelError(source, label, "has no recorded samples")
    # min and max first: one pass each, and NaN (EDF+D gaps) shows in them without a mask
    lo, hi = float(np.min(data)), float(np.max(data))
    values = data
    if not (np.isfinite(lo) and np.isfinite(hi)):
        values = data[np.isfinite(data)]
        if values.size == 0:
            raise ChannelError(source, label, "has no recorded samples")
        lo, hi = float(np.min(values)), float(np.max(values))
    if hi - lo <= FLAT_PEAK_TO_PEAK_UV:
        what = "all zero" if lo == 0.0 and hi == 0.0 else f"flat (constant {lo:g} {sig.unit})"
        raise ChannelError(source, label, f"is {what}; the electrode is disconnected or empty")
    # the share of samples at the rails, from evenly spaced samples (at most _CLIP_SAMPLES)
    rails = values[:: max(1, values.size // _CLIP_SAMPLES)]
    clipped = float(np.count_nonzero(rails == lo) + np.count_nonzero(rails == hi)) / rails.size
    if clipped >= CLIPPED_ERROR_FRACTION:
        raise ChannelError(
            source,
            label,
            f"{100 * clipped:.0f}% of samples sit at the amplifier's limits "
            f"({lo:g}/{hi:g} {sig.unit}); almost entirely clipped",
        )
    warnings: list[str] = []
    if clipped >= CLIPPED_WARN_FRACTION:
        warnings.append(
            f"channel {label!r}: {100 * clipped:.1f}% of samples are clipped at {lo:g}/{hi:g} "
            f"{sig.unit}; movements there may be mis-measured"
        )
    step = max(1, values.size // _SUBSAMPLE)
    sample = values[::step].astype(np.float64)
    p99 = float(np.percentile(np.abs(sample - np.median(sample)), 99))
    if p99 < MIN_P99_UV:
        warnings.append(
            f"channel {label!r}: amplitude is implausibly small for leg EMG in {sig.unit} "
            f"(99th percentile {p99:.3g}); check the unit (mV labelled as µV?)"
        )
    elif p99 > MAX_P99_UV:
        warnings.append(
            f"channel {label!r}: amplitude is implausibly large for leg EMG in {sig.unit} "
            f"(99th percentile {p99:.3g}); check the unit (µV labelled as mV?)"
        )
    return warnings
