"""``make fuzz``: mutate real files and run the command line on each, in fresh processes.

Usage::

    .venv/bin/python tests/fuzz/fuzz_cli.py [--n 200] [--seed 0] [--jobs 2] [--timeout 120]
        [--keep DIR]

The seed corpus (``seeds.write_corpus``: a simulated night as EDF+ and BDF+, its annotations as
NSRR XML, Profusion XML, BIDS events, CSV hypnogram, event and movement tables, and an answers
JSON) is mutated ``--n`` times: header fields set to hostile values, bytes flipped, files cut or
extended, EDF+ annotation texts replaced, table cells and XML values replaced, XML made hostile
(DTDs, XInclude, deep nesting), JSON values replaced and keys doubled, console markup such as
``[/]`` put in labels, texts and file names. Each mutated file is given to the commands that
read it (``info``, ``score`` with it as recording, hypnogram, events or reference movements,
``validate``, ``assess``), each in its own ``twitchscope`` process with a timeout.

A run **fails** (exit 1) on any Python traceback, any "internal error" (exit code 3), any
process killed by a signal, and any hang (timeout); Python/numpy warnings printed to the user are
reported as findings too. Every finding is saved with its input and the exact command under
``--keep`` (default ``fuzz_findings/``), so it can be replayed by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import seeds  # noqa: E402

HOSTILE_NUMBERS = [
    "0",
    "-1",
    "1e308",
    "-1e308",
    "1e12",
    "1e20",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "",
    "x",
    "9" * 300,
    "99999999",
    "-99999999",
    "0.0000001",
    "1e309",
    "+",
    "1,5",
]
HOSTILE_TEXT = [
    "[/]",
    "[bold red]x[/]",
    "[/bold]",
    "[link=x]y[/link]",
    "<b>&amp;</b>",
    "\x1b[2J",
    "\u202e",
    "é ü µV",
    "Sleep stage N2",
    "Obstructive Apnea",
    "Arousal",
    "Leg L",
    "Leg R",
    "x" * 200,
    "%s %n {0}",
    "'\"\\",
    "\t",
    "",
]
HOSTILE_NAMES = ["[/]night", "night [bold]x[/]", "nïght é", "night;rm", "-night", "night.."]


@dataclass
class Case:
    """One mutated input and the commands to run on it."""

    name: str
    mutator: str
    path: Path
    commands: list[list[str]] = field(default_factory=list)


@dataclass
class Outcome:
    """What one command did."""

    case: Case
    args: list[str]
    code: int | None
    seconds: float
    problem: str = ""
    stderr: str = ""


# --- mutators ------------------------------------------------------------------------------------


def _flip(data: bytearray, rng: random.Random, n: int, lo: int = 0, hi: int | None = None) -> None:
    hi = len(data) if hi is None else min(hi, len(data))
    for _ in range(n):
        if hi > lo:
            data[rng.randrange(lo, hi)] = rng.randrange(256)


def mutate_recording(src: Path, rng: random.Random) -> tuple[str, bytes]:
    """A mutated EDF+/BDF+ file and the name of the mutation."""
    data = bytearray(src.read_bytes())
    names = seeds.labels(bytes(data))
    ns = len(names)
    header = 256 * (ns + 1)
    how = rng.choice(
        [
            "fixed-field",
            "signal-field",
            "header-bytes",
            "data-bytes",
            "truncate",
            "extend",
            "tal-text",
            "duplicate-label",
            "markup-label",
        ]
    )
    if how == "fixed-field":
        name = rng.choice(sorted(seeds.FIXED_FIELDS))
        off, width = seeds.FIXED_FIELDS[name]
        value = rng.choice(HOSTILE_NUMBERS + HOSTILE_TEXT + ["EDF+C", "EDF+D", "BDF+C", "24BIT"])
        seeds.set_field(data, off, width, value.encode("utf-8", "replace"))
        how = f"{how}:{name}"
    elif how in ("signal-field", "markup-label", "duplicate-label"):
        index = rng.randrange(ns)
        if how == "signal-field":
            name = rng.choice(sorted(seeds.SIGNAL_FIELDS))
            value = rng.choice(HOSTILE_NUMBERS + HOSTILE_TEXT)
        elif how == "markup-label":
            name, value = rng.choice(["label", "physical_dimension", "transducer"]), "[/]"
        else:
            name, value = "label", names[(index + 1) % ns]
        off, width = seeds.signal_field(bytes(data), name, index)
        seeds.set_field(data, off, width, value.encode("utf-8", "replace"))
        how = f"{how}:{name}"
    elif how == "header-bytes":
        _flip(data, rng, rng.randint(1, 8), 0, header)
    elif how == "data-bytes":
        _flip(data, rng, rng.randint(1, 200), header)
    elif how == "truncate":
        cut = rng.choice([1, 100, len(data) // 3, len(data) - header + 10, len(data) - 200])
        data = data[: max(len(data) - cut, 0)]
    elif how == "extend":
        data += os.urandom(rng.choice([1, 255, 10_000]))
    else:  # tal-text: overwrite bytes of the annotation signal in some records with a TAL
        tal = rng.choice(
            [
                b"+1e308\x14Sleep stage N2\x14\x00",
                b"+0\x14[/]\x14\x00",
                b"+-5\x15nan\x14x\x14\x00",
                b"+10\x151e20\x14Arousal\x14\x00",
                b"\x14\x14\x14\x00",
                b"+3.5\x14" + b"a" * 40,
            ]
        )
        for _ in range(rng.randint(1, 5)):
            pos = rng.randrange(header, len(data) - len(tal))
            data[pos : pos + len(tal)] = tal
    return how, bytes(data)


def mutate_text(src: Path, rng: random.Random) -> tuple[str, bytes]:
    """A mutated text annotation file (XML, TSV, CSV) and the mutation's name."""
    text = src.read_text(encoding="utf-8")
    how = rng.choice(["cell", "flip", "truncate", "markup", "hostile-xml", "numbers"])
    if how == "cell" or (how == "hostile-xml" and not text.startswith("<?xml")):
        lines = text.splitlines()
        i = rng.randrange(len(lines))
        sep = "\t" if "\t" in lines[0] else ","
        cells = lines[i].split(sep)
        cells[rng.randrange(len(cells))] = rng.choice(HOSTILE_NUMBERS + HOSTILE_TEXT)
        lines[i] = sep.join(cells)
        return "cell", ("\n".join(lines) + "\n").encode("utf-8", "replace")
    if how == "flip":
        data = bytearray(text.encode())
        _flip(data, rng, rng.randint(1, 10))
        return how, bytes(data)
    if how == "truncate":
        return how, text.encode()[: rng.randrange(1, max(len(text), 2))]
    if how == "markup":
        return how, text.replace("Arousal", "[/]Arousal", 1).replace("W", "[bold]W[/]", 2).encode()
    if how == "numbers":
        for token in ("<Start>", "<Duration>", "<EpochLength>"):
            if token in text and rng.random() < 0.6:
                value = rng.choice(HOSTILE_NUMBERS)
                head, _, tail = text.partition(token)
                text = head + token + value + tail[tail.find("<") :]
        return how, text.encode("utf-8", "replace")
    trick = rng.choice(
        [
            '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>',
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/hostname"/>',
            "<a>" * 100_000 + "</a>" * 100_000,
            "<![CDATA[[/]]]>",
        ]
    )
    i = text.find(">", text.find("<", 5)) + 1
    return f"{how}", (text[:i] + trick + text[i:]).encode()


