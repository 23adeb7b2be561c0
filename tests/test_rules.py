"""Tests of the RuleSet presets and their validation."""

from __future__ import annotations

import pytest

from twitchscope import ValidationError
from twitchscope.scoring.rules import AASM, PRESETS, WASM2016, get_rules


def test_presets_carry_the_standards_values() -> None:
    # WASM 2016 (Ferri et al. 2016): IMI 10-90 s, CLM 0.5-10 s, bilateral <= 4 LMs and <= 15 s,
    # respiratory window -2.0 s to +10.25 s around the end of the event.
    assert (WASM2016.interval_min_s, WASM2016.interval_max_s) == (10.0, 90.0)
    assert WASM2016.candidate_max_duration_s == 10.0
    assert (WASM2016.bilateral_max_components, WASM2016.bilateral_max_duration_s) == (4, 15.0)
    assert (WASM2016.respiratory_window_before_s, WASM2016.respiratory_window_after_s) == (
        2.0,
        10.25,
    )
    assert WASM2016.respiratory_anchor == "event_end"
    # AASM: IMI 5-90 s, bilateral onsets < 5 s apart, respiratory +-0.5 s around the event.
    assert (AASM.interval_min_s, AASM.bilateral_rule, AASM.respiratory_anchor) == (
        5.0,
        "aasm",
        "event",
    )
    assert set(PRESETS) == {"wasm2016", "aasm"}


def test_get_rules_overrides_and_names() -> None:
    somas = get_rules("wasm2016", interval_max_inclusive=False)
    assert somas.interval_max_inclusive is False and somas.name == "wasm2016+custom"
    assert get_rules("AASM") is AASM
    d = somas.to_dict()
    assert d["respiratory_event_kinds"] == list(WASM2016.respiratory_event_kinds)
    assert d["interval_max_inclusive"] is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"interval_min_s": 100.0}, "rules.interval_min_s"),
        ({"onset_threshold_uv": -1.0}, "rules.onset_threshold_uv"),
        ({"offset_threshold_uv": 9.0}, "rules.offset_threshold_uv"),
        ({"bandpass_hz": (100.0, 10.0)}, "rules.bandpass_hz"),
        ({"min_series_length": 1}, "rules.min_series_length"),
        ({"bilateral_rule": "somas"}, "rules.bilateral_rule"),
        ({"no_such_option": 1}, "rules"),
    ],
)
def test_bad_rules_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        get_rules("wasm2016", **overrides)
    assert err.value.field == field


def test_unknown_preset() -> None:
    with pytest.raises(ValidationError, match="unknown preset 'somas'"):
        get_rules("somas")
