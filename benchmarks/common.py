"""Shared pieces of the score benchmarks: machine facts, ICC, psgscoring adapter, tables.

Used by ``benchmarks/accuracy.py`` and ``benchmarks/speed.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DATA = ROOT / "benchmarks" / "_data"

#: Environment that keeps numeric libraries on one thread.
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}

PACKAGES = (
    "twitchscope", "numpy", "scipy", "pandas", "matplotlib", "mne", "psgscoring", "edfio",
    "pyedflib",
)  # fmt: skip

#: The night every timing benchmark uses: 8 h, legs at 500 Hz, written once as EDF+.
NIGHT = DATA / "night_8h_500hz.edf"
#: A 1-minute load average above this (on the machine's cores) makes timing figures suspect.
#: The 1-minute load average counts the benchmark's own processes (up to two threads of a
#: `score` run, one of psgscoring's): a run is quiet when the load stays within the cores.
QUIET_LOAD_PER_CORE = 1.0


def make_night() -> Path:
    """Simulate and write the benchmark night once (cached under benchmarks/_data).

    ``simulate_night("rls", seed=0, duration_h=8, leg_fs=500)`` as EDF+ with its stages,
    respiratory events and arousals in the annotations and the truth CSVs beside it.
    """
    if NIGHT.is_file():
        return NIGHT
    from twitchscope.simulate import simulate_night

    DATA.mkdir(parents=True, exist_ok=True)
    simulate_night("rls", seed=0, duration_h=8.0, leg_fs=500).write(NIGHT)
    return NIGHT


def load_average() -> float:
    """The 1-minute load average (NaN where unknown)."""
    try:
        return float(os.getloadavg()[0])
    except OSError:
        return float("nan")


def busy_load(per_core: float = QUIET_LOAD_PER_CORE) -> float:
    """The 1-minute load average above which a run counts as busy on this machine.

    ``per_core`` is what the benchmark's own processes may add per core: a benchmark whose
    runs keep both cores busy allows more than one that times a single thread.
    """
    return per_core * (os.cpu_count() or 1)


def was_busy(loads: Sequence[float], per_core: float = QUIET_LOAD_PER_CORE) -> bool:
    """Whether any measured load average (NaN where unknown is skipped) exceeds
    :func:`busy_load`."""
    return any(x > busy_load(per_core) for x in loads if x == x)


def load_statement(loads: Sequence[float], what: str = "timing figures") -> str:
    """A sentence on the machine's load during a run, generated from the measured loads."""
    cores = os.cpu_count() or 1
    finite = [x for x in loads if x == x]
    if not finite:
        return f"- Machine load: unknown; {what} may need a re-run on a quiet machine."
    lo, hi = min(finite), max(finite)
    quiet = not was_busy(finite)
    verdict = (
        "the machine was quiet"
        if quiet
        else f"the machine was busy with other work, so the {what} are slower and noisier than "
        "on a quiet machine and need a quiet re-run before they are quoted"
    )
    return (
        f"- Machine load (1-minute load average, {cores} cores) during the run: {lo:.1f} to "
        f"{hi:.1f}; {verdict}."
    )


