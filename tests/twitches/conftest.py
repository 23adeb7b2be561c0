"""Small simulated data for the twitch-kind, accelerometer and staging tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchscope.simulate import SimulatedNight, simulate_night
from twitchscope.simulate.twitch_kinds import add_twitch_kinds


@pytest.fixture(scope="session")
def twitch_night() -> SimulatedNight:
    """A 1.5 h healthy night with every twitch kind injected (seed 4)."""
    return add_twitch_kinds(simulate_night("healthy", 4, duration_h=1.5))


@pytest.fixture(scope="session")
def twitch_edf(twitch_night: SimulatedNight, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("twitch") / "night.edf"
    twitch_night.write(path)
    return path
