"""End to end on a simulated night: the true movements of an RLS night score to about the PLMS
index the simulator aimed at (the simulator draws series with that target)."""

from __future__ import annotations

import pytest

from twitchscope.scoring import AASM, score_leg_movements


def test_simulated_rls_night_scores_near_its_target() -> None:
    simulate = pytest.importorskip("twitchscope.simulate")
    night = simulate.simulate_night("rls", seed=3, duration_h=1.5)
    s = score_leg_movements(
        night.movements,
        recording_duration=night.duration,
        hypnogram=night.hypnogram,
        events=night.events,
        recording_start=night.start,
    )
    ix = s.indices
    target = night.params["plms_index_target"]
    assert ix.plms_index is not None and ix.plms_index > 15.0
    assert abs(ix.plms_index - target) < 0.25 * target
    assert ix.has_hypnogram and ix.total_sleep_time_h is not None
    assert ix.total_sleep_time_h == pytest.approx(night.hypnogram.total_sleep_time / 3600)
    assert ix.count_by_clock_hour is not None
    assert sum(ix.count_by_clock_hour) == sum(ix.count_by_night_hour)
    # the AASM preset scores the same night to a close figure
    a = score_leg_movements(
        night.movements, recording_duration=night.duration, rules=AASM, hypnogram=night.hypnogram
    )
    assert a.indices.plms_index is not None
    assert abs(a.indices.plms_index - ix.plms_index) < 0.2 * ix.plms_index
