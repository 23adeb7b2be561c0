"""Tests of event-table construction and checking."""

from __future__ import annotations

import pandas as pd
import pytest

from twitchscope import TwitchscopeError
from twitchscope.events import EVENT_COLUMNS, check_events, empty_events, make_events


def test_make_events_sorted_with_columns() -> None:
    df = make_events([30.0, 10.0], [5.0, 2.0], ["arousal", "hypopnea"])
    assert tuple(df.columns) == EVENT_COLUMNS
    assert list(df["onset"]) == [10.0, 30.0]
    assert list(df["label"]) == ["hypopnea", "arousal"]
    assert empty_events().empty and tuple(empty_events().columns) == EVENT_COLUMNS


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": ["snore"]}, "unknown event kind"),
        ({"leg": ["both"]}, "leg must be"),
        ({"duration": [-1.0]}, "negative duration"),
        ({"onset": [float("nan")]}, "non-finite"),
    ],
)
def test_make_events_rejects(kwargs: dict[str, list[object]], message: str) -> None:
    base: dict[str, list[object]] = {
        "onset": [1.0],
        "duration": [1.0],
        "kind": ["limb_movement"],
        "leg": ["left"],
    }
    base.update(kwargs)
    with pytest.raises(TwitchscopeError, match=message):
        make_events(base["onset"], base["duration"], base["kind"], base["leg"], source="ev.csv")


def test_check_events_requires_columns_and_fills() -> None:
    with pytest.raises(TwitchscopeError, match=r"ev.tsv: event table lacks column\(s\) \['kind'\]"):
        check_events(pd.DataFrame({"onset": [1.0], "duration": [1.0]}), source="ev.tsv")
    df = check_events(pd.DataFrame({"onset": [1.0], "duration": [0.0], "kind": ["arousal"]}))
    assert df.loc[0, "leg"] == "" and df.loc[0, "label"] == "arousal"
