"""Agreement of twitchscope's WASM 2016 indices with PLMScoRe's, on the same leg movements.

Usage::

    .venv/bin/python benchmarks/plmscore_agreement.py [--seeds 0 1 ... 19] [--quick]

For every scenario of the simulator and every seed, the night's true single-leg movements,
hypnogram, respiratory events and arousals (``simulate_night(..., with_signals=False)``) are
scored twice:

* by twitchscope: :func:`twitchscope.scoring.score_leg_movements` with the ``wasm2016`` preset
  (and once more with ``plmw_wake="after_sleep_onset"``, the option that is not PLMScoRe's);
* by :mod:`plmscore_reference`, an independent transcription of PLMScoRe's R scoring and index
  code (PLMScoRe itself needs R, which cannot be installed here).

Each index is compared night by night: the share of nights where the two agree exactly (to
1e-9/h; the periodicity index to PLMScoRe's 2 decimals) and the largest difference. The
simulator is not tuned to anything here (scoring arithmetic has no tuned parameter), so the
seeds need no tuning/held-out split; the default seeds 0-19 are the held-out seeds of the
accuracy benchmark's convention anyway. Writes ``benchmarks/results/plmscore_agreement.md``
(``--quick`` prints the table and writes nothing).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pandas as pd
from common import RESULTS, machine_facts, markdown_table
from plmscore_reference import PLMScoReResult, plmscore_indices, roundup

from twitchscope.scoring import score_leg_movements
from twitchscope.scoring.rules import WASM2016
from twitchscope.simulate import SCENARIOS, simulate_night

OUT = RESULTS / "plmscore_agreement.md"
#: The preset plus the one option where the standards' text and PLMScoRe differ: an arousal
#: exactly 0.5 s from an LM (PLMScoRe ``<=``, the text "less than").
PLMSCORE_COMPATIBLE = WASM2016.replace(name="wasm2016+plmscore", arousal_gap_inclusive=True)
EXACT = 1e-9

#: twitchscope index -> (PLMScoRe LM type, column) of plm_output.
PAIRS: dict[str, tuple[str, str]] = {
    "plms_index": ("PLM", "TST"),
    "plmw_index": ("PLM", "Wake"),
    "periodicity_index": ("PI", "TST"),
    "clm_index": ("CLM", "TST"),
    "lm_index": ("LM", "TST"),
    "plms_index_nonrespiratory": ("PLMnr", "TST"),
    "plms_arousal_index": ("PLMa", "TST"),
    "plms_index_by_stage.N1": ("PLM", "N1"),
    "plms_index_by_stage.N2": ("PLM", "N2"),
    "plms_index_by_stage.N3": ("PLM", "N3"),
    "plms_index_by_stage.R": ("PLM", "REM"),
    "plms_count": ("PLM#", "TST"),
    "plmw_count": ("PLM#", "Wake"),
}


def twitchscope_values(ix: dict[str, Any]) -> dict[str, float | None]:
    """The compared figures of one twitchscope ``Indices.to_dict()``."""
    out: dict[str, float | None] = {}
    for key in PAIRS:
        if "." in key:
            top, sub = key.split(".")
            out[key] = ix[top][sub]
        else:
            out[key] = ix[key]
    pi = out["periodicity_index"]
    out["periodicity_index"] = None if pi is None else roundup(float(pi), 2)
    return out


def reference_values(ref: PLMScoReResult) -> dict[str, float | None]:
    """The same figures from the transcription's ``plm_output``."""
    out: dict[str, float | None] = {}
    for key, (kind, col) in PAIRS.items():
        if kind == "PI":
            out[key] = ref.PI[col]
        elif kind == "PLM#":
            out[key] = float(ref.number["PLM"][col])
        else:
            out[key] = ref.index[kind][col]
    return out


