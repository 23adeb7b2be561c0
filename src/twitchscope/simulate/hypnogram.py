"""Realistic sleep-stage sequences (30 s epochs, stages W/N1/N2/N3/R).

The night is built as NREM/REM cycles of ~90 min (Carskadon & Dement): N3 long in the first
cycles and absent later, REM periods lengthening from ~10 min to ~30 min, preceded by the
sleep-onset latency in wake and followed by a final awakening. Brief awakenings (1-3 epochs,
more frequent late in the night and out of REM) are followed by N1 and make the WASO; N3 is
sprinkled with N2 epochs and N2 with single N1 epochs, as in scored hypnograms. Resulting stage
shares for the defaults are about N1 5-10 %, N2 45-55 %, N3 12-20 %, REM 18-25 % of sleep
(Ohayon 2004).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from twitchscope.simulate.scenarios import Scenario

EPOCH_S = 30.0

# Minutes of N3 and REM per cycle, first to sixth (Carskadon & Dement, Fig. "normal young adult").
_N3_MIN = (40.0, 28.0, 12.0, 5.0, 0.0, 0.0, 0.0)
_REM_MIN = (12.0, 20.0, 26.0, 30.0, 34.0, 34.0, 34.0)


def _cycle(rng: np.random.Generator, k: int, sc: Scenario) -> list[tuple[str, int]]:
    """Stage runs (stage, epochs) of NREM/REM cycle ``k`` (0-based)."""
    kk = min(k, len(_N3_MIN) - 1)
    length = float(np.clip(rng.normal(90.0, 10.0), 70.0, 120.0))  # min
    n1 = rng.uniform(1.0, 4.0) if k == 0 else rng.uniform(0.0, 1.0)
    n3 = _N3_MIN[kk] * sc.n3_scale * rng.uniform(0.7, 1.3)
    rem = _REM_MIN[kk] * rng.uniform(0.7, 1.3)
    if k == 0 and rng.random() < 0.15:  # the first REM period is often skipped
        rem = 0.0
    n2 = max(length - n1 - n3 - rem, 10.0)
    runs = [("N1", n1), ("N2", 0.45 * n2), ("N3", n3), ("N2", 0.55 * n2), ("R", rem)]
    return [(s, round(m * 2)) for s, m in runs if round(m * 2) > 0]


def simulate_stages(rng: np.random.Generator, n_epochs: int, sc: Scenario) -> npt.NDArray[np.str_]:
    """Draw one stage per 30 s epoch for a night of ``n_epochs`` epochs.

    Parameters
    ----------
    rng : numpy Generator
        The night's seeded generator.
    n_epochs : int
        Number of 30 s epochs of the recording.
    sc : Scenario
        Supplies the sleep-onset latency (min), awakening probability, N3 scale and final wake.

    Returns
    -------
    ndarray of str
        Stages ``W, N1, N2, N3, R``, one per epoch.
    """
    out = np.full(n_epochs, "W", dtype="<U2")
    # Short test nights (< 7 h) get proportionally shorter latency and final wake.
    scale = min(1.0, n_epochs / (7 * 120))
    sol = min(round(rng.uniform(*sc.sleep_latency_min) * 2 * scale), n_epochs - 1)
    final = round(rng.uniform(*sc.final_wake_min) * 2 * scale)
    sleep_end = max(n_epochs - final, sol + 1)
    runs: list[tuple[str, int]] = []
    total, k = 0, 0
    while total < sleep_end - sol:
        for run in _cycle(rng, k, sc):
            runs.append(run)
            total += run[1]
        k += 1
    seq = np.repeat([s for s, _ in runs], [n for _, n in runs]).astype("<U2")
    span = min(sleep_end, n_epochs) - sol
    out[sol : sol + span] = seq[:span]
    sleep_idx = np.arange(sol, sol + span)

    # Fragmentation inside stage runs: N2 epochs in N3, single N1 epochs in N2.
    r = rng.random(sleep_idx.size)
    seg = out[sleep_idx]
    seg[(seg == "N3") & (r < 0.12)] = "N2"
    seg[(seg == "N2") & (r > 0.975)] = "N1"
    out[sleep_idx] = seg

    # Brief awakenings: likelier late in the night (x1 -> x2) and out of REM (x1.5).
    if span > 0:
        late = 1.0 + (sleep_idx - sol) / max(span, 1)
        rem = np.where(out[sleep_idx] == "R", 1.5, 1.0)
        p = sc.awakening_prob * late * rem
        starts = sleep_idx[rng.random(span) < p]
        for s in starts:
            n_w = int(rng.integers(1, 4))
            n_n1 = int(rng.integers(1, 3))
            out[s : min(s + n_w, sol + span)] = "W"
            out[min(s + n_w, sol + span) : min(s + n_w + n_n1, sol + span)] = "N1"
    # Sleep onset goes through N1 (AASM).
    if span > 0:
        out[sol : sol + min(2, span)] = "N1"
    return out
