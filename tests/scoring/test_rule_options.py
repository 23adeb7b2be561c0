"""Rule options from text: ``OPTION=VALUE`` strings to a checked RuleSet."""

from __future__ import annotations

import pytest

from twitchscope.errors import ValidationError
from twitchscope.scoring.rule_options import (
    parse_rule_options,
    parse_rule_value,
    rule_option_defaults,
    rules_from_text,
)
from twitchscope.scoring.rules import RuleSet


def test_parse_rule_options_types_each_value_like_its_default() -> None:
    assert parse_rule_options(["min_series_length=3", "morphology_rule=no"]) == {
        "min_series_length": 3,
        "morphology_rule": False,
    }
    assert parse_rule_options(["respiratory_event_kinds=apnea, hypopnea"]) == {
        "respiratory_event_kinds": ("apnea", "hypopnea")
    }
    assert parse_rule_options([" interval_min_s = 5 ", "bandpass_hz=20,90"]) == {
        "interval_min_s": 5.0,
        "bandpass_hz": (20.0, 90.0),
    }
    assert parse_rule_options({"series_across_wake": "off", "bilateral_rule": "aasm"}) == {
        "series_across_wake": False,
        "bilateral_rule": "aasm",
    }
    assert parse_rule_value("interval_max_inclusive", "TRUE") is True


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["colour=blue"], "unknown option"),
        (["name=mine"], "unknown option"),
        (["interval_min_s=ten"], "bad value"),
        (["morphology_rule=maybe"], "expected true or false"),
        (["min_series_length=3.5"], "bad value"),
        (["interval_min_s"], "OPTION=VALUE"),
        (["=3"], "OPTION=VALUE"),
    ],
)
def test_bad_rule_options_name_the_option(items: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_rule_options(items)


def test_rules_from_text_applies_and_checks() -> None:
    rs = rules_from_text("aasm", ["interval_max_inclusive=false", "bandpass_hz=20,90"])
    assert isinstance(rs, RuleSet)
    assert rs.name == "aasm+custom"
    assert rs.interval_max_inclusive is False and rs.bandpass_hz == (20.0, 90.0)
    assert rs.interval_min_s == 5.0  # the AASM preset's own value is kept
    assert rules_from_text("wasm2016").name == "wasm2016"
    with pytest.raises(ValidationError, match="unknown preset"):
        rules_from_text("wasm2099")
    with pytest.raises(ValidationError):  # RuleSet's own checks refuse impossible values
        rules_from_text("wasm2016", ["bilateral_max_components=1"])


def test_every_ruleset_option_is_settable_from_text() -> None:
    defaults = rule_option_defaults()
    assert "name" not in defaults
    for name, value in defaults.items():
        text = ",".join(str(v) for v in value) if isinstance(value, tuple) else str(value)
        assert parse_rule_value(name, text) == value, name
