"""The clinical engine uses a recording's twitch kinds ("consistent with hypnic jerks", ...)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from twitchscope.clinical import assess, load_recording_summary
from twitchscope.errors import InputFileError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clinical"))
from vignettes import person, summary


def _with_twitches(counts: dict[str, Any], verdict: str = "not excessive") -> dict[str, Any]:
    s = summary(4.0)
    s["twitches"] = {"counts": counts, "efm": {"verdict": verdict, "minutes_meeting_rule": 31.0}}
    return s


def test_twitch_kinds_become_findings() -> None:
    counts = {"hypnic_jerk": 3, "fragmentary_myoclonus": 2, "alma": 1,
              "hypnagogic_foot_tremor": 0, "long_movement": 4, "tremor": 1}  # fmt: skip
    a = assess(person(), recording=_with_twitches(counts, "excessive"))
    ids = a.finding_ids
    assert {"hypnic_jerks", "excessive_fragmentary_myoclonus", "alma_or_foot_tremor",
            "rhythmic_leg_tremor"} <= ids  # fmt: skip
    text = a.to_json()
    assert "consistent with hypnic jerks" in text
    assert "31 minutes of NREM sleep" in text


def test_nothing_found_or_not_assessed_adds_nothing() -> None:
    none = {k: 0 for k in ("hypnic_jerk", "alma", "hypnagogic_foot_tremor", "tremor")}
    a = assess(person(), recording=_with_twitches(none))
    b = assess(person(), recording=_with_twitches({"hypnic_jerk": None}, "not assessed"))
    for x in (a, b):
        assert not {"excessive_fragmentary_myoclonus", "rhythmic_leg_tremor",
                    "alma_or_foot_tremor"} & x.finding_ids  # fmt: skip


def test_bad_twitches_block_is_named() -> None:
    s = summary(4.0)
    s["twitches"] = ["not", "an", "object"]
    with pytest.raises(InputFileError, match="twitches"):
        assess(person(), recording=load_recording_summary(s))
