"""Realistic simulated polysomnography nights with known truth (demo, tests and benchmarks).

``simulate_night("rls", seed=1).write("night.edf")`` writes an EDF+ recording whose leg EMG
holds the true leg movements listed in ``night.truth_movements.csv`` (and the hypnogram,
respiratory events, arousals and artefacts beside it). See :mod:`.scenarios` for the scenarios
and the reasons behind every numeric choice.

Nights differ the way real recordings do: leg rate (200-512 Hz) and mains (50/60 Hz) are drawn
per night, each leg has its own resting level, spectrum and drift, the QRS leak varies in
strength and polarity, pops and cable motion fall on movements too, and some nights have
recording pauses (written as EDF+D). Activity that is *not* a leg movement (twitches under
0.5 s, effort bursts, tonic EMG at arousals) comes from pluggable injectors
(:mod:`.injectors`: ``register_injector`` is where new kinds of twitch plug in) and is listed in
``night.truth_other.csv``; the truth stays exact (what is and is not an LM by WASM 2016).
"""

from __future__ import annotations

from twitchscope.simulate.injectors import InjectionContext, register_injector
from twitchscope.simulate.night import SimulatedNight, simulate_night
from twitchscope.simulate.scenarios import SCENARIOS, Scenario, get_scenario
from twitchscope.simulate.writer import SimulationFiles, write_night

__all__ = [
    "SCENARIOS",
    "InjectionContext",
    "Scenario",
    "SimulatedNight",
    "SimulationFiles",
    "get_scenario",
    "register_injector",
    "simulate_night",
    "write_night",
]