def score_night(scenario: str, seed: int) -> dict[str, Any]:
    """Both scorings of one simulated night and the old WASO-only PLMW."""
    night = simulate_night(scenario, seed, with_signals=False)
    mv = night.movements[["leg", "onset", "duration"]]
    ev = night.events
    common = {
        "recording_duration": night.duration,
        "hypnogram": night.hypnogram,
        "events": ev,
        "recording_start": night.start,
    }
    scoring = score_leg_movements(mv, rules=WASM2016, **common)
    ts = scoring.indices.to_dict()
    compat = score_leg_movements(mv, rules=PLMSCORE_COMPATIBLE, **common).indices.to_dict()
    waso = score_leg_movements(
        mv, rules=WASM2016.replace(plmw_wake="after_sleep_onset"), **common
    ).indices.to_dict()
    resp = ev[ev["kind"].isin(WASM2016.respiratory_event_kinds)]
    ar = ev[ev["kind"] == "arousal"]
    t0 = time.perf_counter()
    ref = plmscore_indices(
        zip(mv["leg"], mv["onset"], mv["duration"], strict=True),
        night.hypnogram.stages,
        epoch_s=night.hypnogram.epoch_length,
        offset_s=night.hypnogram.offset,
        respiratory=zip(resp["onset"], resp["duration"], strict=True),
        arousals=zip(ar["onset"], ar["duration"], strict=True),
    )
    return {
        "scenario": scenario,
        "seed": seed,
        "n_lm": len(mv),
        "twitchscope": twitchscope_values(ts),
        "compatible": twitchscope_values(compat),
        "reference": reference_values(ref),
        "plmw_after_sleep_onset": waso["plmw_index"],
        "wake_before_onset_h": (ts["wake_in_bed_h"] or 0.0)
        - (ts["wake_after_sleep_onset_h"] or 0.0),
        "ref_s": time.perf_counter() - t0,
        "unscored_epochs": int(sum(st == "UNS" for st in night.hypnogram.stages)),
        "same_leg_overlap": any("overlap each other" in w for w in scoring.warnings),
    }


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= EXACT


