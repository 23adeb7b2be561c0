"""Accuracy of leg-movement detection and PLMS index, twitchscope beside psgscoring.

Usage::

    .venv/bin/python benchmarks/accuracy.py [--seeds 0 1 2 3 4] [--scenarios ...] [--jobs 2]
    .venv/bin/python benchmarks/accuracy.py --render   # rewrite the .md from the cached rows

For every scenario of :data:`twitchscope.simulate.SCENARIOS` and every seed, a full night (7-9 h,
the scenario's own length and rates) is simulated and written as EDF+. Then, on that file:

* **twitchscope** ``score`` path: read the two legs (and ECG) with the EDF reader, detect per leg,
  score with the file's own stages and events, under WASM 2016 (the default) and AASM (detection
  and scoring with the ``aasm`` preset).
* **psgscoring** 0.37 (PyPI): the same two leg signals in µV, its per-leg detector
  (``plm._detect_lm_channel``, what ``analyze_plm`` runs per leg) for event F1, and
  ``analyze_plm`` with the same hypnogram and respiratory events for its PLM index (its rules are
  AASM's: 5-90 s intervals, AASM respiratory exclusion).
* **truth**: the simulator's single-leg movements scored by twitchscope's scorer with the same
  hypnogram and events (WASM 2016 and AASM), so index errors measure detection only.

Per leg and night, detected movements are matched one-to-one to the truth (Hungarian on IoU,
match when IoU >= 0.2; :func:`twitchscope.validate.compare_movements`). PLMS index agreement is
the mean absolute error and ICC(2,1) (two-way random, absolute agreement, single measure;
Shrout & Fleiss 1979) over nights.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    DATA,
    RESULTS,
    SINGLE_THREAD_ENV,
    icc_2_1,
    keep_notes,
    machine_facts,
    markdown_table,
    psgscoring_legs,
    psgscoring_plm,
)

CACHE = DATA / "accuracy_nights.csv"
OUT = RESULTS / "accuracy.md"
TARGET_F1_MEAN = 0.90
TARGET_F1_MIN = 0.80
TARGET_ICC = 0.95


def outside_excluded(table: pd.DataFrame, excluded: pd.DataFrame | None) -> pd.DataFrame:
    """Movements whose onset is not in an excluded stretch of their own leg."""
    if excluded is None or excluded.empty or table.empty:
        return table
    keep = np.ones(len(table), dtype=bool)
    on = table["onset"].to_numpy(dtype=float)
    for leg in ("left", "right"):
        e = excluded[excluded["leg"] == leg]
        if e.empty:
            continue
        order = np.argsort(e["onset"].to_numpy(dtype=float))
        start = e["onset"].to_numpy(dtype=float)[order]
        end = np.maximum.accumulate(start + e["duration"].to_numpy(dtype=float)[order])
        k = np.searchsorted(start, on, side="right") - 1
        inside = (k >= 0) & (on < end[np.maximum(k, 0)])
        keep &= ~((table["leg"] == leg).to_numpy() & inside)
    return table[keep]


def one_night(args: tuple[str, int, str, float | None]) -> dict[str, Any]:
    """Simulate, write, score with both tools and with the truth; one result row."""
    scenario, seed, tmp, hours = args
    from twitchscope.api import detect_movements, prepare, score_prepared
    from twitchscope.io.recording import open_recording
    from twitchscope.scoring import score_leg_movements
    from twitchscope.scoring.rules import AASM, WASM2016
    from twitchscope.simulate import simulate_night
    from twitchscope.validate import compare_movements

    sim = simulate_night(scenario, seed, duration_h=hours)
    path = Path(tmp) / f"{scenario}_{seed}.edf"
    sim.write(path)
    row: dict[str, Any] = {
        "scenario": scenario,
        "seed": seed,
        "hours": sim.duration / 3600.0,
        "n_true_lm": len(sim.movements),
    }
    try:
        # twitchscope, WASM 2016 and AASM presets, on the EDF file
        t0 = time.perf_counter()
        inputs = prepare(path)
        mv = detect_movements(inputs, WASM2016)
        res = score_prepared(inputs, mv, WASM2016)
        row["ts_seconds"] = time.perf_counter() - t0
        res_aasm = score_prepared(inputs, detect_movements(inputs, AASM), AASM)
        truth = sim.movements[["leg", "onset", "duration"]]
        cmp_ts = compare_movements(res.movements, truth)
        for leg in ("left", "right", "all"):
            a = cmp_ts.legs[leg]
            row[f"ts_f1_{leg}"] = a.f1
            row[f"ts_p_{leg}"] = a.precision
            row[f"ts_r_{leg}"] = a.recall
        ex = mv.excluded
        cmp_scored = compare_movements(
            outside_excluded(res.movements, ex), outside_excluded(truth, ex)
        )
        for leg in ("left", "right"):
            row[f"ts_f1s_{leg}"] = cmp_scored.legs[leg].f1
        row["ts_excluded_pct"] = 100 * sum(res.excluded_s.values()) / (2 * sim.duration)
        row["ts_plms_wasm"] = res.indices["plms_index"]
        row["ts_plms_aasm"] = res_aasm.indices["plms_index"]

        # psgscoring on the same leg signals (µV) read from the same file
        with open_recording(path) as rec:
            left, right = rec.legs()
        t0 = time.perf_counter()
        psg_mv = psgscoring_legs(left.data, right.data, left.fs)
        stages = [s if s != "UNS" else "W" for s in sim.hypnogram.stages]
        psg = psgscoring_plm(left.data, right.data, left.fs, stages, sim.events)
        row["psg_seconds"] = time.perf_counter() - t0
        cmp_psg = compare_movements(psg_mv, truth)
        for leg in ("left", "right", "all"):
            a = cmp_psg.legs[leg]
            row[f"psg_f1_{leg}"] = a.f1
            row[f"psg_p_{leg}"] = a.precision
            row[f"psg_r_{leg}"] = a.recall
        cmp_psg_scored = compare_movements(
            outside_excluded(psg_mv, ex), outside_excluded(truth, ex)
        )
        for leg in ("left", "right"):
            row[f"psg_f1s_{leg}"] = cmp_psg_scored.legs[leg].f1
        row["psg_plm_index"] = psg["plm_index"]

        # truth indices: the scorer on the simulator's movements, same stages and events
        for name, rules in (("wasm", WASM2016), ("aasm", AASM)):
            t = score_leg_movements(
                truth,
                recording_duration=sim.duration,
                rules=rules,
                hypnogram=sim.hypnogram,
                events=sim.events,
                recording_start=sim.start,
            )
            row[f"truth_plms_{name}"] = t.indices.plms_index
    finally:
        for p in path.parent.glob(f"{path.stem}*"):
            p.unlink()
    return row


def run(
    scenarios: list[str], seeds: list[int], jobs: int, hours: float | None = None
) -> pd.DataFrame:
    """Score every (scenario, seed) night, ``jobs`` processes at a time."""
    os.environ.update(SINGLE_THREAD_ENV)
    tasks = [(sc, seed) for sc in scenarios for seed in seeds]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="twitchscope-acc-") as tmp:
        ctx = mp.get_context("spawn")
        with ctx.Pool(jobs, maxtasksperchild=4) as pool:
            for i, row in enumerate(
                pool.imap_unordered(one_night, [(sc, s, tmp, hours) for sc, s in tasks]), 1
            ):
                rows.append(row)
                print(
                    f"[{i}/{len(tasks)}] {row['scenario']} seed {row['seed']}: "
                    f"F1 ts {row['ts_f1_all']:.3f} psg {row['psg_f1_all']:.3f}; PLMS truth "
                    f"{row['truth_plms_wasm']:.1f} ts {row['ts_plms_wasm']:.1f} | AASM truth "
                    f"{row['truth_plms_aasm']:.1f} ts {row['ts_plms_aasm']:.1f} "
                    f"psg {row['psg_plm_index']:.1f}",
                    flush=True,
                )
    df = pd.DataFrame(rows).sort_values(["scenario", "seed"]).reset_index(drop=True)
    DATA.mkdir(parents=True, exist_ok=True)
    df.to_csv(CACHE, index=False)
    return df


def _leg_f1(df: pd.DataFrame, tool: str, kind: str = "f1") -> pd.Series:
    return pd.concat([df[f"{tool}_{kind}_left"], df[f"{tool}_{kind}_right"]], ignore_index=True)


def _agreement(df: pd.DataFrame, est: str, truth: str) -> tuple[float, float]:
    ok = df[[est, truth]].dropna()
    mae = float((ok[est] - ok[truth]).abs().mean()) if len(ok) else float("nan")
    return mae, icc_2_1(ok[est].to_list(), ok[truth].to_list())


def summarise(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-scenario and overall tables, both tools side by side."""
    per = []
    groups = [(str(k), g) for k, g in df.groupby("scenario", sort=False)] + [("all", df)]
    for name, g in groups:
        ts_f1, psg_f1 = _leg_f1(g, "ts"), _leg_f1(g, "psg")
        mae_w, icc_w = _agreement(g, "ts_plms_wasm", "truth_plms_wasm")
        mae_a, icc_a = _agreement(g, "ts_plms_aasm", "truth_plms_aasm")
        mae_p, icc_p = _agreement(g, "psg_plm_index", "truth_plms_aasm")
        per.append(
            {
                "scenario": name,
                "nights": len(g),
                "ts F1 mean": ts_f1.mean(),
                "ts F1 min": ts_f1.min(),
                "psg F1 mean": psg_f1.mean(),
                "psg F1 min": psg_f1.min(),
                "ts F1 scoreable min": _leg_f1(g, "ts", "f1s").min(),
                "excluded %": g["ts_excluded_pct"].mean(),
                "ts P": g["ts_p_all"].mean(),
                "ts R": g["ts_r_all"].mean(),
                "psg P": g["psg_p_all"].mean(),
                "psg R": g["psg_r_all"].mean(),
                "truth PLMS WASM": g["truth_plms_wasm"].mean(),
                "ts MAE WASM": mae_w,
                "ts MAE AASM": mae_a,
                "psg MAE AASM": mae_p,
                "ts ICC WASM": icc_w,
                "ts ICC AASM": icc_a,
                "psg ICC AASM": icc_p,
            }
        )
    table = pd.DataFrame(per)
    ts_f1, psg_f1 = _leg_f1(df, "ts"), _leg_f1(df, "psg")
    mae_w, icc_w = _agreement(df, "ts_plms_wasm", "truth_plms_wasm")
    mae_a, icc_a = _agreement(df, "ts_plms_aasm", "truth_plms_aasm")
    mae_p, icc_p = _agreement(df, "psg_plm_index", "truth_plms_aasm")
    mae_pw, icc_pw = _agreement(df, "psg_plm_index", "truth_plms_wasm")
    overall = pd.DataFrame(
        [
            {
                "measure": "per-leg event F1, mean",
                "twitchscope": ts_f1.mean(),
                "psgscoring": psg_f1.mean(),
                "target": f">= {TARGET_F1_MEAN}",
            },
            {
                "measure": "per-leg event F1, min",
                "twitchscope": ts_f1.min(),
                "psgscoring": psg_f1.min(),
                "target": f">= {TARGET_F1_MIN}",
            },
            {
                "measure": "per-leg event F1 on scoreable time, mean",
                "twitchscope": _leg_f1(df, "ts", "f1s").mean(),
                "psgscoring": _leg_f1(df, "psg", "f1s").mean(),
                "target": "",
            },
            {
                "measure": "per-leg event F1 on scoreable time, min",
                "twitchscope": _leg_f1(df, "ts", "f1s").min(),
                "psgscoring": _leg_f1(df, "psg", "f1s").min(),
                "target": "",
            },
            {
                "measure": "PLMS index MAE (/h), WASM 2016 truth",
                "twitchscope": mae_w,
                "psgscoring": mae_pw,
                "target": "",
            },
            {
                "measure": "PLMS index ICC(2,1), WASM 2016 truth",
                "twitchscope": icc_w,
                "psgscoring": icc_pw,
                "target": f">= {TARGET_ICC}",
            },
            {
                "measure": "PLMS index MAE (/h), AASM truth",
                "twitchscope": mae_a,
                "psgscoring": mae_p,
                "target": "",
            },
            {
                "measure": "PLMS index ICC(2,1), AASM truth",
                "twitchscope": icc_a,
                "psgscoring": icc_p,
                "target": f">= {TARGET_ICC}",
            },
        ]
    )
    return table, overall


