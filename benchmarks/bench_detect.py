"""Leg-movement detection: speed/memory on an 8 h night and per-leg event F1 on simulated nights.

Usage::

    .venv/bin/python benchmarks/bench_detect.py speed [--hours 8] [--fs 512] [--scenario severe]
    .venv/bin/python benchmarks/bench_detect.py accuracy [--hours 1.5] [--seeds 0 1 2]
        [--scenarios healthy rls ...] [--verbose]

``speed`` times :func:`twitchscope.detect.detect_leg_movements` on one synthetic leg channel
(best of 3, one core) and measures its peak extra memory with ``tracemalloc`` in a separate run.
``accuracy`` simulates nights with :func:`twitchscope.simulate.simulate_night` and matches the
detected movements of each leg one-to-one to the truth at IoU >= 0.2 (greedy by IoU), printing
precision, recall and F1 per night and leg. The end-to-end and the published accuracy tables are
elsewhere (``benchmarks/``); this is the detection stage's own profiling.

Figures (2 shared cores, other jobs running):

- ``speed``: 8 h at 512 Hz (14.7 M samples, 59 MB). Recorded before the held-out work: 0.11 s
  per leg best of 3 on an idle machine, peak extra memory 42 MB. After the offset rule's noise
  allowance, the window-mean quiet test and the notch change: peak extra memory 49 MB; the time
  could not be measured on a quiet machine (the shared machine's load swung the same code
  between 0.76 and 2.9 s per leg, the old code measured 2.95 s in the same minutes): re-run
  ``speed`` on a quiet machine. Detection does not import ``scipy.signal``.
- ``accuracy`` runs on tuning seeds only (``benchmarks/seeds.py``); the published, held-out
  figures are in ``benchmarks/results/accuracy.md`` (``benchmarks/accuracy.py``).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import numpy.typing as npt
import pandas as pd
from seeds import HELD_OUT_SEEDS

from twitchscope.detect import detect_leg_movements, detect_legs
from twitchscope.signal import Signal

IOU_MIN = 0.2


def match_iou(
    pred_on: npt.NDArray[np.float64],
    pred_off: npt.NDArray[np.float64],
    ref_on: npt.NDArray[np.float64],
    ref_off: npt.NDArray[np.float64],
    iou_min: float = IOU_MIN,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """One-to-one matches (pred index, ref index) with IoU >= ``iou_min``, greedy by IoU."""
    if pred_on.size == 0 or ref_on.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = np.argsort(ref_on)
    r_on, r_off = ref_on[order], ref_off[order]
    # candidate pairs: refs starting before the prediction ends and ending after it starts
    lo = np.searchsorted(r_on, pred_on - 60.0)
    hi = np.searchsorted(r_on, pred_off)
    counts = hi - lo
    pi = np.repeat(np.arange(pred_on.size), counts)
    rj = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)]).astype(np.int64)
    inter = np.minimum(pred_off[pi], r_off[rj]) - np.maximum(pred_on[pi], r_on[rj])
    union = np.maximum(pred_off[pi], r_off[rj]) - np.minimum(pred_on[pi], r_on[rj])
    iou = np.where(inter > 0, inter / np.maximum(union, 1e-9), 0.0)
    keep = iou >= iou_min
    pi, rj, iou = pi[keep], rj[keep], iou[keep]
    used_p: set[int] = set()
    used_r: set[int] = set()
    mp, mr = [], []
    for k in np.argsort(-iou, kind="stable"):
        p, r = int(pi[k]), int(rj[k])
        if p in used_p or r in used_r:
            continue
        used_p.add(p)
        used_r.add(r)
        mp.append(p)
        mr.append(int(order[r]))
    return np.asarray(mp, np.int64), np.asarray(mr, np.int64)


def leg_scores(pred: pd.DataFrame, ref: pd.DataFrame) -> dict[str, float]:
    """Precision, recall, F1, matched count and median onset/offset error (s) for one leg."""
    p_on = pred["onset"].to_numpy(float)
    p_off = p_on + pred["duration"].to_numpy(float)
    r_on = ref["onset"].to_numpy(float)
    r_off = r_on + ref["duration"].to_numpy(float)
    mp, mr = match_iou(p_on, p_off, r_on, r_off)
    tp = mp.size
    prec = tp / p_on.size if p_on.size else 1.0
    rec = tp / r_on.size if r_on.size else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec > 0 else 0.0
    return {
        "n_pred": float(p_on.size),
        "n_ref": float(r_on.size),
        "tp": float(tp),
        "precision": prec,
        "recall": rec,
        "f1": f1,
        "onset_err_s": float(np.median(np.abs(p_on[mp] - r_on[mr]))) if tp else float("nan"),
        "offset_err_s": float(np.median(np.abs(p_off[mp] - r_off[mr]))) if tp else float("nan"),
    }


def synthetic_leg(hours: float, fs: float, seed: int = 0) -> Signal:
    """A leg channel for timing: 2 µV rest noise with a 40 µV burst every 25 s."""
    rng = np.random.default_rng(seed)
    n = int(hours * 3600 * fs)
    x = rng.standard_normal(n, dtype=np.float32) * np.float32(2.0)
    period = int(25 * fs)
    burst = int(2 * fs)
    starts = np.arange(int(5 * fs), n - burst, period)
    idx = (starts[:, None] + np.arange(burst)[None, :]).ravel()
    x[idx] *= np.float32(20.0)
    return Signal("Leg L", x, fs, role="leg_left", source="synthetic")


def run_speed(hours: float, fs: float, scenario: str | None = None) -> None:
    """Print the time per leg (best of 3) and the peak extra memory of one detection.

    The leg channel is synthetic (2 µV noise with regular bursts) unless ``scenario`` names a
    simulated night, whose left leg (at ``fs``) is then used.
    """
    if scenario:
        from twitchscope.simulate import simulate_night

        night = simulate_night(scenario, 0, duration_h=hours, leg_fs=fs)
        sig = night.signals["Leg L"]
        del night
    else:
        sig = synthetic_leg(hours, fs)
    size_mb = sig.data.nbytes / 1e6
    detect_leg_movements(sig, "left")  # warm-up (imports, caches)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        det = detect_leg_movements(sig, "left")
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    detect_leg_movements(sig, "left")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{hours:g} h at {fs:g} Hz: {sig.n_samples / 1e6:.1f} M samples ({size_mb:.0f} MB float32)"
    )
    print(f"time per leg: best {min(times):.3f} s, runs {', '.join(f'{t:.3f}' for t in times)}")
    print(f"peak extra memory: {peak / 1e6:.0f} MB ({peak / sig.data.nbytes:.1f} x the signal)")
    print(f"movements found: {det.n_movements}")


def run_accuracy(
    hours: float,
    seeds: list[int],
    scenarios: list[str],
    verbose: bool,
    use_ecg: bool,
    rules: str = "wasm2016",
) -> pd.DataFrame:
    """Simulate, detect and score every (scenario, seed); print and return the table."""
    from twitchscope.scoring.rules import get_rules
    from twitchscope.simulate import simulate_night

    ruleset = get_rules(rules)
    rows = []
    for scenario in scenarios:
        for seed in seeds:
            night = simulate_night(scenario, seed, duration_h=hours)
            t0 = time.perf_counter()
            left, right = detect_legs(
                night.signals["Leg L"],
                night.signals["Leg R"],
                ecg=night.signals["ECG"] if use_ecg else None,
                rules=ruleset,
            )
            elapsed = time.perf_counter() - t0
            for det in (left, right):
                ref = night.movements[night.movements["leg"] == det.leg]
                s = leg_scores(det.movements, ref)
                rows.append(
                    {
                        "scenario": scenario,
                        "seed": seed,
                        "leg": det.leg,
                        **s,
                        "excluded_s": det.excluded_s,
                        "detect_s": elapsed / 2,
                    }
                )
                if verbose:
                    _explain(det.movements, ref, det.excluded, night.artefacts, det.leg)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.max_rows", 500):
        print(table.round(3).to_string(index=False))
        print(
            f"\nper-leg F1: mean {table['f1'].mean():.3f}, min {table['f1'].min():.3f}; "
            f"precision {table['precision'].mean():.3f}, recall {table['recall'].mean():.3f}"
        )
        print(table.groupby("scenario")[["precision", "recall", "f1"]].mean().round(3))
    return table


def _explain(
    pred: pd.DataFrame,
    ref: pd.DataFrame,
    excluded: pd.DataFrame,
    artefacts: pd.DataFrame,
    leg: str,
) -> None:
    """Print unmatched predictions and references (for tuning)."""
    label = "Leg L" if leg == "left" else "Leg R"
    arts = artefacts[artefacts["channel"] == label]

    def overlaps(df: pd.DataFrame, col: str, t0: float, t1: float) -> str:
        hit = df[(df["onset"] < t1) & (df["onset"] + df["duration"] > t0)]
        return ",".join(str(v) for v in hit[col])

    p_on = pred["onset"].to_numpy(float)
    p_off = p_on + pred["duration"].to_numpy(float)
    r_on = ref["onset"].to_numpy(float)
    r_off = r_on + ref["duration"].to_numpy(float)
    mp, mr = match_iou(p_on, p_off, r_on, r_off)
    fp = np.setdiff1d(np.arange(p_on.size), mp)
    fn = np.setdiff1d(np.arange(r_on.size), mr)
    print(f"--- {leg}: {fp.size} false, {fn.size} missed")

    def spans(df: pd.DataFrame) -> str:
        pairs = zip(df["onset"], df["duration"], strict=True)
        return "; ".join(f"{o:.2f}+{d:.2f}" for o, d in pairs)

    for i in fp:
        near = ref[(r_on < p_off[i] + 3) & (r_off > p_on[i] - 3)]
        row = pred.iloc[i]
        print(
            f"  FP {p_on[i]:9.2f} +{row['duration']:5.2f} amp {row['amplitude_uv']:6.1f}"
            f" rest {row['resting_uv']:5.2f} near truth: {spans(near)}"
        )
    for j in fn:
        near = pred[(p_on < r_off[j] + 3) & (p_off > r_on[j] - 3)]
        row = ref.iloc[j]
        print(
            f"  FN {r_on[j]:9.2f} +{row['duration']:5.2f} amp {row['amplitude_uv']:6.1f}"
            f" {row['kind']:10s} near pred: {spans(near)}"
            f" | excluded: {overlaps(excluded, 'reason', r_on[j], r_off[j])}"
            f" | truth artefact: {overlaps(arts, 'kind', r_on[j], r_off[j])}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("speed")
    sp.add_argument("--hours", type=float, default=8.0)
    sp.add_argument("--fs", type=float, default=512.0)
    sp.add_argument("--scenario", default=None, help="time a simulated night's left leg")
    ac = sub.add_parser("accuracy")
    ac.add_argument("--hours", type=float, default=1.5)
    ac.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ac.add_argument(
        "--scenarios",
        nargs="+",
        default=[
            "healthy",
            "child",
            "rls",
            "severe",
            "osa",
            "noisy",
            "low_amplitude",
            "plmd_no_rls",
        ],
    )
    ac.add_argument("--verbose", action="store_true")
    ac.add_argument("--no-ecg", action="store_true", help="detect without the ECG channel")
    ac.add_argument("--rules", default="wasm2016", help="rule preset (wasm2016 or aasm)")
    args = ap.parse_args()
    if args.cmd == "speed":
        run_speed(args.hours, args.fs, args.scenario)
    else:
        held = sorted(set(args.seeds) & set(HELD_OUT_SEEDS))
        if held:
            ap.error(
                f"seeds {held} are held out (benchmarks/seeds.py): tune on the tuning seeds; "
                "held-out figures come from benchmarks/accuracy.py"
            )
        run_accuracy(
            args.hours, args.seeds, args.scenarios, args.verbose, not args.no_ecg, args.rules
        )


if __name__ == "__main__":
    main()