def agreement_table(nights: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per compared index: nights, exact agreements (preset and compatible), max diff."""
    rows = []
    for key, (kind, col) in PAIRS.items():
        diffs, same, same_c = [], 0, 0
        for n in nights:
            a, b, c = n["twitchscope"][key], n["reference"][key], n["compatible"][key]
            same += _same(a, b)
            same_c += _same(c, b)
            if a is not None and b is not None:
                diffs.append(abs(float(a) - float(b)))
        if kind == "PLM#":
            label = f"PLM number, {col}"
        elif kind == "PI":
            label = f"PI, {col}"
        else:
            label = f"{kind} per hour, {col}"
        rows.append(
            {
                "twitchscope": key,
                "PLMScoRe (plm_output)": label,
                "nights": len(nights),
                "equal (wasm2016)": same,
                "max |difference| (wasm2016)": max(diffs) if diffs else float("nan"),
                "equal (+ arousal_gap_inclusive)": same_c,
            }
        )
    return pd.DataFrame(rows)


def render(nights: list[dict[str, Any]], table: pd.DataFrame, command: str) -> str:
    """The results markdown; every statement is computed from ``nights`` and ``table``."""
    n = len(nights)
    all_equal = bool((table["equal (wasm2016)"] == table["nights"]).all())
    compat_equal = bool((table["equal (+ arousal_gap_inclusive)"] == table["nights"]).all())
    unequal = table[table["equal (wasm2016)"] < table["nights"]]
    waso_same = sum(
        _same(x["plmw_after_sleep_onset"], x["reference"]["plmw_index"]) for x in nights
    )
    with_pre = [x for x in nights if x["wake_before_onset_h"] > 0]
    waso_diff = [
        abs(float(x["plmw_after_sleep_onset"]) - float(x["reference"]["plmw_index"]))
        for x in nights
        if x["plmw_after_sleep_onset"] is not None and x["reference"]["plmw_index"] is not None
    ]
    n_tie = sum(
        not _same(x["twitchscope"]["plms_arousal_index"], x["compatible"]["plms_arousal_index"])
        for x in nights
    )
    n_uns = sum(x["unscored_epochs"] > 0 for x in nights)
    n_overlap = sum(bool(x["same_leg_overlap"]) for x in nights)
    scen = sorted({x["scenario"] for x in nights})
    seeds = sorted({x["seed"] for x in nights})
    lms = [x["n_lm"] for x in nights]
    verdict = (
        f"- `wasm2016` preset: all {len(table)} figures agree exactly on all {n} nights."
        if all_equal
        else "- `wasm2016` preset: "
        + f"{len(table) - len(unequal)} of {len(table)} figures agree exactly on all {n} nights; "
        + "; ".join(
            f"`{r['twitchscope']}` on {r['equal (wasm2016)']}/{r['nights']} (largest difference "
            f"{r['max |difference| (wasm2016)']:.4g})"
            for r in unequal.to_dict(orient="records")
        )
        + "."
    )
    verdict += "\n- With `arousal_gap_inclusive=True` (PLMScoRe's `<=`): " + (
        f"all {len(table)} figures agree exactly on all {n} nights."
        if compat_equal
        else "some figures still differ (see the table)."
    )
    lines = [
        "# twitchscope against PLMScoRe: the same leg movements, the same indices?",
        "",
        f"Command: `{command}`",
        "",
        f"Nights: {n} simulated nights ({len(scen)} scenarios: {', '.join(scen)}; seeds "
        f"{seeds[0]}-{seeds[-1]}), {min(lms)}-{max(lms)} true single-leg movements each, with "
        "their hypnogram, apnoeas/hypopnoeas and arousals. Each night is scored by twitchscope "
        "(`wasm2016` preset) and by `benchmarks/plmscore_reference.py`, an independent Python "
        "transcription of PLMScoRe's R scoring (`lm_unil`, `lm_dur1`, `lm_dur2`, `lm_bil`, "
        "`rlm`, `plm`, `plm_classify`, `add_sleep`) and index code (`plm_output`). *equal* counts "
        f"nights whose figures agree to {EXACT:g} (the periodicity index to PLMScoRe's two "
        "decimals, rounded half up as its `roundup`).",
        "",
        markdown_table(table, floatfmt="{:.3g}"),
        "",
        verdict,
        f"- PLMW: the `wasm2016` preset counts wake as PLMScoRe does, every W epoch in time in "
        f'bed (`plmw_wake = "time_in_bed"`). The other option, `plmw_wake = '
        f"\"after_sleep_onset\"` (twitchscope's earlier behaviour), equals PLMScoRe's PLMW on "
        f"{waso_same}/{n} nights ({len(with_pre)} nights have wake before sleep onset); the "
        f"largest difference is {max(waso_diff) if waso_diff else float('nan'):.2f}/h.",
        "",
        "Where the two differ by design (see the transcription's docstring): an arousal exactly "
        "0.5 s from an LM is associated in PLMScoRe (`<=`) but not under the `wasm2016` preset "
        f'(the standards\' "less than"; {n_tie} of these nights hold such a tie); an LM in an '
        "unscored epoch is wake in PLMScoRe and neither sleep nor wake in twitchscope "
        f"({n_uns} of these nights have unscored epochs); PLMScoRe joins overlapping LMs of the "
        f"same leg, twitchscope keeps them apart and warns ({n_overlap} of these nights have "
        "such LMs).",
        "",
        "The property test `tests/scoring/test_plmscore_agreement.py` runs the same comparison "
        "on random nights (hypothesis: random LMs of both legs, durations up to 20 s, bilateral "
        "overlaps, random stages with wake before sleep onset, apnoeas and arousals) in "
        "`make test`.",
        "",
        "## Machine",
        "",
        *machine_facts(),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Score every night both ways, print and (unless ``--quick``) write the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(20)))
    ap.add_argument("--quick", action="store_true", help="2 seeds; print only, write nothing")
    args = ap.parse_args()
    seeds = args.seeds[:2] if args.quick else args.seeds
    nights = []
    for scenario in SCENARIOS:
        for seed in seeds:
            r = score_night(scenario, seed)
            nights.append(r)
            bad = [k for k in PAIRS if not _same(r["twitchscope"][k], r["reference"][k])]
            bad += [
                k + " (compatible)"
                for k in PAIRS
                if not _same(r["compatible"][k], r["reference"][k])
            ]
            print(
                f"{scenario:14s} seed {seed:3d}: {r['n_lm']:4d} LMs, PLMS "
                f"{r['twitchscope']['plms_index']:.2f} vs {r['reference']['plms_index']:.2f}, "
                f"PLMW {r['twitchscope']['plmw_index']:.2f} vs "
                f"{r['reference']['plmw_index']:.2f} ({'DIFF ' + str(bad) if bad else 'equal'})",
                flush=True,
            )
    table = agreement_table(nights)
    print(markdown_table(table, floatfmt="{:.3g}"))
    if args.quick:
        print("--quick: results not written")
        return
    command = ".venv/bin/python benchmarks/plmscore_agreement.py " + " ".join(sys.argv[1:])
    RESULTS.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(nights, table, command.strip()), encoding="utf-8")
    print(f"written {OUT}")
    if not np.all(table["equal (+ arousal_gap_inclusive)"] == table["nights"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