def machine_facts() -> list[str]:
    """Lines describing the machine and software (CPU, cores, RAM, versions, date, commit)."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    except OSError:
        pass
    versions = []
    for pkg in PACKAGES:
        try:
            versions.append(f"{pkg} {importlib.metadata.version(pkg)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{pkg} (not installed)")
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    return [
        f"- date: {dt.datetime.now().isoformat(timespec='seconds')}",
        f"- CPU: {cpu}; cores visible: {os.cpu_count()}",
        f"- RAM: {ram}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}; " + ", ".join(versions),
        f"- git commit: {commit or 'unknown'}",
    ]


def icc_2_1(a: Sequence[float], b: Sequence[float]) -> float:
    """ICC(2,1): two-way random effects, absolute agreement, single measurement.

    Shrout & Fleiss (1979) ICC(2,1), = McGraw & Wong (1996) ICC(A,1). With ``n`` subjects
    (nights) rated by ``k = 2`` raters (a tool and the truth)::

        ICC = (MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n)

    where MSR, MSC and MSE are the mean squares of rows (nights), columns (raters) and error
    of the two-way ANOVA. A systematic offset between the raters lowers it (absolute agreement).
    Checked against Shrout & Fleiss' Table 2 example (ICC(2,1) = 0.29): see ``_check_icc``.
    """
    y = np.column_stack([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])
    return _icc21(y)


def _icc21(y: npt.NDArray[np.float64]) -> float:
    n, k = y.shape
    if n < 2:
        return float("nan")
    grand = y.mean()
    ss_rows = k * float(((y.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((y.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((y - grand) ** 2).sum())
    ss_err = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    denom = msr + (k - 1) * mse + k * (msc - mse) / n
    return float((msr - mse) / denom) if denom > 0 else float("nan")


def _check_icc() -> None:
    """Shrout & Fleiss (1979), Table 2: 6 targets x 4 judges; ICC(2,1) = 0.29."""
    y = np.array(
        [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
        dtype=float,
    )
    value = _icc21(y)
    if abs(value - 0.29) > 0.005:
        raise RuntimeError(f"ICC(2,1) implementation is off: {value:.3f} instead of 0.29")


_check_icc()


def psgscoring_legs(
    left_uv: npt.NDArray[np.floating], right_uv: npt.NDArray[np.floating], fs: float
) -> pd.DataFrame:
    """psgscoring's per-leg leg-movement detector on each leg (µV in), as a movement table.

    ``psgscoring.plm._detect_lm_channel`` is the per-channel step :func:`psgscoring.analyze_plm`
    runs on each leg before merging them (its public result only lists the merged, sleep-only,
    non-respiratory movements), called with the same defaults ``analyze_plm`` uses.
    """
    from psgscoring.plm import _detect_lm_channel

    rows = []
    for leg, data in (("left", left_uv), ("right", right_uv)):
        for ev in _detect_lm_channel(np.asarray(data, dtype=np.float64), fs, unit="uV"):
            rows.append((leg, float(ev["onset_s"]), float(ev["duration_s"])))
    return pd.DataFrame(rows, columns=["leg", "onset", "duration"])


def psgscoring_plm(
    left_uv: npt.NDArray[np.floating],
    right_uv: npt.NDArray[np.floating],
    fs: float,
    stages: Sequence[str],
    events: pd.DataFrame,
) -> dict[str, Any]:
    """psgscoring's :func:`analyze_plm` (its clinical-profile defaults) with our stages/events.

    ``stages`` are 30 s epoch stages (W, N1, N2, N3, R); respiratory events (apnoeas,
    hypopnoeas, RERAs) are passed as ``resp_events`` for its AASM respiratory exclusion.
    Returns its ``summary`` dict (``plm_index`` per hour of sleep, ``n_plm``, ...).
    """
    from psgscoring import analyze_plm

    from twitchscope.events import RESPIRATORY_KINDS

    resp = events[events["kind"].isin(sorted(RESPIRATORY_KINDS))]
    resp_events = [
        {"onset_s": float(o), "duration_s": float(d)}
        for o, d in zip(resp["onset"], resp["duration"], strict=True)
    ]
    out = analyze_plm(
        np.asarray(left_uv, dtype=np.float64),
        np.asarray(right_uv, dtype=np.float64),
        fs,
        list(stages),
        resp_events=resp_events,
        leg_unit="uV",
        event_list_cap=None,
    )
    if not out.get("success"):
        raise RuntimeError(f"psgscoring.analyze_plm failed: {out.get('error')}")
    summary: dict[str, Any] = out["summary"]
    return summary


def markdown_table(df: pd.DataFrame, floatfmt: str = "{:.3f}") -> str:
    """A GitHub markdown table (numbers right-aligned)."""
    cols = list(df.columns)
    head = "| " + " | ".join(str(c) for c in cols) + " |"
    align = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(df[c]) else "---" for c in cols)
    lines = [head, align + "|"]
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float | np.floating):
                cells.append("n/a" if not np.isfinite(v) else floatfmt.format(v))
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def keep_notes(path: Path) -> str:
    """The hand-written notes block of an existing results file (kept when re-run)."""
    marker = "<!-- notes: kept when the benchmark is re-run -->"
    if not path.is_file():
        return marker + "\n"
    text = path.read_text(encoding="utf-8")
    i = text.find(marker)
    return text[i:] if i >= 0 else marker + "\n"
