"""An independent Python transcription of PLMScoRe's index arithmetic (WASM 2016 scoring).

PLMScoRe is the R implementation of the WASM 2016 leg-movement rules by WASM co-authors
(Steph-Fulda/PLMScoRe on GitHub, MIT licence; functions ``lm_unil``, ``lm_dur1``, ``lm_dur2``,
``lm_bil``, ``rlm``, ``plm``, ``plm_classify``, ``add_sleep`` in ``R/lm_score.R`` and
``plm_output`` in ``R/lm_output.R``; start/stop handling in ``determine_startstop`` of
``R/preparation_RL.R``). R cannot be installed on the project's machine, so twitchscope's
indices are checked against this transcription instead.

It is written to be *independent* of twitchscope: plain Python lists and loops that follow the R
code statement by statement (R's 1-based indices shifted to 0-based), no twitchscope import, no
numpy. Where the R code has a quirk it is kept and marked ``R:`` in a comment, so the result is
what PLMScoRe computes, not what the standard's text might mean.

Known places where PLMScoRe and twitchscope differ by design (the inputs of the agreement checks
avoid them, and ``benchmarks/results/plmscore_agreement.md`` lists them):

* an LM whose onset lies in no scored epoch (unscored gap) gets stage 0 (wake) in PLMScoRe;
  twitchscope stages it ``UNS`` and counts it neither as sleep nor as wake;
* an LM and an arousal exactly 0.5 s apart are associated in PLMScoRe (``<=``); twitchscope
  follows the standards' "less than 0.5 s";
* PLMScoRe joins two LMs of the *same* leg that overlap (in ``lm_bil``) and merges same-leg
  fragments less than 0.5 s apart (``lm_unil``, one pass); twitchscope leaves that to detection
  and keeps overlapping same-leg LMs apart (with a warning);
* PLMScoRe stops with an R error on a night with fewer than two LMs or with no interval inside
  10-90 s (``1:0`` loops); this transcription returns zero counts there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: PLMScoRe's stage codes (``RL_event_recode``): 0 wake, 1-3 N1-N3, 4 REM.
STAGE_CODE = {"W": 0, "N1": 1, "N2": 2, "N3": 3, "R": 4}
#: Columns of ``plm_output`` and the stage codes each one pools.
COLUMNS: dict[str, tuple[int, ...]] = {
    "TIB": (0, 1, 2, 3, 4),
    "TST": (1, 2, 3, 4),
    "Wake": (0,),
    "N1": (1,),
    "N2": (2,),
    "N3": (3,),
    "REM": (4,),
    "NREM": (1, 2, 3),
}


@dataclass
class _Row:
    """One row of PLMScoRe's event table ``d`` (T = domain, T2 = code)."""

    T: int
    T2: int
    Onset: float
    Dur: float
    Offset: float = 0.0
    nonCLM: int | None = None
    NoBil: int = 0
    rLM: int | None = None
    PLM: int | None = None
    PLMnr: int | None = None
    AR: int = 0
    Stage: int | None = None


@dataclass
class PLMScoReResult:
    """Counts and indices of ``plm_output`` for the LM types that twitchscope also reports.

    ``number[type][column]`` and ``index[type][column]`` (per hour of that column's epochs), with
    types ``CLM``, ``CLMnr``, ``PLM``, ``PLMa``, ``PLMnr``, ``nonCLM`` and ``LM`` (CLM + nonCLM);
    ``PI[column]`` = PLM / CLM rounded half up to 2 decimals as ``plm_output`` does; ``hours``
    per column.
    """

    number: dict[str, dict[str, int]] = field(default_factory=dict)
    index: dict[str, dict[str, float | None]] = field(default_factory=dict)
    PI: dict[str, float | None] = field(default_factory=dict)
    PInr: dict[str, float | None] = field(default_factory=dict)
    hours: dict[str, float] = field(default_factory=dict)


