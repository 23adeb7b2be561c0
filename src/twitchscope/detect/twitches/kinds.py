"""One detector per twitch kind, from burst tables, leg movements, envelopes and stages.

Each returns a table with the columns of :data:`TWITCH_COLUMNS` (kind-specific ones NaN where
they do not apply). Trains are found with vectorised run detection on "link" masks between
consecutive bursts; nothing loops over samples.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.detect.twitches.bursts import LegEnvelope
from twitchscope.detect.twitches.rules import TwitchRules
from twitchscope.hypnogram import Hypnogram

#: Columns of ``twitches.csv`` (``stage`` is added by :func:`detect_twitches`).
TWITCH_COLUMNS: Final[tuple[str, ...]] = (
    "kind",
    "leg",
    "onset",
    "duration",
    "bursts",
    "frequency_hz",
    "amplitude_uv",
    "rate_per_min",
)
KINDS: Final[tuple[str, ...]] = (
    "hypnic_jerk",
    "fragmentary_myoclonus",
    "alma",
    "hypnagogic_foot_tremor",
    "long_movement",
    "tremor",
)
NREM: Final[tuple[str, ...]] = ("N1", "N2", "N3")

I64 = npt.NDArray[np.int64]


def empty_twitches() -> pd.DataFrame:
    """A twitch table without rows."""
    return table([], [], [], [])


def table(
    kind: list[str] | npt.NDArray[np.object_],
    leg: list[str] | npt.NDArray[np.object_],
    onset: npt.ArrayLike,
    duration: npt.ArrayLike,
    *,
    bursts: npt.ArrayLike | None = None,
    frequency_hz: npt.ArrayLike | None = None,
    amplitude_uv: npt.ArrayLike | None = None,
    rate_per_min: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Build a twitch table; missing kind-specific columns are NaN (``bursts`` is Int64)."""
    on = np.asarray(onset, dtype=float)
    n = on.size

    def col(v: npt.ArrayLike | None) -> npt.NDArray[np.float64]:
        return np.full(n, np.nan) if v is None else np.asarray(v, dtype=float)

    return pd.DataFrame(
        {
            "kind": pd.Series(np.asarray(kind, dtype=object), dtype=object),
            "leg": pd.Series(np.asarray(leg, dtype=object), dtype=object),
            "onset": on,
            "duration": np.asarray(duration, dtype=float),
            "bursts": pd.array(
                [pd.NA] * n if bursts is None else np.asarray(bursts, dtype=np.int64),
                dtype="Int64",
            ),
            "frequency_hz": col(frequency_hz),
            "amplitude_uv": col(amplitude_uv),
            "rate_per_min": col(rate_per_min),
        }
    )


