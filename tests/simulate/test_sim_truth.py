"""The truth is realistic and makes each scenario land where it should (fast: truth only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twitchscope.simulate import SCENARIOS, SimulatedNight, simulate_night
from twitchscope.simulate.check import approx_plms_index, combine_legs

# Intended PLMS index ranges (per hour of sleep) by simple WASM-like rules on the truth.
RANGES = {
    "healthy": (0.0, 5.0),
    "rls": (22.0, 52.0),
    "severe": (60.0, 110.0),
    "low_amplitude": (17.0, 45.0),
    "noisy": (12.0, 40.0),
    "plmd_no_rls": (14.0, 34.0),
}


def _truth(name: str, seed: int) -> SimulatedNight:
    return simulate_night(name, seed=seed, with_signals=False)


@pytest.mark.parametrize("name", sorted(RANGES))
def test_scenario_plms_index_in_range(name: str) -> None:
    lo, hi = RANGES[name]
    for seed in (0, 1):
        night = _truth(name, seed)
        idx = approx_plms_index(night.movements, night.hypnogram.as_array())
        assert lo <= idx <= hi, (name, seed, idx)
        assert 7.0 <= night.duration / 3600 <= 9.0


def test_osa_ahi_and_respiratory_movements() -> None:
    night = _truth("osa", 0)
    ev = night.events
    resp = ev[ev["kind"] != "arousal"]
    ahi = len(resp) / (night.hypnogram.total_sleep_time / 3600)
    assert 22.0 <= ahi <= 38.0
    assert (resp["duration"] >= 10.0).all()
    ends = (resp["onset"] + resp["duration"]).to_numpy()
    rl = night.movements[night.movements["kind"] == "respiratory"]
    assert len(rl) > 0.2 * len(resp)
    # Every respiratory-related LM starts inside the WASM window around an event end.
    d = rl["onset"].to_numpy()[:, None] - ends[None, :]
    assert ((d >= -2.0) & (d <= 10.25)).any(axis=1).all()
    # Arousals follow most event ends.
    ar = ev[ev["kind"] == "arousal"]["onset"].to_numpy()
    near = (np.abs(ar[None, :] - ends[:, None]) <= 3.0).any(axis=1)
    assert near.mean() > 0.5


def test_healthy_has_few_respiratory_events() -> None:
    night = _truth("healthy", 2)
    n_resp = int((night.events["kind"] != "arousal").sum())
    assert n_resp / (night.hypnogram.total_sleep_time / 3600) < 5.0


def test_interval_distribution_like_real_series() -> None:
    """IMIs inside drawn series: most 15-40 s, some 10-15 s and 60-90 s, few outside 10-90 s."""
    ivs = []
    for seed in (0, 1, 2):
        mov = _truth("rls", seed).movements
        per = mov[mov["series"] >= 0]
        for _, g in per.groupby("series"):
            comb = combine_legs(g)
            ivs.append(np.diff(comb["onset"].to_numpy()))
    iv = np.concatenate(ivs)
    assert iv.size > 500
    assert 0.6 <= np.mean((iv >= 15) & (iv <= 40)) <= 0.9
    assert 0.04 <= np.mean((iv >= 10) & (iv < 15)) <= 0.2
    assert 0.03 <= np.mean((iv >= 60) & (iv <= 90)) <= 0.15
    assert np.mean((iv < 10) | (iv > 90)) <= 0.06
    assert 18.0 <= float(np.median(iv)) <= 32.0


def test_movements_by_kind_stage_and_side() -> None:
    night = _truth("rls", 3)
    mov, hyp = night.movements, night.hypnogram
    stage = hyp.stage_at(mov["onset"])
    per = mov["kind"] == "periodic"
    # Periodic LMs mostly in light NREM, fewer in N3 and REM (Pollmaecher 1993).
    share = pd.Series(stage[per]).value_counts(normalize=True)
    assert share.get("N1", 0) + share.get("N2", 0) > 0.6
    assert share.get("R", 0) < 0.2
    # Durations: LMs 0.5-10 s in sleep; some wake LMs longer than 10 s (non-candidates).
    assert mov.loc[per, "duration"].between(0.5, 10.0).all()
    assert (mov.loc[mov["kind"] == "wake", "duration"] > 10.0).any()
    assert (mov.loc[mov["kind"] == "hypnic", "duration"] < 1.0).all()
    # Bilateral and one-sided movements both occur; bilateral onsets within a second.
    comb = combine_legs(mov[per])
    assert (comb["n"] == 2).mean() > 0.2 and (comb["n"] == 1).mean() > 0.2
    assert set(mov["kind"]) >= {"periodic", "isolated", "wake"}
    assert mov["fragmented"].any()


def test_arousals_follow_some_movements() -> None:
    night = _truth("severe", 1)
    mov = night.movements
    ar = night.events[night.events["kind"] == "arousal"]
    assert mov["arousal"].mean() > 0.1
    # The flag means an arousal starts within 0.5 s of the movement's onset.
    on = mov.loc[mov["arousal"], "onset"].to_numpy()
    d = np.abs(on[:, None] - ar["onset"].to_numpy()[None, :])
    assert (d.min(axis=1) <= 0.5 + 1e-9).all()
    # Arousals are in sleep and last 3-15 s.
    assert set(night.hypnogram.stage_at(ar["onset"])) <= {"N1", "N2", "N3", "R"}
    assert ar["duration"].between(3.0, 15.0).all()


def test_hypnogram_architecture() -> None:
    for seed in range(3):
        hyp = _truth("healthy", seed).hypnogram
        st = hyp.as_array()
        sleep = np.isin(st, ["N1", "N2", "N3", "R"])
        first = int(np.argmax(sleep))
        assert 3 <= first * 0.5 <= 40  # sleep-onset latency (min)
        assert st[-1] == "W"  # final awakening
        tst = sleep.sum()
        shares = {s: (st == s).sum() / tst for s in ("N1", "N2", "N3", "R")}
        assert 0.02 <= shares["N1"] <= 0.15
        assert 0.40 <= shares["N2"] <= 0.65
        assert 0.08 <= shares["N3"] <= 0.25
        assert 0.12 <= shares["R"] <= 0.30
        # N3 early, REM late: most N3 in the first third, most REM after it.
        third = st.size // 3
        assert (st[:third] == "N3").sum() > (st[2 * third :] == "N3").sum()
        assert (st[third:] == "R").sum() > (st[:third] == "R").sum()
        # Brief awakenings after sleep onset (WASO).
        assert (st[first:-10] == "W").sum() > 0


def test_all_scenarios_exist() -> None:
    assert set(SCENARIOS) >= {"healthy", "rls", "severe", "osa", "noisy", "low_amplitude"}
    rates = {sc.leg_fs for sc in SCENARIOS.values()}
    assert rates >= {200, 256, 500, 512}
    for sc in SCENARIOS.values():
        assert sc.description and 200 <= sc.leg_fs <= 512