def roundup(x: float, n: int = 0) -> float:
    """PLMScoRe's ``roundup``: round half away from zero to ``n`` decimals."""
    sign = (x > 0) - (x < 0)
    z = abs(x) * 10**n + 0.5
    return math.trunc(z) / 10**n * sign


# --- 1 lm_unil: join same-leg LMs whose onset is < 0.5 s after an LM's offset ---------------


def lm_unil(d: list[_Row]) -> list[_Row]:
    for r in d:
        r.Offset = r.Onset + r.Dur
    d = sorted(d, key=lambda r: r.Onset)  # R: order() is stable
    n0 = len(d)
    for i in range(n0):
        if i < len(d):
            for code in (10, 11):
                if code == d[i].T2:
                    off = d[i].Offset
                    a = [
                        j
                        for j, r in enumerate(d)
                        if code == r.T2 and r.Onset >= off and r.Onset < off + 0.5
                    ]
                    if a:
                        # R: one pass; fragments after the new offset are not joined again
                        d[i].Offset = max(d[j].Offset for j in [*a, i])
                        d[i].Dur = d[i].Offset - d[i].Onset
                        drop = set(a)
                        d = [r for j, r in enumerate(d) if j not in drop]
    return d


# --- 2 lm_dur1 / lm_dur2: drop LMs < 0.5 s, mark LMs > 10 s as non-candidates ----------------


def lm_dur1(d: list[_Row]) -> list[_Row]:
    return [r for r in d if not (r.T2 in (10, 11) and r.Dur < 0.5)]


def lm_dur2(d: list[_Row]) -> list[_Row]:
    for r in d:
        if r.T2 in (10, 11):
            r.nonCLM = 1 if r.Dur > 10 else 0
    return d


# --- 4 lm_bil: join LMs starting before the running offset + 0.5 s ---------------------------


def lm_bil(d: list[_Row]) -> list[_Row]:
    d0 = [r for r in d if r.T2 not in (10, 11)]
    d1 = sorted((r for r in d if r.T2 in (10, 11)), key=lambda r: r.Onset)
    for r in d1:
        r.NoBil = 0
    n0 = len(d1)
    for i in range(n0):
        if i < len(d1) - 1:  # R: if(i<dim(d1)[1]) with 1-based i
            while True:
                on_i, off_i = d1[i].Onset, d1[i].Offset
                # R: any LM (either leg) starting in [onset_i, offset_i + 0.5)
                h = [j for j, r in enumerate(d1) if r.Onset >= on_i and r.Onset < off_i + 0.5]
                if len(h) > 1:
                    d1[i].T2 = 12
                    d1[i].Offset = max(d1[j].Offset for j in h)
                    d1[i].NoBil += len(h) - 1
                    d1[i].nonCLM = max(int(d1[j].nonCLM or 0) for j in h)
                    d1[i].Dur = d1[i].Offset - d1[i].Onset
                    drop = {j for j in h if j != i}
                    d1 = [r for j, r in enumerate(d1) if j not in drop]
                else:
                    break
    for r in d1:
        if r.NoBil > 0:
            r.NoBil += 1
        if r.NoBil > 4 or r.Dur > 15:
            r.nonCLM = 1
    return sorted(d0 + d1, key=lambda r: r.Onset)


# --- 5 rlm: respiratory-related LMs (window around the END of the respiratory event) ---------


def rlm(d: list[_Row], before: float = 2.0, after: float = 10.25) -> list[_Row]:
    ll, ul = -before, after
    for r in d:
        if r.T2 in (10, 11, 12):
            r.rLM = 0
    resp = [r for r in d if r.T2 == 20]
    if resp:
        for r in d:
            if r.T2 in (10, 11, 12):
                hit = any(
                    (r.Onset >= e.Offset + ll and r.Onset <= e.Offset + ul)
                    or (r.Offset >= e.Offset + ll and r.Offset <= e.Offset + ul)
                    or (r.Onset < e.Offset + ll and r.Offset > e.Offset + ul)
                    for e in resp
                )
                if hit:
                    r.rLM = 1
    return d


