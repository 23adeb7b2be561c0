"""Tests of the Hypnogram core type."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from twitchscope import Hypnogram, TwitchscopeError
from twitchscope.stages import STAGES


def test_stage_at_and_durations() -> None:
    hyp = Hypnogram(("W", "N1", "N2", "N2", "R", "W"), epoch_length=30.0, offset=60.0)
    assert list(hyp.stage_at([0.0, 60.0, 89.9, 90.0, 150.0, 239.9, 240.0])) == [
        "UNS",
        "W",
        "W",
        "N1",
        "N2",
        "W",
        "UNS",
    ]
    assert hyp.total_sleep_time == 4 * 30.0
    assert hyp.time_in_bed == 6 * 30.0
    assert hyp.duration_by_stage()["N2"] == 60.0
    assert hyp.sleep_period() == (90.0, 210.0)
    assert hyp.end == 240.0


def test_unknown_stage_and_bad_epoch_rejected() -> None:
    with pytest.raises(TwitchscopeError, match="unknown sleep stage"):
        Hypnogram(("W", "S2"), source="night.csv")
    with pytest.raises(TwitchscopeError, match="epoch length"):
        Hypnogram(("W",), epoch_length=0.0)


def test_no_sleep_period_raises() -> None:
    with pytest.raises(TwitchscopeError, match="no sleep epoch"):
        Hypnogram(("W", "W")).sleep_period()


def test_from_intervals_fills_gaps_and_rejects_overlap() -> None:
    hyp = Hypnogram.from_intervals([0, 90], [60, 30], ["W", "N2"])
    assert hyp.stages == ("W", "W", "UNS", "N2")
    with pytest.raises(TwitchscopeError, match=r"overlap at 30\.0 s"):
        Hypnogram.from_intervals([0, 30], [60, 30], ["W", "N2"], source="x.xml")


def test_check_covers() -> None:
    hyp = Hypnogram(("W",) * 10)
    hyp.check_covers(300.0)
    hyp.check_covers(280.0)  # the last epoch may run past the end of the recording
    with pytest.raises(TwitchscopeError, match="another recording"):
        hyp.check_covers(200.0)
    with pytest.raises(TwitchscopeError, match="before the recording"):
        Hypnogram(("W",), offset=-60.0).check_covers(300.0)


@given(st.lists(st.sampled_from(STAGES), min_size=1, max_size=200))
def test_intervals_round_trip(stages: list[str]) -> None:
    hyp = Hypnogram(tuple(stages))
    iv = hyp.to_intervals()
    back = Hypnogram.from_intervals(iv["onset"], iv["duration"], iv["stage"])
    assert back.stages == hyp.stages
    assert np.isclose(iv["duration"].sum(), hyp.n_epochs * 30.0)
