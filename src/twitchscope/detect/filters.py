"""Signal conditioning of leg EMG: band-pass, mains notch, and the amplitude envelope.

Choices, and why:

- **Band-pass at the native rate.** WASM 2016 asks for ~10-100 Hz and no downsampling of the EMG
  itself. We use a 4th-order Butterworth band-pass (2nd order per edge) as second-order sections
  in float32. The upper edge is clipped to 0.45 x the sampling rate so that a 200 Hz channel
  still gets a valid filter; when that leaves no room for a band the filter is a high-pass.
- **Causal, one pass, not forward-backward.** The filter's group delay in the EMG band is a few
  milliseconds, far below the 50 ms resolution of the envelope and the 0.1 s tolerance of
  onsets, and one pass costs half of a forward-backward one (the filter is the single most
  expensive step of detection). The state is warmed up on a copy of the first second
  placed before the start (see :func:`filter_emg`), so neither a DC offset nor the notch rings
  at the start.
  The filter runs in numpy (:mod:`twitchscope.detect.iir`, equal to ``scipy.signal.sosfilt`` up
  to float32 rounding), chunk by chunk: :func:`envelope_blocks` keeps only the block envelope.
- **Mains notch only when a mains peak of at least 2 µV is present**, found by a cheap spectral
  check on 64 one-second segments spread over the night (weaker hum only raises the resting
  level a little, while a notch rings after strong bursts); notch sections are appended to the
  band-pass cascade, which costs little extra (the filter's state grows by 2 per notch).
- **Envelope = rectified mean over ~50 ms blocks, then a running median of 5 blocks (~250 ms).**
  The rectified mean (mean absolute value) of the band-passed EMG, scaled to the amplitude of
  the sinusoid with the same rectified mean (see :mod:`twitchscope.detect.emg`), is the
  amplitude measure the µV thresholds of the rules are applied to. The block mean is computed
  with a reshape (no loop) and reduces the series 26-fold, so all later steps run at ~20 Hz.
  The running median of 5 blocks keeps step edges (onsets and offsets are not shifted) and
  removes anything that raises at most 2 of 5 blocks: QRS complexes leaking from the heart
  (20-80 ms, at most one per 250 ms at heart rates below 240/min) and electrode pops, so they
  neither create nor extend movements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from twitchscope.detect.iir import StateSpaceFilter, butter_sos, notch_sos, steady_state

F32 = npt.NDArray[np.float32]

#: Target length of one envelope block in seconds (the envelope's time resolution).
ENVELOPE_BLOCK_S: Final[float] = 0.05
#: Butterworth order per band edge.
BANDPASS_ORDER: Final[int] = 2
#: The upper band edge is clipped to this fraction of the sampling rate.
MAX_EDGE_FRACTION_OF_FS: Final[float] = 0.45
#: Mains frequencies checked, Hz.
MAINS_HZ: Final[tuple[float, ...]] = (50.0, 60.0)
#: A mains peak is present when its power exceeds the median of the neighbouring bins this much.
MAINS_PEAK_RATIO: Final[float] = 8.0
#: Quality factor of the notch. A narrow notch (Q 30: 1.7 Hz wide at 50 Hz) rings for ~0.2 s
#: after every strong burst (its narrow pass band holds the burst's mains-frequency content and
#: lets it die away slowly), which lengthened brief twitches by 0.2-0.3 s; at Q 8 the ringing
#: dies within ~30 ms while the notch (6 Hz wide) takes only ~4 % of the EMG's amplitude.
NOTCH_Q: Final[float] = 8.0
#: Hum below this amplitude (µV) is not notched: it only raises the resting level a little,
#: while every notch rings after strong bursts.
MAINS_MIN_UV: Final[float] = 2.0
#: Seconds of signal run backwards through the filter to set its initial state.
WARMUP_S: Final[float] = 1.0
#: Number of one-second segments looked at by the mains check.
MAINS_CHECK_SEGMENTS: Final[int] = 64
#: Samples filtered at a time (rounded down to whole envelope blocks): the filter's temporaries
#: (1 MB) stay in the CPU cache, and no full-length filtered copy of the signal exists. Measured
#: on 8 h at 512 Hz: 2^16-2^18 take ~70 ms per leg, 2^19-2^21 ~105 ms.
FILTER_CHUNK: Final[int] = 2**18


@dataclass
class EnvelopeShare:
    """A second block envelope asked of leg-movement detection's filter pass, for twitch detection.

    Twitch detection needs ~10 ms blocks of the same band-passed EMG that leg-movement
    detection averages over ~50 ms blocks. Give one ``EnvelopeShare`` per leg to
    :func:`twitchscope.detect.emg.detect_leg_movements` (which fills it from its own filter pass,
    :func:`envelope_blocks_many`) and then to
    :func:`twitchscope.detect.twitches.bursts.fine_envelope` (which takes it instead of filtering
    again): the same values as a pass of its own, for half the filtering.

    Parameters
    ----------
    block_s : float
        Wanted block length in seconds (rounded to whole samples, at least one).
    bandpass_hz : (low, high)
        The band-pass the envelope is for; filled only when the detector uses the same one.
    """

    block_s: float
    bandpass_hz: tuple[float, float]
    #: Sampling rate (Hz) and samples per block of ``values``, once filled.
    fs: float = 0.0
    block: int = 0
    #: Mean absolute value (µV, not scaled) of the band-passed EMG per block, once filled.
    values: F32 | None = field(default=None, repr=False)

    def wants(self, fs: float, bandpass_hz: tuple[float, float]) -> int | None:
        """Samples per block to fill at ``fs`` with ``bandpass_hz``, or None (another band)."""
        if tuple(map(float, bandpass_hz)) != tuple(map(float, self.bandpass_hz)):
            return None
        return max(1, round(fs * self.block_s))

    def fill(self, fs: float, block: int, values: F32) -> None:
        """Keep the envelope made at ``fs`` with ``block`` samples per block."""
        self.fs, self.block, self.values = float(fs), int(block), values

    def take(self, fs: float, block: int, bandpass_hz: tuple[float, float]) -> F32 | None:
        """The envelope when it was made at ``fs``, ``block`` and ``bandpass_hz``, else None."""
        if self.values is None or self.fs != float(fs) or self.block != block:
            return None
        return self.values if self.wants(fs, bandpass_hz) == block else None


def block_length(fs: float) -> int:
    """Number of samples in one envelope block (about :data:`ENVELOPE_BLOCK_S`), at least 1."""
    return max(1, round(fs * ENVELOPE_BLOCK_S))


def bandpass_sos(fs: float, band_hz: tuple[float, float]) -> npt.NDArray[np.float64]:
    """Second-order sections of the EMG band-pass at sampling rate ``fs`` (Hz).

    The upper edge is clipped to ``0.45 * fs``; when it then is not above 1.5 x the lower edge,
    the filter is a high-pass at the lower edge.
    """
    low, high = float(band_hz[0]), float(band_hz[1])
    high = min(high, MAX_EDGE_FRACTION_OF_FS * fs)
    low = min(low, 0.4 * fs)
    if high > 1.5 * low:
        return butter_sos(BANDPASS_ORDER, (low, high), "bandpass", fs)
    return butter_sos(2 * BANDPASS_ORDER, (low,), "highpass", fs)


def detect_mains(x: F32, fs: float) -> list[float]:
    """Mains frequencies (and harmonics) present in ``x`` as narrow spectral peaks.

    Looks at :data:`MAINS_CHECK_SEGMENTS` one-second segments spread evenly over the signal
    (segments holding NaN are skipped), averages their power spectra, and reports each of
    50/60 Hz and its 2nd harmonic (below 0.45 x fs) whose power exceeds
    :data:`MAINS_PEAK_RATIO` x the median power 3-10 Hz away and whose amplitude is at least
    :data:`MAINS_MIN_UV`.

    Returns
    -------
    list of float
        Frequencies in Hz to notch; empty when no mains peak is found.
    """
    seg = int(fs)
    n = x.shape[0]
    if seg < 8 or n < seg:
        return []
    count = min(MAINS_CHECK_SEGMENTS, n // seg)
    starts = np.linspace(0, n - seg, count).astype(np.int64)
    segs = x[starts[:, None] + np.arange(seg)[None, :]].astype(np.float64)
    segs = segs[np.isfinite(segs).all(axis=1)]
    if segs.shape[0] == 0:
        return []
    segs -= segs.mean(axis=1, keepdims=True)
    window = np.hanning(seg)
    power = (np.abs(np.fft.rfft(segs * window, axis=1)) ** 2).mean(axis=0)
    freqs = np.fft.rfftfreq(seg, 1.0 / fs)
    found: list[float] = []
    for f0 in MAINS_HZ:
        for f in (f0, 2 * f0):
            if f >= MAX_EDGE_FRACTION_OF_FS * fs:
                continue
            peak = power[np.abs(freqs - f) <= 1.0].max()
            near = power[(np.abs(freqs - f) >= 3.0) & (np.abs(freqs - f) <= 10.0)]
            if not near.size:
                continue
            background = max(float(np.median(near)), 1e-30)
            # amplitude of a sinusoid whose windowed spectrum peaks at `peak` above background
            amplitude = 2.0 * np.sqrt(max(peak - background, 0.0)) / float(window.sum())
            if peak > MAINS_PEAK_RATIO * background and amplitude >= MAINS_MIN_UV:
                found.append(f)
    return found


def emg_sos(
    x: F32, fs: float, band_hz: tuple[float, float]
) -> tuple[npt.NDArray[np.float64], list[float]]:
    """The full filter cascade for ``x``: band-pass plus a notch for each mains peak found.

    Returns
    -------
    (sos, notched)
        Second-order sections and the notched frequencies in Hz.
    """
    sos = bandpass_sos(fs, band_hz)
    notched = detect_mains(x, fs)
    parts = [sos]
    for f in notched:
        parts.append(notch_sos(f, NOTCH_Q, fs))
    return np.vstack(parts), notched


def _warm_state(
    x: F32, fs: float, filt: StateSpaceFilter, sos: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], float]:
    """Filter state at the first sample, and the offset subtracted from the input.

    The state is run over a copy of the first :data:`WARMUP_S` seconds placed before the start
    (``x[0:m]`` as if it had been recorded just before ``x[0]``), from the steady state of its
    first value. A whole second holds whole cycles of 50 and 60 Hz mains at any whole-number
    rate, so the hum continues without a phase jump into the signal and the notch does not ring
    at the start (an odd extension reverses the hum's phase and let ~0.5 s of it through, enough
    for a false movement at t = 0 when the hum is strong); the EMG's own jump at the join is a
    noise-sized step that the band-pass forgets within a block. The returned offset ``c``
    (``x[0]``) is subtracted from every sample before filtering: the band-pass has no gain at
    DC, so the output is the same, and float32 rounding is relative to the EMG, not to a large
    electrode offset.
    """
    c = float(x[0])
    m = min(x.shape[0], max(1, round(WARMUP_S * fs)))
    head = (x[:m] - np.float32(c)).astype(np.float32)
    zi = steady_state(sos) * float(head[0])
    _, state = filt.run(head, zi)
    return state, c


def _chunks(n: int, block: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of about :data:`FILTER_CHUNK` samples, each a
    whole number of ``block`` samples (the last one takes the rest)."""
    size = max(block, (FILTER_CHUNK // block) * block)
    return [(i, min(n, i + size)) for i in range(0, n, size)]


def filter_emg(x: F32, fs: float, sos: npt.NDArray[np.float64]) -> F32:
    """Apply ``sos`` to ``x`` (float32, no NaN) in one causal pass, warmed up.

    The filter state is first run over a copy of the first :data:`WARMUP_S` seconds placed
    before the start (whole mains cycles, see :func:`_warm_state`), so neither a DC offset nor
    the notch's slow settling rings at the start. Filtered
    chunk by chunk with the state carried over (:mod:`twitchscope.detect.iir`).
    """
    if x.shape[0] < 2:
        return x.astype(np.float32)
    filt = StateSpaceFilter(sos)
    state, c = _warm_state(x, fs, filt, sos)
    out = np.empty(x.shape[0], dtype=np.float32)
    for a, b in _chunks(x.shape[0], 1):
        out[a:b], state = filt.run(x[a:b] - np.float32(c), state)
    return out


def envelope_blocks(
    x: F32, fs: float, sos: npt.NDArray[np.float64], block: int, *, chunk_block: int | None = None
) -> F32:
    """Mean absolute value (µV) per block of ``block`` samples of ``x`` filtered by ``sos``.

    Equals ``block_mean_abs(filter_emg(x, fs, sos), block)`` (a trailing part shorter than a
    block is dropped), computed chunk by chunk: the filtered signal never exists full length.
    The chunks are whole multiples of ``chunk_block`` samples (default ``block``; see
    :func:`envelope_blocks_many`).
    """
    return envelope_blocks_many(x, fs, sos, (block,), chunk_block=chunk_block)[0]


def envelope_blocks_many(
    x: F32,
    fs: float,
    sos: npt.NDArray[np.float64],
    blocks: Sequence[int],
    *,
    chunk_block: int | None = None,
) -> list[F32]:
    """:func:`envelope_blocks` for several block lengths at once, from one filter pass.

    Leg-movement detection (~50 ms blocks) and twitch detection (~10 ms blocks) use the same
    band-passed EMG: filtering it once for both halves the most expensive step of the two.

    The signal is filtered in chunks of whole multiples of ``chunk_block`` samples (default
    ``blocks[0]``), the chunks :func:`envelope_blocks` uses for that block length, so that the
    envelope of that length is the same to the last bit whichever other lengths are asked for;
    a block of another length that straddles two chunks takes its samples from both. (Filter
    outputs depend on the chunk grid by float32 rounding only.) Returns one envelope per entry
    of ``blocks``, in that order.
    """
    n = x.shape[0]
    outs = [np.empty(n // b, dtype=np.float32) for b in blocks]
    if all(o.shape[0] == 0 for o in outs):
        return outs
    if n < 2:
        return [block_mean_abs(x.astype(np.float32), b) for b in blocks]
    grid = blocks[0] if chunk_block is None else chunk_block
    usable = max(o.shape[0] * b for b, o in zip(blocks, outs, strict=True))
    chunks = _chunks((n // grid) * grid, grid)
    done = chunks[-1][1] if chunks else 0
    if usable > done:
        chunks.append((done, usable))
    filt = StateSpaceFilter(sos)
    state, c = _warm_state(x, fs, filt, sos)
    offset = np.float32(c)
    # per block length: the filtered samples of a block left incomplete at the end of a chunk
    carry: list[F32] = [np.empty(0, dtype=np.float32) for _ in blocks]
    for a, stop in chunks:
        y, state = filt.run(x[a:stop] - offset, state)
        np.abs(y, out=y)
        for i, (b, out) in enumerate(zip(blocks, outs, strict=True)):
            seg = y if carry[i].size == 0 else np.concatenate([carry[i], y])
            lo = (a - carry[i].size) // b
            k = max(0, min(seg.shape[0] // b, out.shape[0] - lo))
            if k:
                sums = _block_sums(seg[: k * b], b)
                sums *= np.float32(1.0 / b)
                out[lo : lo + k] = sums
            # samples left over start the next block (none once the envelope is complete)
            carry[i] = seg[k * b :].copy() if lo + k < out.shape[0] else seg[:0]
    return outs


def _block_sums(x: F32, block: int) -> F32:
    """Sum of each run of ``block`` samples of ``x`` (``x.size`` a multiple of ``block``).

    A matrix-vector product with ones: about twice as fast as ``sum(axis=1)`` on rows this short.
    """
    nb = x.shape[0] // block
    ones = np.ones(block, dtype=np.float32)
    return np.asarray(x.reshape(nb, block) @ ones, dtype=np.float32)


def block_mean(x: F32, block: int) -> F32:
    """Mean of ``x`` over consecutive blocks of ``block`` samples (a cheap low-pass), µV."""
    nb = x.shape[0] // block
    out = _block_sums(x[: nb * block], block)
    out *= np.float32(1.0 / block)
    return out


def block_mean_abs(y: F32, block: int, *, overwrite: bool = False) -> F32:
    """Mean absolute value of ``y`` over consecutive blocks of ``block`` samples (µV).

    A trailing part shorter than a block is dropped. With ``overwrite`` the absolute value is
    taken in place (``y`` is destroyed), which saves a copy of the whole signal.
    """
    nb = y.shape[0] // block
    part = y[: nb * block]
    rect = np.abs(part, out=part) if overwrite else np.abs(part)
    out = _block_sums(rect, block)
    out *= np.float32(1.0 / block)
    return out


def median5(v: F32) -> F32:
    """Running median of 5 (centred; the two values at each end use shrunken windows).

    Computed with a min/max selection network on shifted copies: a handful of vector
    operations, no loop over values.
    """
    n = v.shape[0]
    if n < 5:
        return v.copy()
    p = np.concatenate([v[:1], v[:1], v, v[-1:], v[-1:]])
    a, b, c, d, e = p[0:n], p[1 : n + 1], p[2 : n + 2], p[3 : n + 3], p[4 : n + 4]
    lo1, hi1 = np.minimum(a, b), np.maximum(a, b)
    lo2, hi2 = np.minimum(c, d), np.maximum(c, d)
    # The 2nd and 3rd smallest of a..d are max(lo1, lo2) and min(hi1, hi2) (in some order);
    # the median of five is the median of those two and e.
    lo = np.maximum(lo1, lo2)
    hi = np.minimum(hi1, hi2)
    m_lo = np.minimum(lo, hi)
    m_hi = np.maximum(lo, hi)
    # median of {m_lo, m_hi, e}
    out = np.maximum(m_lo, np.minimum(m_hi, e))
    return out.astype(np.float32, copy=False)