def render(df: pd.DataFrame, command: str) -> str:
    """The results markdown."""
    table, overall = summarise(df)
    ts_f1 = _leg_f1(df, "ts")
    icc = float(
        overall.loc[
            overall["measure"] == "PLMS index ICC(2,1), WASM 2016 truth", "twitchscope"
        ].iloc[0]
    )
    nights = df[["scenario", "seed", "hours", "n_true_lm", "ts_f1_left", "ts_f1_right",
                 "psg_f1_left", "psg_f1_right", "ts_excluded_pct", "truth_plms_wasm",
                 "ts_plms_wasm", "truth_plms_aasm", "ts_plms_aasm",
                 "psg_plm_index"]].copy()  # fmt: skip
    met = [
        f"- per-leg F1 mean {ts_f1.mean():.3f} (target >= {TARGET_F1_MEAN}: "
        f"{'met' if ts_f1.mean() >= TARGET_F1_MEAN else 'MISSED'}), min {ts_f1.min():.3f} "
        f"(target >= {TARGET_F1_MIN}: {'met' if ts_f1.min() >= TARGET_F1_MIN else 'MISSED'})",
        f"- PLMS index ICC(2,1) vs WASM truth {icc:.3f} (target >= "
        f"{TARGET_ICC}: {'met' if icc >= TARGET_ICC else 'MISSED'})",
    ]
    return "\n".join(
        [
            "# Accuracy: leg-movement detection and PLMS index, twitchscope and psgscoring",
            "",
            f"Command: `{command}`",
            "",
            f"{len(df)} simulated full nights ({df['hours'].min():.1f}-{df['hours'].max():.1f} h),"
            f" {df['scenario'].nunique()} scenarios x {df['seed'].nunique()} fixed seeds, each "
            "written as EDF+ and scored from the file by both tools. Truth indices are "
            "twitchscope's scorer on the simulator's true movements with the same hypnogram and "
            "events, so index errors are detection errors. Event F1: per leg, one-to-one "
            "(Hungarian on IoU), match at IoU >= 0.2; *on scoreable time* leaves out, on both "
            "sides, movements starting where twitchscope excluded that leg from detection "
            "(artefact, high noise, clipping, gaps). ICC is ICC(2,1): two-way random effects, "
            "absolute agreement, single measure (Shrout & Fleiss 1979), over nights. "
            "psgscoring scores AASM (intervals 5-90 s, AASM respiratory exclusion), so its index "
            "is compared with the AASM truth; twitchscope is shown under both presets.",
            "",
            "## Overall",
            "",
            markdown_table(overall),
            "",
            *met,
            "",
            "## Per scenario",
            "",
            "ts = twitchscope, psg = psgscoring; F1 over legs x nights; P/R pooled per night, "
            "then averaged; MAE in PLMS/h.",
            "",
            markdown_table(table),
            "",
            "## Per night",
            "",
            markdown_table(nights),
            "",
            "## Machine",
            "",
            *machine_facts(),
            "",
            keep_notes(OUT),
        ]
    )


def main() -> None:
    """Run (or re-render) the accuracy benchmark and write benchmarks/results/accuracy.md."""
    from twitchscope.simulate import SCENARIOS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--hours", type=float, default=None, help="night length (default: drawn)")
    ap.add_argument("--render", action="store_true", help="only rewrite the .md from the cache")
    ns = ap.parse_args()
    command = ".venv/bin/python benchmarks/accuracy.py " + " ".join(sys.argv[1:])
    if ns.render:
        df = pd.read_csv(CACHE)
    else:
        t0 = time.perf_counter()
        df = run(ns.scenarios, ns.seeds, ns.jobs, ns.hours)
        print(f"{len(df)} nights in {time.perf_counter() - t0:.0f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(df, command.strip()), encoding="utf-8")
    table, overall = summarise(df)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(overall.to_string(index=False))
        print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
