"""Realistic simulated polysomnography nights with known truth (demo, tests and benchmarks).

``simulate_night("rls", seed=1).write("night.edf")`` writes an EDF+ recording whose leg EMG
holds the true leg movements listed in ``night.truth_movements.csv`` (and the hypnogram,
respiratory events, arousals and artefacts beside it). See :mod:`.scenarios` for the scenarios
and the reasons behind every numeric choice.
"""

from __future__ import annotations

from twitchscope.simulate.night import SimulatedNight, simulate_night
from twitchscope.simulate.scenarios import SCENARIOS, Scenario, get_scenario
from twitchscope.simulate.writer import SimulationFiles, write_night

__all__ = [
    "SCENARIOS",
    "Scenario",
    "SimulatedNight",
    "SimulationFiles",
    "get_scenario",
    "simulate_night",
    "write_night",
]