def mutate_answers(src: Path, rng: random.Random) -> tuple[str, bytes]:
    """Mutated answers JSON text and the mutation's name."""
    pairs = [(k, json.dumps(v)) for k, v in json.loads(src.read_text()).items()]
    how = rng.choice(["value", "duplicate", "huge", "markup", "flip"])
    if how == "value":
        i = rng.randrange(len(pairs))
        pairs[i] = (pairs[i][0], rng.choice(["1e400", "NaN", "-1", "[]", "{}", '"x"', "null"]))
    elif how == "duplicate":
        pairs.append(rng.choice(pairs))
    elif how == "huge":
        pairs.append(("age", "9" * rng.choice([30, 400, 5000])))
    elif how == "markup":
        pairs.append(("locations", '["[/]", "[bold]calf"]'))
        pairs.append((rng.choice(["[/]", "diary[/]"]), "true"))
    doc = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in pairs) + "}"
    data = bytearray(doc.encode())
    if how == "flip":
        _flip(data, rng, rng.randint(1, 4))
    return how, bytes(data)


# --- cases and commands --------------------------------------------------------------------------


def make_cases(corpus: seeds.Corpus, base_out: Path, work: Path, n: int, seed: int) -> list[Case]:
    """``n`` mutated inputs with the commands that read them."""
    rng = random.Random(seed)
    out = str(work / "out")
    kinds: list[tuple[str, Path, Callable[[Path, random.Random], tuple[str, bytes]]]] = [
        ("edf", corpus.edf, mutate_recording),
        ("bdf", corpus.bdf, mutate_recording),
        *((fmt, p, mutate_text) for fmt, p in corpus.annotation_files().items()),
        ("answers", corpus.answers, mutate_answers),
    ]
    cases = []
    for i in range(n):
        kind, src, mutate = kinds[i % len(kinds)]
        how, data = mutate(src, rng)
        stem = rng.choice(HOSTILE_NAMES) if rng.random() < 0.15 else f"case{i:04d}"
        path = work / "inputs" / f"{i:04d}" / (stem + src.suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        case = Case(name=f"{i:04d}-{kind}", mutator=f"{kind}/{how}", path=path)
        p, edf = str(path), str(corpus.edf)
        o = f"{out}/{i:04d}"
        if kind in ("edf", "bdf"):
            case.commands = [
                ["info", p],
                ["info", p, "--json"],
                ["score", p, "--out", o, "--quiet", *(["--no-report"] if i % 3 else [])],
            ]
        elif kind == "answers":
            case.commands = [["assess", p, "--out", o]]
        elif kind == "csv-movements":
            case.commands = [
                ["score", edf, "--movements", p, "--out", o, "-q", "--no-report"],
                ["validate", str(base_out), p],
            ]
        else:
            option = rng.choice(["--hypnogram", "--events"])
            case.commands = [["score", edf, option, p, "--out", o, "-q", "--no-report"]]
        cases.append(case)
    return cases


def run_one(case: Case, args: list[str], timeout: float) -> Outcome:
    """Run one command in a fresh process and classify what happened."""
    exe = [sys.executable, "-m", "twitchscope", *args]
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", "PYTHONWARNINGS": "default"}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            exe,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            errors="replace",
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(case, args, None, time.perf_counter() - t0, f"hang (> {timeout:g} s)")
    seconds = time.perf_counter() - t0
    both = proc.stdout + proc.stderr
    problem = ""
    if proc.returncode < 0:
        problem = f"killed by signal {-proc.returncode}"
    elif "Traceback (most recent call last)" in both or proc.returncode == 3:
        problem = "internal error" if "Traceback" not in both else "traceback"
        if "MarkupError" in both:  # text from a file printed as console markup
            problem += " (console markup)"
    elif "internal error" in proc.stderr:
        problem = "internal error"
    elif proc.returncode not in (0, 2):
        problem = f"exit code {proc.returncode}"
    elif "Warning:" in proc.stderr and ("site-packages" in proc.stderr or ".py:" in proc.stderr):
        problem = "python warning shown"
    return Outcome(case, args, proc.returncode, seconds, problem, proc.stderr[-3000:])


def main() -> int:
    """Run the fuzz campaign; exit 1 when anything escaped."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="mutated inputs (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per command")
    ap.add_argument("--keep", type=Path, default=ROOT / "fuzz_findings")
    args = ap.parse_args()
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="twitchscope-fuzz-") as tmp:
        work = Path(tmp)
        print("writing the seed corpus ...", flush=True)
        corpus = seeds.write_corpus(work / "corpus", hours=0.2)
        base_out = work / "base"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "twitchscope",
                "score",
                str(corpus.edf),
                "--out",
                str(base_out),
                "-q",
                "--no-report",
            ],
            check=True,
            capture_output=True,
        )
        cases = make_cases(corpus, base_out, work, args.n, args.seed)
        jobs = [(c, a) for c in cases for a in c.commands]
        print(
            f"{len(cases)} mutated inputs, {len(jobs)} command runs, {args.jobs} at a time",
            flush=True,
        )
        outcomes: list[Outcome] = []
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for k, outcome in enumerate(pool.map(lambda j: run_one(*j, args.timeout), jobs), 1):
                outcomes.append(outcome)
                if outcome.problem:
                    print(
                        f"  FINDING {outcome.problem}: {outcome.case.mutator} "
                        f"twitchscope {' '.join(outcome.args)}",
                        flush=True,
                    )
                if k % 50 == 0:
                    print(f"  {k}/{len(jobs)} runs", flush=True)
        findings = [o for o in outcomes if o.problem]
        if findings:
            if args.keep.exists():
                shutil.rmtree(args.keep)
            args.keep.mkdir(parents=True)
            for o in findings:
                d = args.keep / o.case.name
                d.mkdir(exist_ok=True)
                shutil.copy(o.case.path, d / o.case.path.name)
                (d / "finding.txt").write_text(
                    f"problem: {o.problem}\nmutation: {o.case.mutator}\ncommand: twitchscope "
                    f"{' '.join(o.args)}\nexit code: {o.code}\n\n{o.stderr}\n",
                    encoding="utf-8",
                )
    codes = Counter(o.code for o in outcomes)
    by_command = Counter(o.args[0] for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.seconds)
    print()
    print(
        f"fuzz: {len(cases)} mutated inputs, {len(outcomes)} command runs in "
        f"{time.perf_counter() - t_start:.0f} s (seed {args.seed})"
    )
    print("  commands: " + ", ".join(f"{k} {v}" for k, v in sorted(by_command.items())))
    print("  exit codes: " + ", ".join(f"{k} x{v}" for k, v in sorted(codes.items(), key=str)))
    print(f"  slowest run: {slowest.seconds:.1f} s (twitchscope {' '.join(slowest.args[:2])})")
    if findings:
        kinds = Counter(o.problem for o in findings)
        print(
            f"  FINDINGS: {len(findings)} ("
            + ", ".join(f"{k} x{v}" for k, v in kinds.items())
            + f"); inputs and commands saved in {args.keep}"
        )
        return 1
    print("  no traceback, internal error, crash or hang")
    return 0


if __name__ == "__main__":
    sys.exit(main())