# --- 6 plm / plm_classify: PLM series ----------------------------------------------------------


def _plm_numbers(onsets: Sequence[float], vt: Sequence[int]) -> list[int | None]:
    """The ``plmN`` vector of ``plm``: position in a run of valid IMIs, or None."""
    n_lm = len(onsets)
    imi: list[float | None] = [onsets[k + 1] - onsets[k] for k in range(n_lm - 1)] + [None]
    plm_n: list[int | None] = [None] * n_lm
    n = 1
    for i in range(n_lm - 1):
        if vt[i + 1] == 1:
            n = 1
            continue
        if vt[i + 1] == 0:
            if vt[i] == 1:
                n = 1
                continue
            x = imi[i]
            assert x is not None
            if 10 <= x <= 90:
                plm_n[i] = n
                plm_n[i + 1] = n + 1
                n += 1
            if x < 10 or x > 90:
                n = 1
    return plm_n


def plm_classify(v: Sequence[int | None]) -> list[int | None]:
    """``plm`` flag per position (1 in a run of length >= 4, else None)."""
    w1 = [k for k, x in enumerate(v) if x is not None]
    v1 = [v[k] for k in w1]
    out: list[int | None] = [None] * len(v)
    if not v1:  # R: stops with an error here (1:0 loop over an empty 'start')
        return out
    nums = [int(x) for x in v1 if x is not None]
    v2 = [nums[k + 1] - nums[k] for k in range(len(nums) - 1)]
    start = [k for k, x in enumerate(nums) if x == 1]
    stop = [k for k, x in enumerate(v2) if x < 1] + [len(nums) - 1]
    plm_l: list[int | None] = [None] * len(nums)
    for s, e in zip(start, stop, strict=False):
        length = max(nums[s : e + 1])
        for k in range(s, e + 1):
            plm_l[k] = length
    for k, length in enumerate(plm_l):
        if length is not None and length >= 4:
            out[w1[k]] = 1
    return out


def plm(d: list[_Row]) -> list[_Row]:
    d = sorted(d, key=lambda r: r.Onset)
    h1 = [r for r in d if r.T2 in (10, 11, 12)]
    flags1 = plm_classify(_plm_numbers([r.Onset for r in h1], [int(r.nonCLM or 0) for r in h1]))
    h2 = [r for r in h1 if r.rLM in (None, 0)]
    flags2 = plm_classify(_plm_numbers([r.Onset for r in h2], [int(r.nonCLM or 0) for r in h2]))
    for r, f in zip(h1, flags1, strict=True):
        r.PLM = 1 if f == 1 else 0
    for r, f in zip(h2, flags2, strict=True):
        r.PLMnr = 1 if f == 1 else 0
    return d


# --- 7 add_sleep: stage at onset, arousal association ------------------------------------------


def add_sleep(d: list[_Row]) -> list[_Row]:
    d = sorted(d, key=lambda r: r.Onset)
    epochs = [r for r in d if r.T == 1]
    arousals = [r for r in d if r.T2 == 30]
    for r in d:
        r.AR = 0
        a = [e for e in epochs if e.Onset <= r.Onset and e.Offset > r.Onset]
        # R: an onset in no scored epoch is stage 0 (wake)
        r.Stage = a[0].T2 if len(a) == 1 else 0
    for r in d:
        if r.T2 in (10, 11, 12):
            lo, hi = r.Onset - 0.5, r.Offset + 0.5
            if any(
                (b.Onset >= lo and b.Onset <= hi)
                or (b.Offset >= lo and b.Offset <= hi)
                or (b.Onset < lo and b.Offset > hi)
                for b in arousals
            ):
                r.AR = 1
    return d


# --- plm_output: counts and indices per column -------------------------------------------------


