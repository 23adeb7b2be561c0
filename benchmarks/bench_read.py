"""Benchmark: read the two leg channels of an 8 h, 20-signal PSG (EDF and BDF).

Run with ``.venv/bin/python benchmarks/bench_read.py`` (``--repeats N``, ``--hours H``). It writes
``benchmarks/_data/psg_8h.edf`` and ``.bdf`` (once; gitignored), warms the page cache, then for
each reader and format measures, each time in a fresh subprocess:

* wall time of reading the two leg channels into float arrays, and
* peak memory: the process's peak RSS during the read minus its RSS just before it (after all
  imports and after opening nothing). The peak is reset before the read by writing ``5`` to
  ``/proc/self/clear_refs`` and read from ``VmHWM`` in ``/proc/self/status``; where that is not
  possible it falls back to ``resource.getrusage`` (``ru_maxrss``) minus the RSS before.

Readers: twitchscope (``open_recording(...).load_many``), a plain numpy memmap read of the same
samples (memmap the records, slice the two channels' columns, scale to float32: the obvious
hand-written reader, a reference point; it is not a floor, since a careful reader beats it),
edfio (``read_edf(lazy_load_data=True)`` / ``read_bdf``, then each leg's ``.data``), MNE
(``read_raw_edf/bdf(include=..., preload=True)`` then ``get_data()``), and pyedflib
(``EdfReader.readSignal``). Targets are judged on wall time (what a user waits for), with CPU
time beside it; each run records the machine's load average. The table goes to
``benchmarks/results/read.md``; ``--quick`` (one run each) prints it and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
RESULTS = HERE / "results" / "read.md"
LEGS = ("Leg L", "Leg R")

# (label, rate Hz, unit, physical range): 20 signals at typical PSG rates.
SIGNALS: list[tuple[str, int, str, tuple[float, float]]] = [
    ("C3-M2", 256, "uV", (-500, 500)),
    ("C4-M1", 256, "uV", (-500, 500)),
    ("F3-M2", 256, "uV", (-500, 500)),
    ("F4-M1", 256, "uV", (-500, 500)),
    ("O1-M2", 256, "uV", (-500, 500)),
    ("O2-M1", 256, "uV", (-500, 500)),
    ("E1-M2", 256, "uV", (-500, 500)),
    ("E2-M1", 256, "uV", (-500, 500)),
    ("Chin1-Chin2", 256, "uV", (-300, 300)),
    ("Leg L", 512, "uV", (-1000, 1000)),
    ("Leg R", 512, "uV", (-1000, 1000)),
    ("ECG", 200, "uV", (-5000, 5000)),
    ("Snore", 200, "uV", (-1000, 1000)),
    ("Flow", 100, "L/min", (-200, 200)),
    ("Nasal Pressure", 100, "cmH2O", (-20, 20)),
    ("Thor", 25, "uV", (-2000, 2000)),
    ("Abdo", 25, "uV", (-2000, 2000)),
    ("SpO2", 1, "%", (0, 100)),
    ("Position", 1, "", (0, 4)),
    ("Pulse", 1, "bpm", (0, 250)),
]


def _field(value: object, width: int) -> bytes:
    text = str(value).encode("ascii")[:width]
    return text.ljust(width, b" ")


def _num(x: float, width: int = 8) -> bytes:
    text = f"{x:g}"
    return _field(text[:width], width)


def write_psg(path: Path, hours: float, bdf: bool) -> None:
    """Write the 20-signal PSG (1 s records) with random digital samples, block by block."""
    n_rec = int(hours * 3600)
    ns = len(SIGNALS)
    dmin, dmax = (-8388608, 8388607) if bdf else (-32768, 32767)
    head = b"".join(
        [
            b"\xffBIOSEMI" if bdf else _field("0", 8),
            _field("X X X X", 80),
            _field("Startdate 01-JAN-2024 X X X", 80),
            b"01.01.24",
            b"22.00.00",
            _field(256 * (ns + 1), 8),
            _field("24BIT" if bdf else "", 44),
            _field(n_rec, 8),
            _field(1, 8),
            _field(ns, 4),
        ]
    )
    cols = [
        [_field(s[0], 16) for s in SIGNALS],
        [_field("AgAgCl electrode", 80) for _ in SIGNALS],
        [_field(s[2], 8) for s in SIGNALS],
        [_num(s[3][0]) for s in SIGNALS],
        [_num(s[3][1]) for s in SIGNALS],
        [_field(dmin, 8) for _ in SIGNALS],
        [_field(dmax, 8) for _ in SIGNALS],
        [_field("HP:0.1Hz LP:100Hz", 80) for _ in SIGNALS],
        [_field(s[1], 8) for s in SIGNALS],
        [_field("", 32) for _ in SIGNALS],
    ]
    head += b"".join(b"".join(c) for c in cols)
    rng = np.random.default_rng(0)
    total = sum(s[1] for s in SIGNALS)
    block = 600
    tmp = path.with_suffix(".part")
    with open(tmp, "wb") as fh:
        fh.write(head)
        for r0 in range(0, n_rec, block):
            rows = min(block, n_rec - r0)
            digital = rng.integers(dmin // 8, dmax // 8, size=(rows, total), dtype=np.int32)
            if bdf:
                fh.write(
                    digital.astype("<i4").view(np.uint8).reshape(rows, total, 4)[..., :3].tobytes()
                )
            else:
                fh.write(digital.astype("<i2").tobytes())
    tmp.replace(path)


# --- the readers (each run in a fresh subprocess) -------------------------------------------


def read_twitchscope(path: Path) -> list[np.ndarray]:
    from twitchscope.io.recording import open_recording

    with open_recording(path) as rec:
        got = rec.load_many(list(LEGS))
        return [got[name].data for name in LEGS]


def read_memmap(path: Path) -> list[np.ndarray]:
    """Plain numpy: memmap the records, take the two channels' columns, scale to float32."""
    bdf = path.suffix == ".bdf"
    width = 3 if bdf else 2
    ns = len(SIGNALS)
    header = 256 * (ns + 1)
    sprs = [s[1] for s in SIGNALS]
    total = sum(sprs)
    n_rec = (os.path.getsize(path) - header) // (total * width)
    dmin, dmax = (-8388608, 8388607) if bdf else (-32768, 32767)
    out = []
    if bdf:
        raw = np.memmap(path, np.uint8, "r", offset=header, shape=(n_rec, total * 3))
    else:
        raw = np.memmap(path, "<i2", "r", offset=header, shape=(n_rec, total))
    for name in LEGS:
        i = [s[0] for s in SIGNALS].index(name)
        off, spr = sum(sprs[:i]), sprs[i]
        pmin, pmax = SIGNALS[i][3]
        gain = (pmax - pmin) / (dmax - dmin)
        ints: np.ndarray
        if bdf:
            b = raw[:, off * 3 : (off + spr) * 3].reshape(n_rec, spr, 3)
            ints = (
                b[..., 0].astype(np.int32)
                | (b[..., 1].astype(np.int32) << 8)
                | (b[..., 2].astype(np.int8).astype(np.int32) << 16)
            )
        else:
            ints = raw[:, off : off + spr]
        x = ints.astype(np.float32).reshape(-1)
        x *= np.float32(gain)
        x += np.float32(pmin - dmin * gain)
        out.append(x)
    return out


