"""Detect every non-LM twitch kind of a night: :func:`detect_twitches`."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.detect.filters import EnvelopeShare
from twitchscope.detect.twitches import kinds as K
from twitchscope.detect.twitches.bursts import LegEnvelope, find_bursts, fine_envelope
from twitchscope.detect.twitches.result import TwitchResult
from twitchscope.detect.twitches.rules import AASM2020, TwitchRules
from twitchscope.errors import ValidationError
from twitchscope.hypnogram import Hypnogram
from twitchscope.signal import Signal

#: Leg EMG band-pass (Hz) when no RuleSet is given: the WASM 2016 10-100 Hz.
DEFAULT_BANDPASS_HZ = (10.0, 100.0)


@dataclass(frozen=True)
class LegBursts:
    """One leg's part of twitch detection: its fine envelope, bursts and tremor stretches.

    Made by :func:`leg_bursts`; it needs only that leg's EMG, so it can run beside the leg's
    leg-movement detection (and share its filter pass) before the night is scored.
    """

    leg: str
    envelope: LegEnvelope
    bursts: pd.DataFrame
    tremor: pd.DataFrame
    rules: TwitchRules
    bandpass_hz: tuple[float, float]
    #: Wall seconds the leg's pass took.
    seconds: float


def leg_bursts(
    signal: Signal,
    leg: str,
    *,
    rules: TwitchRules = AASM2020,
    bandpass_hz: tuple[float, float] = DEFAULT_BANDPASS_HZ,
    r_times: npt.NDArray[np.float64] | None = None,
    share: EnvelopeShare | None = None,
) -> LegBursts:
    """The part of :func:`detect_twitches` that needs one leg's EMG only.

    ``share`` is the :class:`~twitchscope.detect.filters.EnvelopeShare` given to that leg's
    leg-movement detection (saves a second filter pass; same result). Pass the result to
    :func:`detect_twitches` as ``per_leg`` with the same signals, ``rules``, ``bandpass_hz``
    and ``r_times``.
    """
    t0 = time.perf_counter()
    band = (float(bandpass_hz[0]), float(bandpass_hz[1]))
    env = fine_envelope(signal, leg, rules, band, r_times, share)
    return LegBursts(
        leg=leg,
        envelope=env,
        bursts=find_bursts(env, rules),
        tremor=K.tremor(env, rules),
        rules=rules,
        bandpass_hz=band,
        seconds=time.perf_counter() - t0,
    )


def detect_twitches(
    left: Signal | None,
    right: Signal | None,
    *,
    movements: pd.DataFrame | None = None,
    hypnogram: Hypnogram | None = None,
    rules: TwitchRules = AASM2020,
    bandpass_hz: tuple[float, float] = DEFAULT_BANDPASS_HZ,
    r_times: npt.NDArray[np.float64] | None = None,
    per_leg: Sequence[LegBursts] = (),
) -> TwitchResult:
    """Find hypnic jerks, EFM, ALMA, hypnagogic foot tremor, long movements and tremor.

    Parameters
    ----------
    left, right : Signal or None
        Tibialis anterior EMG of each leg in µV at the native rate (NaN for gaps); at least one.
    movements : DataFrame, optional
        The night's single-leg leg movements (``leg``, ``onset``, ``duration``,
        ``amplitude_uv``) from leg-movement detection: long movements are taken from it, and
        fragmentary myoclonus potentials inside a leg movement do not count.
    hypnogram : Hypnogram, optional
        Sleep stages. Without them hypnic jerks and EFM are not assessed (both are defined by
        the stage) and per-hour indices are per hour of recording.
    rules : TwitchRules
        Thresholds (``aasm2020`` preset by default).
    bandpass_hz : (low, high)
        The EMG band-pass; pass the leg-movement rule set's ``bandpass_hz``.
    r_times : ndarray, optional
        R-peak times (s) from the ECG: the fine envelope is blanked around them.
    per_leg : sequence of LegBursts, optional
        Legs already passed through :func:`leg_bursts` (with these signals, rules, band-pass and
        R peaks); a leg not among them, or passed with other rules, is done here.

    Returns
    -------
    TwitchResult
    """
    legs = [(n, s) for n, s in (("left", left), ("right", right)) if s is not None]
    if not legs:
        raise ValidationError("detect_twitches", "needs at least one leg signal")
    mv = (
        movements
        if movements is not None
        else pd.DataFrame({"leg": [], "onset": [], "duration": [], "amplitude_uv": []})
    )
    seconds: dict[str, float] = {}
    band = (float(bandpass_hz[0]), float(bandpass_hz[1]))
    done = {p.leg: p for p in per_leg if p.rules == rules and p.bandpass_hz == band}
    passes = [
        done[n] if n in done else leg_bursts(s, n, rules=rules, bandpass_hz=band, r_times=r_times)
        for n, s in legs
    ]
    bursts = pd.concat([p.bursts for p in passes], ignore_index=True)
    bursts = bursts.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)
    seconds["envelope_and_bursts"] = sum(p.seconds for p in passes)
    duration = max(float(s.duration) + float(s.start) for _, s in legs)

    t0 = time.perf_counter()
    parts: list[pd.DataFrame] = []
    not_assessed: dict[str, str] = {}
    warnings: list[str] = []
    alma = K.alma(bursts, rules) if len(legs) == 2 else K.empty_twitches()
    if len(legs) < 2:
        not_assessed["alma"] = "needs both legs"
    hft = K.hypnagogic_foot_tremor(bursts, rules)
    hft = hft[~_overlapping(hft, alma)]
    leaking = K.cardiac_leak_legs(bursts, r_times, rules)
    if r_times is not None and len(hft):
        hft = hft[~_heart_locked_trains(hft, bursts, r_times, rules)]
    trem = pd.concat([p.tremor for p in passes], ignore_index=True)
    # A rhythm faster than HFT and ALMA allow breaks into irregular bursts that can pass for a
    # slow train: the tremor names it. At the frequencies they share, the train names it.
    fast = trem[trem["frequency_hz"] > max(rules.hft_max_hz, rules.alma_max_hz)]
    alma = alma[~_overlapping(alma, fast)]
    hft = hft[~_overlapping(hft, fast)]
    trains = pd.concat([alma, hft], ignore_index=True)
    trem = trem[~_overlapping(trem, trains)]
    longm = K.long_movements(mv, rules)
    # a tremor stretch is one long movement to the LM rules; the tremor names it
    longm = longm[~_overlapping(longm, trem)]
    parts += [alma, hft, trem, longm]
    efm: dict[str, object]
    if hypnogram is not None:
        parts.append(K.hypnic_jerks(bursts, hypnogram, rules))
        efm_bursts = bursts
        if leaking:
            locked = K.r_locked(bursts["onset"].to_numpy(float), r_times, rules)
            drop = locked & bursts["leg"].isin(list(leaking)).to_numpy()
            efm_bursts = bursts[~drop]
            for leg, share in leaking.items():
                warnings.append(
                    f"{leg} leg: the ECG leaks into the EMG ({100 * share:.0f} % of short bursts "
                    "start at an R peak); bursts at R peaks are not counted as fragmentary "
                    "myoclonus there, so its rate is underestimated"
                )
        pots = K.efm_potentials(efm_bursts, mv, pd.concat([trains, trem], ignore_index=True), rules)
        efm_rows, verdict = K.fragmentary_myoclonus(pots, hypnogram, duration, rules)
        parts.append(efm_rows)
        efm = dict(verdict)
        hours = hypnogram.total_sleep_time / 3600.0
        basis = "total sleep time"
    else:
        reason = "needs a hypnogram (defined by sleep stage)"
        not_assessed["hypnic_jerk"] = reason
        not_assessed["fragmentary_myoclonus"] = reason
        efm = {"verdict": "not assessed", "reason": reason}
        hours = duration / 3600.0
        basis = "recording time"
        warnings.append("no hypnogram: hypnic jerks and fragmentary myoclonus were not assessed")
    seconds["kinds"] = time.perf_counter() - t0
    events = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else K.empty_twitches()
    )
    events = events.sort_values(["onset", "kind", "leg"], kind="stable").reset_index(drop=True)
    stage = (
        hypnogram.stage_at(events["onset"].to_numpy(float))
        if hypnogram is not None
        else np.full(len(events), "UNS")
    )
    events.insert(4, "stage", np.asarray(stage, dtype=object))
    return TwitchResult(
        events=events,
        rules=rules,
        hours=hours,
        basis=basis,
        efm=efm,
        not_assessed=not_assessed,
        warnings=warnings,
        seconds=seconds,
    )


def _overlapping(events: pd.DataFrame, other: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """True for each row of ``events`` overlapping a row of ``other`` on a shared leg (a row
    with ``leg`` ``both`` shares both legs)."""
    out = np.zeros(len(events), dtype=bool)
    if events.empty or other.empty:
        return out
    on = events["onset"].to_numpy(float)
    end = on + events["duration"].to_numpy(float)
    ev_leg = events["leg"].to_numpy(dtype=object)
    for leg in ("left", "right"):
        mine = (ev_leg == leg) | (ev_leg == "both")
        theirs = other[other["leg"].isin([leg, "both"])]
        if mine.any() and len(theirs):
            out[mine] |= K._overlaps(on[mine], end[mine], theirs)
    return out


def twitches_from_movements(
    movements: pd.DataFrame,
    *,
    hypnogram: Hypnogram | None = None,
    duration: float,
    rules: TwitchRules = AASM2020,
) -> TwitchResult:
    """The kinds a movement table alone shows (long movements), when no EMG was read.

    Used when reference movements are scored: hypnic jerks, EFM, ALMA, HFT and tremor are
    defined on the EMG bursts and are reported as not assessed.
    """
    events = K.long_movements(movements, rules)
    stage = (
        hypnogram.stage_at(events["onset"].to_numpy(float))
        if hypnogram is not None
        else np.full(len(events), "UNS")
    )
    events.insert(4, "stage", np.asarray(stage, dtype=object))
    reason = "needs the leg EMG (reference movements were scored)"
    not_assessed = {k: reason for k in K.KINDS if k != "long_movement"}
    hours = (hypnogram.total_sleep_time if hypnogram is not None else duration) / 3600.0
    return TwitchResult(
        events=events,
        rules=rules,
        hours=hours,
        basis="total sleep time" if hypnogram is not None else "recording time",
        efm={"verdict": "not assessed", "reason": reason},
        not_assessed=not_assessed,
    )


def _heart_locked_trains(
    trains: pd.DataFrame, bursts: pd.DataFrame, r_times: npt.NDArray[np.float64],
    rules: TwitchRules,
) -> npt.NDArray[np.bool_]:  # fmt: skip
    """True for trains whose bursts mostly start at R peaks (the heart, not the foot)."""
    out = np.zeros(len(trains), dtype=bool)
    b_on = bursts["onset"].to_numpy(float)
    b_leg = bursts["leg"].to_numpy(dtype=object)
    locked = K.r_locked(b_on, r_times, rules)
    for i, (leg, on, du) in enumerate(
        zip(trains["leg"], trains["onset"], trains["duration"], strict=True)
    ):  # loop over trains (a handful), not samples
        m = (
            (b_leg == leg)
            & (b_on >= on - 1e-6)
            & (b_on < on + du)
            & (bursts["duration"].to_numpy(float) >= 0.5 * rules.hft_burst_min_s)
        )
        if m.any():
            out[i] = float(locked[m].mean()) >= rules.ecg_lock_train_share
    return out