def runs(mask: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """Start and end (exclusive) indices of the True runs of ``mask``."""
    d = np.diff(mask.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(d == 1).astype(np.int64), np.flatnonzero(d == -1).astype(np.int64)


def _trains(link: npt.NDArray[np.bool_], min_bursts: int) -> tuple[I64, I64]:
    """First and last burst index of each run of >= ``min_bursts`` bursts joined by ``link``.

    ``link[i]`` says burst ``i`` and ``i + 1`` belong to one train.
    """
    s, e = runs(link)
    ok = (e - s + 1) >= min_bursts
    return s[ok], e[ok]  # last burst of the run is e (link e-1 joins e-1 and e)


def _overlaps(
    on: npt.NDArray[np.float64], end: npt.NDArray[np.float64], other: pd.DataFrame
) -> npt.NDArray[np.bool_]:
    """True where ``[on, end)`` overlaps any row (``onset``, ``duration``) of ``other``."""
    if on.size == 0 or other.empty:
        return np.zeros(on.size, dtype=bool)
    o_on = other["onset"].to_numpy(float)
    o_end = o_on + other["duration"].to_numpy(float)
    order = np.argsort(o_on, kind="stable")
    o_on, o_end = o_on[order], o_end[order]
    run_max_end = np.maximum.accumulate(o_end)
    # intervals starting before our end; the furthest-reaching end among them decides
    k = np.searchsorted(o_on, end, side="left") - 1
    return (k >= 0) & (run_max_end[np.maximum(k, 0)] > on)


def in_any(t: npt.NDArray[np.float64], other: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """True where time ``t`` falls inside a row of ``other`` (``onset``, ``duration``)."""
    return _overlaps(t, t + 1e-9, other)


def _union(on: npt.NDArray[np.float64], end: npt.NDArray[np.float64]) -> tuple[I64, I64]:
    """Group sorted intervals that overlap: first and last index of each group."""
    if on.size == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e
    reach = np.maximum.accumulate(end)
    new = np.concatenate([[True], on[1:] >= reach[:-1]])
    starts = np.flatnonzero(new)
    ends = np.concatenate([starts[1:], [on.size]]) - 1
    return starts, ends


def _combine_legs(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    """Merge per-leg rows that overlap in time into one row (``leg`` ``both`` when both)."""
    if df.empty:
        return empty_twitches()
    df = df.sort_values("onset", kind="stable").reset_index(drop=True)
    on = df["onset"].to_numpy(float)
    end = on + df["duration"].to_numpy(float)
    s, _e = _union(on, end)
    last_end = np.maximum.reduceat(end, s)
    legs = df["leg"].to_numpy(dtype=object)
    left = np.add.reduceat((legs == "left").astype(np.int64), s)
    right = np.add.reduceat((legs == "right").astype(np.int64), s)
    both = (left > 0) & (right > 0)
    leg = np.where(both, "both", np.where(left > 0, "left", "right")).astype(object)
    amp = np.maximum.reduceat(df["amplitude_uv"].to_numpy(float), s)
    return table(
        np.full(s.size, kind, dtype=object), leg, on[s], last_end - on[s], amplitude_uv=amp
    )


# --- long movements ------------------------------------------------------------------------


def long_movements(movements: pd.DataFrame, rules: TwitchRules) -> pd.DataFrame:
    """Leg movements longer than ``long_movement_min_s`` (WASM 2016 non-candidates), legs joined
    where they overlap."""
    if movements.empty:
        return empty_twitches()
    long = movements[movements["duration"] > rules.long_movement_min_s]
    if long.empty:
        return empty_twitches()
    amp = long["amplitude_uv"] if "amplitude_uv" in long.columns else np.nan
    df = pd.DataFrame(
        {"leg": long["leg"], "onset": long["onset"], "duration": long["duration"],
         "amplitude_uv": amp}
    )  # fmt: skip
    return _combine_legs("long_movement", df)


# --- hypnagogic foot tremor -------------------------------------------------------------------


def hypnagogic_foot_tremor(bursts: pd.DataFrame, rules: TwitchRules) -> pd.DataFrame:
    """HFT trains (AASM): >= ``hft_min_bursts`` bursts of ``hft_burst_min_s``-``hft_burst_max_s``
    on one leg, onset-to-onset intervals within ``1/hft_max_hz``-``1/hft_min_hz``."""
    out = []
    for leg in ("left", "right"):
        b = bursts[bursts["leg"] == leg]
        b = b[b["duration"] >= 0.5 * rules.hft_burst_min_s]  # noise blips do not break trains
        if len(b) < rules.hft_min_bursts:
            continue
        on = b["onset"].to_numpy(float)
        du = b["duration"].to_numpy(float)
        amp = b["amplitude_uv"].to_numpy(float)
        size_ok = (du >= rules.hft_burst_min_s - 1e-9) & (du <= rules.hft_burst_max_s + 1e-9)
        ivl = np.diff(on)
        link = (
            size_ok[:-1]
            & size_ok[1:]
            & (ivl >= 1.0 / rules.hft_max_hz - 1e-9)
            & (ivl <= 1.0 / rules.hft_min_hz + 1e-9)
        )
        first, last = _trains(link, rules.hft_min_bursts)
        if first.size == 0:
            continue
        freq = (last - first) / (on[last] - on[first])
        amp_max = _seg_max(amp, first, last)
        out.append(
            table(
                np.full(first.size, "hypnagogic_foot_tremor", dtype=object),
                np.full(first.size, leg, dtype=object),
                on[first],
                on[last] + du[last] - on[first],
                bursts=last - first + 1,
                frequency_hz=freq,
                amplitude_uv=amp_max,
            )
        )
    return pd.concat(out, ignore_index=True) if out else empty_twitches()


def _seg_max(v: npt.NDArray[np.float64], first: I64, last: I64) -> npt.NDArray[np.float64]:
    """Maximum of ``v[first[i] : last[i] + 1]`` for each i (segments sorted, not overlapping)."""
    ext = np.concatenate([v, [-np.inf]])
    idx = np.ravel(np.column_stack([first, last + 1]))
    return np.asarray(np.maximum.reduceat(ext, idx)[0::2], dtype=float)


# --- ALMA ------------------------------------------------------------------------------------


def alma(bursts: pd.DataFrame, rules: TwitchRules) -> pd.DataFrame:
    """ALMA (AASM): >= ``alma_min_bursts`` bursts of ``alma_burst_min_s``-``alma_burst_max_s``
    alternating between the legs; each leg's onset-to-onset interval (burst ``i`` to ``i + 2``)
    within ``1/alma_max_hz``-``1/alma_min_hz`` (consecutive bursts half a cycle apart)."""
    b = bursts[bursts["duration"] >= 0.5 * rules.alma_burst_min_s]
    if len(b) < rules.alma_min_bursts:
        return empty_twitches()
    b = b.sort_values("onset", kind="stable")
    on = b["onset"].to_numpy(float)
    du = b["duration"].to_numpy(float)
    amp = b["amplitude_uv"].to_numpy(float)
    legs = b["leg"].to_numpy(dtype=object)
    size_ok = (du >= rules.alma_burst_min_s - 1e-9) & (du <= rules.alma_burst_max_s + 1e-9)
    # alternating bursts are half a cycle apart: onset gaps within 0.5/max_hz .. 0.5/min_hz
    lo, hi = 0.5 / rules.alma_max_hz - 1e-9, 0.5 / rules.alma_min_hz + 1e-9
    alt = legs[:-1] != legs[1:]
    gap = np.diff(on)
    link = size_ok[:-1] & size_ok[1:] & alt & (gap >= lo) & (gap <= hi)
    first, last = _trains(link, rules.alma_min_bursts)
    if first.size == 0:
        return empty_twitches()
    # per-leg frequency: (bursts - 1) half-cycles span on[last] - on[first]
    freq = 0.5 * (last - first) / (on[last] - on[first])
    ok = (freq >= rules.alma_min_hz - 1e-9) & (freq <= rules.alma_max_hz + 1e-9)
    first, last, freq = first[ok], last[ok], freq[ok]
    return table(
        np.full(first.size, "alma", dtype=object),
        np.full(first.size, "both", dtype=object),
        on[first],
        on[last] + du[last] - on[first],
        bursts=last - first + 1,
        frequency_hz=freq,
        amplitude_uv=_seg_max(amp, first, last),
    )


# --- hypnic jerks -----------------------------------------------------------------------------


def sleep_onsets(hyp: Hypnogram) -> npt.NDArray[np.float64]:
    """Times (s) of wake-to-sleep transitions: starts of sleep epochs that follow a wake epoch."""
    st = hyp.as_array()
    sleep = np.isin(st, ["N1", "N2", "N3", "R"])
    ep = np.flatnonzero((st[:-1] == "W") & sleep[1:]) + 1
    return hyp.offset + ep.astype(float) * hyp.epoch_length


def hypnic_jerks(bursts: pd.DataFrame, hyp: Hypnogram, rules: TwitchRules) -> pd.DataFrame:
    """Hypnic jerks (ICSD-3 sleep starts): single, brief, large bursts at sleep onset."""
    onsets = sleep_onsets(hyp)
    if bursts.empty or onsets.size == 0:
        return empty_twitches()
    rows = []
    for leg in ("left", "right"):
        b = bursts[bursts["leg"] == leg]
        if b.empty:
            continue
        on = b["onset"].to_numpy(float)
        du = b["duration"].to_numpy(float)
        end = on + du
        amp = b["amplitude_uv"].to_numpy(float)
        prev_end = np.concatenate([[-np.inf], end[:-1]])
        next_on = np.concatenate([on[1:], [np.inf]])
        isolated = (on - prev_end >= rules.hypnic_isolation_s) & (
            next_on - end >= rules.hypnic_isolation_s
        )
        k = np.searchsorted(onsets, on + rules.hypnic_window_before_s, side="right") - 1
        near = (k >= 0) & (on - onsets[np.maximum(k, 0)] <= rules.hypnic_window_after_s)
        near &= (k >= 0) & (on >= onsets[np.maximum(k, 0)] - rules.hypnic_window_before_s)
        ok = (
            isolated
            & near
            & (amp >= rules.hypnic_min_amplitude_uv)
            & (du >= rules.hypnic_min_s - 1e-9)
            & (du <= rules.hypnic_max_s + 1e-9)
        )
        rows.append(b[ok])
    if not rows:
        return empty_twitches()
    df = pd.concat(rows, ignore_index=True).sort_values("onset", kind="stable")
    if df.empty:
        return empty_twitches()
    # jerks on the two legs starting within the bilateral window are one
    on = df["onset"].to_numpy(float)
    end = np.maximum(on + df["duration"].to_numpy(float), on + rules.hypnic_bilateral_window_s)
    s, _e = _union(on, end)
    legs = df["leg"].to_numpy(dtype=object)
    left = np.add.reduceat((legs == "left").astype(np.int64), s)
    right = np.add.reduceat((legs == "right").astype(np.int64), s)
    legs_out = np.where((left > 0) & (right > 0), "both", np.where(left > 0, "left", "right"))
    real_end = np.maximum.reduceat(on + df["duration"].to_numpy(float), s)
    amp = np.maximum.reduceat(df["amplitude_uv"].to_numpy(float), s)
    return table(
        np.full(s.size, "hypnic_jerk", dtype=object),
        legs_out.astype(object),
        on[s],
        real_end - on[s],
        bursts=np.add.reduceat(np.ones(on.size, dtype=np.int64), s),
        amplitude_uv=amp,
    )


# --- excessive fragmentary myoclonus ----------------------------------------------------------


def efm_potentials(
    bursts: pd.DataFrame, movements: pd.DataFrame, trains: pd.DataFrame, rules: TwitchRules
) -> pd.DataFrame:
    """Fragmentary myoclonus potentials: bursts <= ``efm_max_burst_s`` outside leg movements and
    other twitch trains; potentials on the two legs within ``efm_dedup_s`` count once."""
    b = bursts[bursts["duration"] <= rules.efm_max_burst_s + 1e-9]
    if b.empty:
        return b
    on = b["onset"].to_numpy(float)
    mid = on + 0.5 * b["duration"].to_numpy(float)
    inside = np.zeros(on.size, dtype=bool)
    for leg in ("left", "right"):
        mine = (b["leg"] == leg).to_numpy()
        if not movements.empty:
            inside[mine] |= in_any(mid[mine], movements[movements["leg"] == leg])
    inside |= in_any(mid, trains)
    b = b[~inside].sort_values("onset", kind="stable")
    t = b["onset"].to_numpy(float)
    dup = np.concatenate([[False], np.diff(t) < rules.efm_dedup_s])
    dup &= np.concatenate([[False], b["leg"].to_numpy(dtype=object)[1:]
                           != b["leg"].to_numpy(dtype=object)[:-1]])  # fmt: skip
    return b[~dup].reset_index(drop=True)


def efm_minutes(
    potentials: pd.DataFrame, hyp: Hypnogram, duration: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.bool_],
           npt.NDArray[np.int64], npt.NDArray[np.int64]]:  # fmt: skip
    """Per whole minute of the recording: start (s), potentials, NREM (both halves in
    NREM), and left / right potential counts."""
    n_min = int(duration // 60.0)
    starts = hyp.offset + 60.0 * np.arange(n_min, dtype=np.float64)
    t = potentials["onset"].to_numpy(float)
    m = np.floor((t - hyp.offset) / 60.0).astype(np.int64)
    ok = (m >= 0) & (m < n_min)
    counts = np.bincount(m[ok], minlength=n_min).astype(np.int64)
    legs = potentials["leg"].to_numpy(dtype=object)[ok]
    left = np.bincount(m[ok][legs == "left"], minlength=n_min).astype(np.int64)
    right = np.bincount(m[ok][legs == "right"], minlength=n_min).astype(np.int64)
    st_a = hyp.stage_at(starts + 1.0)
    st_b = hyp.stage_at(starts + 59.0)
    nrem = np.isin(st_a, NREM) & np.isin(st_b, NREM)
    return starts, counts, nrem, left, right


def fragmentary_myoclonus(
    potentials: pd.DataFrame, hyp: Hypnogram, duration: float, rules: TwitchRules
) -> tuple[pd.DataFrame, dict[str, float | str]]:
    """Stretches of NREM minutes meeting the EFM rate, and the EFM verdict (AASM 2020)."""
    starts, counts, nrem, left, right = efm_minutes(potentials, hyp, duration)
    meets = nrem & (counts >= rules.efm_min_rate_per_min)
    nrem_min = float(nrem.sum())
    verdict = {
        "verdict": "excessive" if meets.sum() >= rules.efm_min_total_min else "not excessive",
        "minutes_meeting_rule": float(meets.sum()),
        "nrem_minutes": nrem_min,
        "potentials_nrem": float(counts[nrem].sum()),
        "rate_per_min_nrem": float(counts[nrem].sum() / nrem_min) if nrem_min else float("nan"),
        "max_rate_per_min": float(counts[nrem].max()) if nrem.any() else float("nan"),
    }
    # bridge up to efm_bridge_min NREM minutes that fall short between qualifying ones
    bridged = meets.copy()
    if rules.efm_bridge_min > 0 and meets.any():
        gs, ge = runs(~meets)
        short = (ge - gs <= rules.efm_bridge_min) & (gs > 0) & (ge < meets.size)
        for a, b in zip(gs[short], ge[short], strict=True):  # loop over gaps, not samples
            if nrem[a:b].all():
                bridged[a:b] = True
    s, e = runs(bridged)
    cs = np.concatenate([[0], np.cumsum(meets)])
    q = cs[e] - cs[s]
    keep = q >= rules.efm_min_stretch_min
    s, e = s[keep], e[keep]
    if s.size == 0:
        return empty_twitches(), verdict
    cc = np.concatenate([[0], np.cumsum(counts)])
    cl = np.concatenate([[0], np.cumsum(left)])
    cr = np.concatenate([[0], np.cumsum(right)])
    n_pot = cc[e] - cc[s]
    nl, nr = cl[e] - cl[s], cr[e] - cr[s]
    share = np.minimum(nl, nr) / np.maximum(n_pot, 1)
    leg = np.where(share >= 0.2, "both", np.where(nl >= nr, "left", "right")).astype(object)
    minutes = (e - s).astype(float)
    return (
        table(
            np.full(s.size, "fragmentary_myoclonus", dtype=object),
            leg,
            starts[s],
            60.0 * minutes,
            bursts=n_pot,
            rate_per_min=n_pot / minutes,
        ),
        verdict,
    )


# --- tremor -----------------------------------------------------------------------------------


def tremor(le: LegEnvelope, rules: TwitchRules) -> pd.DataFrame:
    """Rhythmic tremor: stretches of consecutive windows whose envelope spectrum has a peak in
    ``tremor_band_hz`` (a local maximum) at least ``tremor_peak_ratio`` times the median power
    of its flanks (``tremor_peak_gap_hz``-``tremor_flank_hz`` away), with an active envelope,
    the peak staying within ``tremor_freq_tolerance_hz``. Frequency = mean peak frequency over
    the stretch."""
    fs_env = 1.0 / le.block_s
    w = round(rules.tremor_window_s * fs_env)
    nw = le.env.shape[0] // w
    lo, hi = rules.tremor_band_hz
    if nw == 0 or hi >= 0.5 * fs_env:
        return empty_twitches()
    x = (le.env[: nw * w] - le.rest[: nw * w]).reshape(nw, w).astype(np.float32)
    active = x.mean(axis=1) >= rules.tremor_min_amplitude_uv
    active &= le.valid[: nw * w].reshape(nw, w).all(axis=1)
    idx = np.flatnonzero(active)
    if idx.size == 0:
        return empty_twitches()
    seg = x[idx]
    seg = seg - seg.mean(axis=1, keepdims=True)
    spec = np.abs(np.fft.rfft(seg * np.hanning(w).astype(np.float32), axis=1)) ** 2
    f = np.fft.rfftfreq(w, d=le.block_s)
    df = float(f[1])
    band = (f >= lo) & (f <= hi)
    # a peak spread over neighbouring bins (Hann window) is summed over 3 bins
    sm = spec[:, :-2] + spec[:, 1:-1] + spec[:, 2:]
    sm = np.concatenate([sm[:, :1], sm, sm[:, -1:]], axis=1)
    bi = np.flatnonzero(band)
    k = bi[np.argmax(sm[:, bi], axis=1)]
    rows = np.arange(idx.size)
    # a true peak, not the edge of a falling (1/f-like) movement spectrum: a local maximum
    top = sm[rows, k]
    local_max = (top >= sm[rows, np.maximum(k - 2, 0)]) & (
        top >= sm[rows, np.minimum(k + 2, f.size - 1)]
    )
    # prominence over the neighbourhood: median of the bins 0.75-3 Hz away on both sides
    near_lo, near_hi = round(rules.tremor_peak_gap_hz / df), round(rules.tremor_flank_hz / df)
    off = np.concatenate([-np.arange(near_lo, near_hi + 1), np.arange(near_lo, near_hi + 1)])
    cols = np.clip(k[:, None] + off[None, :], 0, f.size - 1)
    flank = np.median(sm[rows[:, None], cols], axis=1)
    ratio = np.where(local_max, top / np.maximum(flank, 1e-12), 0.0)
    peak_f = f[k]
    win_ok = np.zeros(nw, dtype=bool)
    win_ok[idx] = ratio >= rules.tremor_peak_ratio
    freq = np.full(nw, np.nan)
    freq[idx] = peak_f
    rat = np.full(nw, np.nan)
    rat[idx] = ratio
    amp = np.full(nw, np.nan)
    amp[idx] = x[idx].max(axis=1)
    steady = np.abs(np.diff(freq)) <= rules.tremor_freq_tolerance_hz
    link = win_ok[:-1] & win_ok[1:] & steady
    if rules.tremor_min_windows <= 1:
        s, e = runs(win_ok)
        last = e - 1
    else:
        s, last = _trains(link, rules.tremor_min_windows)
    if s.size == 0:
        return empty_twitches()
    cf = np.concatenate([[0.0], np.cumsum(np.nan_to_num(freq))])
    mean_f = (cf[last + 1] - cf[s]) / (last - s + 1)
    win_s = w * le.block_s
    return table(
        np.full(s.size, "tremor", dtype=object),
        np.full(s.size, le.leg, dtype=object),
        le.start + s * win_s,
        (last - s + 1) * win_s,
        frequency_hz=np.round(mean_f, 2),
        amplitude_uv=_seg_max(np.nan_to_num(amp), s, last),
    )


# --- cardiac artefact ---------------------------------------------------------------------------


def r_locked(
    onsets: npt.NDArray[np.float64], r_times: npt.NDArray[np.float64] | None, rules: TwitchRules
) -> npt.NDArray[np.bool_]:
    """True where a burst starts within ``ecg_lock_before_s`` before to ``ecg_lock_after_s``
    after an R peak (the QRS and T waves leaking from the heart)."""
    if r_times is None or r_times.size == 0 or onsets.size == 0:
        return np.zeros(onsets.size, dtype=bool)
    k = np.searchsorted(r_times, onsets + rules.ecg_lock_before_s, side="right") - 1
    prev = r_times[np.maximum(k, 0)]
    return (
        (k >= 0)
        & (onsets - prev <= rules.ecg_lock_after_s)
        & (onsets - prev >= -rules.ecg_lock_before_s)
    )


def cardiac_leak_legs(
    bursts: pd.DataFrame, r_times: npt.NDArray[np.float64] | None, rules: TwitchRules
) -> dict[str, float]:
    """Per leg, the share of short bursts locked to R peaks, where it is well above chance
    (``ecg_lock_excess`` x the share of time inside the lock windows): the heart leaks into it."""
    out: dict[str, float] = {}
    if r_times is None or r_times.size < 10 or bursts.empty:
        return out
    rr = float(np.median(np.diff(r_times)))
    chance = min(1.0, (rules.ecg_lock_before_s + rules.ecg_lock_after_s) / max(rr, 1e-3))
    for leg in ("left", "right"):
        b = bursts[(bursts["leg"] == leg) & (bursts["duration"] <= rules.hft_burst_max_s)]
        if len(b) < 20:
            continue
        share = float(r_locked(b["onset"].to_numpy(float), r_times, rules).mean())
        if share > min(0.95, rules.ecg_lock_excess * chance):
            out[leg] = share
    return out