def read_edfio(path: Path) -> list[np.ndarray]:
    import edfio

    f = edfio.read_bdf(path) if path.suffix == ".bdf" else edfio.read_edf(path, lazy_load_data=True)
    by_label = {sig.label: sig for sig in f.signals}
    return [by_label[name].data for name in LEGS]


def read_mne(path: Path) -> list[np.ndarray]:
    import mne

    mne.set_log_level("ERROR")
    reader = mne.io.read_raw_bdf if path.suffix == ".bdf" else mne.io.read_raw_edf
    raw = reader(path, include=list(LEGS), preload=True, verbose="ERROR")
    data = raw.get_data(picks=list(LEGS))
    return [data[0], data[1]]


def read_pyedflib(path: Path) -> list[np.ndarray]:
    import pyedflib

    with pyedflib.EdfReader(str(path)) as f:
        labels = f.getSignalLabels()
        return [f.readSignal(labels.index(name)) for name in LEGS]


MEMMAP = "plain numpy memmap"
READERS = {
    "twitchscope": read_twitchscope,
    MEMMAP: read_memmap,
    "edfio": read_edfio,
    "mne": read_mne,
    "pyedflib": read_pyedflib,
}
IMPORTS = {
    "twitchscope": "twitchscope.io.recording",
    "edfio": "edfio",
    "mne": "mne",
    "pyedflib": "pyedflib",
}


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def measure(reader: str, path: Path) -> dict[str, Any]:
    """Time and peak memory of one read, in this (fresh) process."""
    import importlib
    import resource

    if reader in IMPORTS:
        importlib.import_module(IMPORTS[reader])
    method = "VmHWM after clear_refs"
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        method = "ru_maxrss"
    before = _status_kb("VmRSS")
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    arrays = READERS[reader](path)
    elapsed = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if method == "ru_maxrss":
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    else:
        peak = _status_kb("VmHWM")
    return {
        "time_s": elapsed,
        "cpu_s": cpu,
        "peak_mb": (peak - before) / 1024,
        "n": int(sum(a.size for a in arrays)),
        "dtype": str(arrays[0].dtype),
        "checksum": float(sum(float(np.asarray(a[:1000], dtype=np.float64).sum()) for a in arrays)),
        "method": method,
    }