def plm_output(d: list[_Row]) -> PLMScoReResult:
    res = PLMScoReResult()
    lm_rows = [r for r in d if r.T2 in (10, 11, 12)]
    for col, codes in COLUMNS.items():
        res.hours[col] = sum(r.Dur for r in d if r.T == 1 and r.T2 in codes) / 3600.0
    selectors = {
        "CLM": lambda r: r.nonCLM == 0,
        "CLMnr": lambda r: r.nonCLM == 0 and r.rLM == 0,
        "PLM": lambda r: r.nonCLM == 0 and r.PLM == 1,
        "PLMa": lambda r: r.nonCLM == 0 and r.PLM == 1 and r.AR == 1,
        "PLMnr": lambda r: r.nonCLM == 0 and r.rLM == 0 and r.PLMnr == 1,
        "nonCLM": lambda r: r.nonCLM == 1,
        "LM": lambda r: True,
    }
    for name, sel in selectors.items():
        res.number[name] = {}
        res.index[name] = {}
        for col, codes in COLUMNS.items():
            k = sum(1 for r in lm_rows if sel(r) and r.Stage in codes)
            res.number[name][col] = k
            h = res.hours[col]
            res.index[name][col] = k / h if h > 0 else None
    for col in COLUMNS:
        clm, plm_ = res.number["CLM"][col], res.number["PLM"][col]
        res.PI[col] = roundup(plm_ / clm, 2) if clm else None
        clm_nr, plm_nr = res.number["CLMnr"][col], res.number["PLMnr"][col]
        res.PInr[col] = roundup(plm_nr / clm_nr, 2) if clm_nr else None
    return res


# --- the whole run -----------------------------------------------------------------------------


def plmscore_indices(
    legs: Iterable[tuple[str, float, float]],
    stages: Sequence[str],
    *,
    epoch_s: float = 30.0,
    offset_s: float = 0.0,
    respiratory: Iterable[tuple[float, float]] = (),
    arousals: Iterable[tuple[float, float]] = (),
) -> PLMScoReResult:
    """Score single-leg LMs as PLMScoRe does and return ``plm_output``'s figures.

    Parameters
    ----------
    legs : (leg, onset s, duration s) per single-leg LM, leg ``"left"`` or ``"right"``.
    stages : one stage per epoch (``W``, ``N1``, ``N2``, ``N3``, ``R``; anything else, e.g.
        ``UNS``, is not a scored epoch, as in ``RL_event_recode``).
    epoch_s, offset_s : epoch length and start of the first epoch (s).
    respiratory : (onset, duration) of the apnoeas and hypopnoeas.
    arousals : (onset, duration) of the arousals.
    """
    d: list[_Row] = []
    for k, s in enumerate(stages):
        if s in STAGE_CODE:
            on = offset_s + k * epoch_s
            d.append(_Row(T=1, T2=STAGE_CODE[s], Onset=on, Dur=epoch_s, Offset=on + epoch_s))
    for leg, on, du in legs:
        d.append(_Row(T=2, T2=10 if leg == "left" else 11, Onset=float(on), Dur=float(du)))
    for on, du in respiratory:
        d.append(_Row(T=3, T2=20, Onset=float(on), Dur=float(du)))
    for on, du in arousals:
        d.append(_Row(T=4, T2=30, Onset=float(on), Dur=float(du)))
    for r in d:
        r.Offset = r.Onset + r.Dur
    # determine_startstop without lights events: the first to the last scored epoch; events
    # ending before the start or starting after the stop are dropped.
    epochs = [r for r in d if r.T == 1]
    if epochs:
        start = min(r.Onset for r in epochs)
        stop = max(r.Offset for r in epochs)
        d = [r for r in d if r.Offset >= start and r.Onset <= stop]

    d = lm_unil(d)
    d = lm_dur1(d)
    d = lm_dur2(d)
    d = lm_bil(d)
    d = rlm(d)
    d = plm(d)
    d = add_sleep(d)
    return plm_output(d)
