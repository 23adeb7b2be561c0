"""Short simulated nights shared by the simulator tests (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchscope.simulate import SimulatedNight, SimulationFiles, simulate_night


@pytest.fixture(scope="session")
def rls_night() -> SimulatedNight:
    """A 1-hour RLS night."""
    return simulate_night("rls", seed=11, duration_h=1.0)


@pytest.fixture(scope="session")
def rls_files(
    rls_night: SimulatedNight, tmp_path_factory: pytest.TempPathFactory
) -> SimulationFiles:
    """The 1-hour RLS night written as EDF+ with its truth files."""
    return rls_night.write(tmp_path_factory.mktemp("rls") / "night.edf")


@pytest.fixture(scope="session")
def noisy_night() -> SimulatedNight:
    """A 1.5-hour noisy night (artefacts of every kind)."""
    return simulate_night("noisy", seed=5, duration_h=1.5)


def stem_files(path: Path) -> list[str]:
    """Names of the files in ``path``'s folder."""
    return sorted(p.name for p in path.parent.iterdir())