def _machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(
            next(
                x
                for x in Path("/proc/meminfo").read_text().splitlines()
                if x.startswith("MemTotal")
            ).split()[1]
        )
    except (OSError, StopIteration):
        mem_kb = 0
    import importlib.metadata as md

    versions = ", ".join(
        f"{p} {md.version(p)}" for p in ("twitchscope", "numpy", "edfio", "mne", "pyedflib")
    )
    return [
        f"- date: {dt.datetime.now().isoformat(timespec='seconds')}",
        f"- CPU: {cpu}; cores visible: {os.cpu_count()}",
        f"- RAM: {mem_kb / 1024 / 1024:.1f} GiB",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}; {versions}",
    ]


def main() -> None:
    """Write the data if needed, run every reader several times, write results/read.md."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="one run each; print, write nothing")
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--measure", nargs=2, metavar=("READER", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    DATA.mkdir(exist_ok=True)
    rows = []
    suffix = "" if args.hours == 8 else f"_{args.hours:g}h"
    for fmt in ("edf", "bdf"):
        path = DATA / f"psg_8h{suffix}.{fmt}"
        if not path.exists():
            print(f"writing {path} ...", flush=True)
            write_psg(path, args.hours, bdf=fmt == "bdf")
        with open(path, "rb") as fh:  # warm the page cache so every reader starts equal
            while fh.read(1 << 24):
                pass
        # the readers take turns, run by run: a drift of the machine's state during the run
        # (other work, the memory the kernel must zero) falls on all of them alike
        runs_of: dict[str, list[dict[str, Any]]] = {reader: [] for reader in READERS}
        for _ in range(1 if args.quick else args.repeats):
            for reader in READERS:
                load = os.getloadavg()[0]
                proc = subprocess.run(
                    [sys.executable, __file__, "--measure", reader, str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                out = json.loads(proc.stdout.strip().splitlines()[-1])
                runs_of[reader].append({**out, "load": load})
        for reader, runs in runs_of.items():
            res = {
                "format": fmt.upper(),
                "reader": reader,
                "time_s": statistics.median(float(r["time_s"]) for r in runs),
                "cpu_s": statistics.median(float(r["cpu_s"]) for r in runs),
                "peak_mb": statistics.median(float(r["peak_mb"]) for r in runs),
                "dtype": runs[0]["dtype"],
                "n": runs[0]["n"],
                "method": runs[0]["method"],
                "size_mb": path.stat().st_size / 1e6,
                "loads": [float(r["load"]) for r in runs],
            }
            rows.append(res)
            print(
                f"{fmt} {reader:22s} {res['time_s']:.3f} s (cpu {res['cpu_s']:.3f} s) "
                f"{res['peak_mb']:.0f} MiB",
                flush=True,
            )
    text = render(rows, args)
    if args.quick:
        print(text)
        print("--quick: results not written")
        return
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)
    print(f"wrote {RESULTS}")


def render(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """The results markdown; every statement is generated from ``rows``."""
    n = int(rows[0]["n"])
    legs_f32_mb = n * 4 / 2**20
    repeats = 1 if args.quick else args.repeats
    lines = [
        "# Reading the two leg channels of an 8 h, 20-signal PSG",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_read.py --repeats {args.repeats}`",
        "",
        f"File: {len(SIGNALS)} signals, 1 s records, legs at 512 Hz, others at "
        "256/200/100/25/1 Hz, "
        f"{args.hours:g} h ({n // 2} samples per leg). Each figure is the median of "
        f"{repeats} runs, each in a fresh subprocess with a warm page cache, the readers "
        "taking turns run by run.",
        f"Peak memory = peak RSS during the read minus RSS before it ({rows[0]['method']}). "
        f"Two legs as float32 = {legs_f32_mb:.0f} MiB, so the memory target is "
        f"< {2 * legs_f32_mb:.0f} MiB. *x memmap* compares with a plain numpy memmap read "
        "(memmap, slice the two channels, scale to float32): the obvious hand-written reader, "
        "a reference point rather than a floor. The time target (<= 1.5x memmap) is judged on "
        "wall time, the time a user waits; CPU time is given beside it.",
        "",
        "| format | file MB | reader | output dtype | wall s | x memmap | CPU s | x memmap "
        "| peak MiB | x legs f32 |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    ref = {r["format"]: r for r in rows if r["reader"] == MEMMAP}
    for r in rows:
        f = ref[r["format"]]
        lines.append(
            f"| {r['format']} | {r['size_mb']:.0f} | {r['reader']} | {r['dtype']} | "
            f"{r['time_s']:.3f} | {r['time_s'] / f['time_s']:.2f} | {r['cpu_s']:.3f} | "
            f"{r['cpu_s'] / f['cpu_s']:.2f} | {r['peak_mb']:.0f} | "
            f"{r['peak_mb'] / legs_f32_mb:.2f} |"
        )
    lines.append("")
    for fmt, f in sorted(ref.items()):
        ts = next(r for r in rows if r["format"] == fmt and r["reader"] == "twitchscope")
        ratio = ts["time_s"] / f["time_s"]
        cpu_ratio = ts["cpu_s"] / f["cpu_s"]
        mem = ts["peak_mb"] / legs_f32_mb
        others = [
            r for r in rows if r["format"] == fmt and r["reader"] not in ("twitchscope", MEMMAP)
        ]
        fastest = min(others, key=lambda r: r["time_s"])
        lines.append(
            f"- {fmt}: twitchscope takes {ratio:.2f}x the plain memmap read's wall time "
            f"(target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'}; CPU time {cpu_ratio:.2f}x) "
            f"and peaks at {mem:.2f}x the legs' float32 size (target < 2: "
            f"{'met' if mem < 2 else 'MISSED'}); the fastest library reader, {fastest['reader']}, "
            f"takes {fastest['time_s'] / ts['time_s']:.1f}x twitchscope's wall time."
        )
    from common import load_statement

    # the shared rule: the benchmark's own reading threads count in the load average
    lines.append(load_statement([x for r in rows for x in r["loads"]]))
    lines += ["", "Machine:", *_machine(), ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
