"""simulate_night: determinism, channels, truth tables and their consistency."""

from __future__ import annotations

import numpy as np
import pytest

from twitchscope.errors import TwitchscopeError, ValidationError
from twitchscope.events import check_events
from twitchscope.simulate import SCENARIOS, SimulatedNight, simulate_night

EXPECTED = {"Leg L", "Leg R", "ECG", "Chin", "C4-M1", "C3-M2", "E1-M2", "E2-M1", "Flow", "Thor",
            "Abdo", "SpO2"}  # fmt: skip


def test_same_seed_same_night() -> None:
    a = simulate_night("healthy", seed=4, duration_h=0.3)
    b = simulate_night("healthy", seed=4, duration_h=0.3)
    assert a.start == b.start
    assert a.movements.equals(b.movements)
    assert a.events.equals(b.events)
    assert a.hypnogram.stages == b.hypnogram.stages
    for label, s in a.signals.items():
        np.testing.assert_array_equal(s.data, b.signals[label].data)


def test_other_seed_other_night() -> None:
    a = simulate_night("healthy", seed=4, duration_h=0.3)
    b = simulate_night("healthy", seed=5, duration_h=0.3)
    assert not np.array_equal(a.signals["Leg L"].data, b.signals["Leg L"].data)


def test_channels_rates_and_lengths(rls_night: SimulatedNight) -> None:
    assert set(rls_night.signals) == EXPECTED
    assert rls_night.duration == pytest.approx(3600.0)
    for s in rls_night.signals.values():
        assert s.n_samples == round(rls_night.duration * s.fs)
        assert s.data.dtype == np.float32 and np.isfinite(s.data).all()
    assert rls_night.signals["Leg L"].fs == rls_night.params["leg_fs"]
    assert rls_night.params["leg_fs"] in SCENARIOS["rls"].leg_fs_choices
    assert rls_night.signals["Leg L"].role == "leg_left"
    assert rls_night.signals["SpO2"].unit == "%"


def test_leg_fs_override() -> None:
    n = simulate_night("healthy", seed=1, duration_h=0.2, leg_fs=200)
    assert n.signals["Leg R"].fs == 200.0


@pytest.mark.parametrize(
    ("kwargs", "err"),
    [
        ({"scenario": "nope"}, TwitchscopeError),
        ({"seed": -1}, ValidationError),
        ({"duration_h": 0.0}, ValidationError),
        ({"leg_fs": 250.5}, ValidationError),
        ({"leg_fs": 50}, ValidationError),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], err: type[Exception]) -> None:
    with pytest.raises(err):
        simulate_night(**kwargs)  # type: ignore[arg-type]


def test_unknown_scenario_lists_known() -> None:
    with pytest.raises(TwitchscopeError, match=r"healthy.*rls"):
        simulate_night("nope")


def test_truth_tables_well_formed(rls_night: SimulatedNight) -> None:
    mov = rls_night.movements
    assert list(mov.columns[:6]) == [
        "leg",
        "onset",
        "duration",
        "amplitude_uv",
        "kind",
        "fragmented",
    ]
    assert set(mov["leg"]) <= {"left", "right"}
    assert (mov["duration"] >= 0.5).all()
    assert (mov["onset"] >= 0).all() and (
        mov["onset"] + mov["duration"] <= rls_night.duration
    ).all()
    # Same-leg LMs never overlap and are separated by at least 0.5 s of rest.
    for _, g in mov.groupby("leg"):
        g = g.sort_values("onset")
        gap = g["onset"].to_numpy()[1:] - (g["onset"] + g["duration"]).to_numpy()[:-1]
        assert (gap >= 0.5).all()
    check_events(rls_night.events)
    assert set(rls_night.events["kind"]) <= {"obstructive_apnea", "central_apnea", "hypopnea",
                                              "arousal"}  # fmt: skip
    assert rls_night.hypnogram.n_epochs == 120
    assert set(rls_night.hypnogram.stages) <= {"W", "N1", "N2", "N3", "R"}
