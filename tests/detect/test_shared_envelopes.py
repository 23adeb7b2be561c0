"""The faster paths of detection give what the plain definitions give.

- :func:`blank_envelope` works on the blanked runs only; it must equal the definition (each
  block within an R peak's window capped at the larger of the nearest unblanked values).
- :func:`envelope_blocks_many` filters once for several block lengths; the first length's
  envelope must be bit-identical to :func:`envelope_blocks` alone, the others equal to a
  one-piece filter up to float32 rounding.
- An :class:`EnvelopeShare` filled by leg-movement detection gives twitch detection the same
  envelope, bursts and detections as a pass of its own, and leaves leg-movement detection as
  it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twitchscope.detect import detect_leg_movements, filters
from twitchscope.detect.ecg import BLANK_AFTER_S, BLANK_BEFORE_S, blank_envelope, r_peak_times
from twitchscope.detect.filters import (
    EnvelopeShare,
    block_length,
    block_mean_abs,
    emg_sos,
    envelope_blocks,
    envelope_blocks_many,
    filter_emg,
)
from twitchscope.detect.twitches import AASM2020, detect_twitches, leg_bursts
from twitchscope.detect.twitches.bursts import fine_envelope
from twitchscope.signal import Signal
from twitchscope.simulate import simulate_night


def _blank_by_definition(
    fine: np.ndarray, block_s: float, start: float, r_times: np.ndarray
) -> np.ndarray:
    """The definition, block by block (small inputs only)."""
    n = fine.shape[0]
    blanked = np.zeros(n, dtype=bool)
    for t in r_times:
        lo = int(np.floor((t - start - BLANK_BEFORE_S) / block_s))
        hi = int(np.floor((t - start + BLANK_AFTER_S) / block_s)) + 1
        blanked[max(lo, 0) : max(min(hi, n), 0)] = True
    if not blanked.any() or blanked.all():
        return fine.copy()
    out = fine.copy()
    for j in np.flatnonzero(blanked):
        before = [fine[i] for i in range(j - 1, -1, -1) if not blanked[i]][:1]
        after = [fine[i] for i in range(j + 1, n) if not blanked[i]][:1]
        out[j] = min(fine[j], max(before + after))
    return out


def test_blank_envelope_equals_its_definition() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 400))
        block_s = float(rng.choice([0.01, 0.02, 0.05, 0.0390625]))
        fine = (rng.random(n) * rng.choice([1.0, 100.0])).astype(np.float32)
        r_times = rng.uniform(-2.0, n * block_s + 2.0, int(rng.integers(0, 40)))
        if rng.random() < 0.5:
            r_times = np.sort(r_times)  # usually sorted; unsorted must work too
        start = float(rng.uniform(-1.0, 1.0))
        got = blank_envelope(fine, block_s, start, r_times)
        want = _blank_by_definition(fine, block_s, start, r_times)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("fs", [200.0, 250.0, 256.0, 500.0, 512.0])
def test_one_pass_for_several_block_lengths(fs: float, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filters, "FILTER_CHUNK", 3000)  # many chunks, blocks straddling them
    rng = np.random.default_rng(int(fs))
    x = rng.normal(0.0, 10.0, int(fs * 61.3)).astype(np.float32)
    sos, _ = emg_sos(x, fs, (10.0, 100.0))
    lm, fine = block_length(fs), max(1, round(fs * 0.01))
    first, second = envelope_blocks_many(x, fs, sos, (lm, fine))
    np.testing.assert_array_equal(first, envelope_blocks(x, fs, sos, lm))
    whole = block_mean_abs(filter_emg(x, fs, sos), fine)
    assert second.shape == whole.shape
    np.testing.assert_allclose(second, whole, rtol=1e-4, atol=1e-4)
    # the twitch envelope alone is filtered in the same chunks: the same values
    np.testing.assert_array_equal(envelope_blocks(x, fs, sos, fine, chunk_block=lm), second)


@pytest.fixture(scope="module")
def night_signals() -> tuple[Signal, Signal, np.ndarray]:
    """15 minutes of a night with periodic movements, legs at 512 Hz (26-sample LM blocks, 5-
    sample twitch blocks: the twitch blocks straddle the filter's chunks), ECG leaking in."""
    by_role = {s.role: s for s in simulate_night("rls", seed=5, duration_h=0.25).signals.values()}
    return by_role["leg_left"], by_role["leg_right"], r_peak_times(by_role["ecg"])


def test_shared_envelope_changes_nothing(
    night_signals: tuple[Signal, Signal, np.ndarray],
) -> None:
    left, right, r_times = night_signals
    per_leg = []
    for sig, leg in ((left, "left"), (right, "right")):
        share = EnvelopeShare(AASM2020.envelope_block_s, (10.0, 100.0))
        shared = detect_leg_movements(sig, leg, r_times=r_times, share=share)
        alone = detect_leg_movements(sig, leg, r_times=r_times)
        pd.testing.assert_frame_equal(shared.movements, alone.movements)
        assert share.values is not None and share.block == round(sig.fs * 0.01)
        env_shared = fine_envelope(sig, leg, AASM2020, (10.0, 100.0), r_times, share)
        env_alone = fine_envelope(sig, leg, AASM2020, (10.0, 100.0), r_times)
        np.testing.assert_array_equal(env_shared.env, env_alone.env)
        np.testing.assert_array_equal(env_shared.rest, env_alone.rest)
        per_leg.append(leg_bursts(sig, leg, r_times=r_times, share=share))
    assert sum(len(p.bursts) for p in per_leg) > 20
    with_parts = detect_twitches(left, right, r_times=r_times, per_leg=per_leg)
    without = detect_twitches(left, right, r_times=r_times)
    pd.testing.assert_frame_equal(with_parts.events, without.events)
    assert with_parts.warnings == without.warnings


def test_share_for_another_band_is_not_taken(
    night_signals: tuple[Signal, Signal, np.ndarray],
) -> None:
    left, _, r_times = night_signals
    share = EnvelopeShare(0.01, (20.0, 100.0))  # not the detector's 10-100 Hz
    detect_leg_movements(left, "left", r_times=r_times, share=share)
    assert share.values is None
    share = EnvelopeShare(0.01, (10.0, 100.0))
    detect_leg_movements(left, "left", r_times=r_times, share=share)
    assert share.take(left.fs, share.block, (20.0, 100.0)) is None
    assert share.take(left.fs, share.block + 1, (10.0, 100.0)) is None
    assert share.take(left.fs, share.block, (10.0, 100.0)) is share.values
