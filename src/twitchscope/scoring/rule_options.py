"""Rule options written as text (``OPTION=VALUE``), as a command line, a web form or a cohort
sheet gives them, turned into typed :class:`~twitchscope.scoring.rules.RuleSet` options.

Each value is read as the type of the option's default: booleans from
``true/false/yes/no/on/off/1/0``, integers, floats (times in s, amplitudes in µV, rates in Hz),
comma-separated tuples, or text (the checks of :class:`RuleSet` then refuse impossible values).
New options of :class:`RuleSet` are understood without changes here.

>>> rules_from_text("wasm2016", ["interval_max_inclusive=false", "bandpass_hz=20,90"])
... # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, Final

from twitchscope.errors import ValidationError
from twitchscope.scoring.rules import RuleSet, get_rules

_TRUE: Final = frozenset({"true", "yes", "1", "on"})
_FALSE: Final = frozenset({"false", "no", "0", "off"})


def rule_option_defaults() -> dict[str, Any]:
    """Every settable option of :class:`RuleSet` with its default (the ``wasm2016`` value)."""
    base = RuleSet()
    return {f.name: getattr(base, f.name) for f in dataclasses.fields(RuleSet) if f.name != "name"}


def parse_rule_value(name: str, text: str) -> Any:
    """One option's value from text, typed like the option's default.

    Parameters
    ----------
    name : str
        The option, e.g. ``"interval_min_s"``.
    text : str
        Its value as written, e.g. ``"10"``, ``"false"``, ``"20,90"``.

    Raises
    ------
    ValidationError
        For an unknown option or a value that is not of the option's type.
    """
    defaults = rule_option_defaults()
    if name not in defaults:
        raise ValidationError(
            f"rule {name}", f"unknown option; options are {', '.join(sorted(defaults))}"
        )
    default = defaults[name]
    text = text.strip()
    try:
        if isinstance(default, bool):
            low = text.lower()
            if low not in _TRUE | _FALSE:
                raise ValueError("expected true or false")
            return low in _TRUE
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, tuple):
            parts = [p.strip() for p in text.split(",") if p.strip()]
            numeric = bool(default) and isinstance(default[0], float)
            return tuple(float(p) for p in parts) if numeric else tuple(parts)
    except ValueError as exc:
        raise ValidationError(f"rule {name}", f"bad value {text!r} ({exc})") from None
    return text


def parse_rule_options(items: Iterable[str] | Mapping[str, str]) -> dict[str, Any]:
    """``OPTION=VALUE`` strings (or an option -> text mapping) to typed rule options.

    Parameters
    ----------
    items : iterable of str, or mapping of str to str
        E.g. ``["min_series_length=3", "morphology_rule=no"]``.

    Returns
    -------
    dict
        Option -> typed value, e.g. ``{"min_series_length": 3, "morphology_rule": False}``.

    Raises
    ------
    ValidationError
        For a malformed item, an unknown option or a value of the wrong type.
    """
    pairs: list[tuple[str, str]] = []
    if isinstance(items, Mapping):
        pairs = [(str(k), str(v)) for k, v in items.items()]
    else:
        for item in items:
            name, sep, text = item.partition("=")
            if not sep or not name.strip():
                raise ValidationError("rule", f"expected OPTION=VALUE, got {item!r}")
            pairs.append((name.strip(), text))
    return {name: parse_rule_value(name, text) for name, text in pairs}


def rules_from_text(
    preset: str | RuleSet = "wasm2016", items: Iterable[str] | Mapping[str, str] = ()
) -> RuleSet:
    """A preset with options given as text applied, checked.

    Parameters
    ----------
    preset : str or RuleSet
        ``"wasm2016"``, ``"aasm"`` or a rule set to start from.
    items : iterable of str, or mapping
        ``OPTION=VALUE`` overrides (see :func:`parse_rule_options`); none gives the preset.

    Returns
    -------
    RuleSet
        Named ``"<preset>+custom"`` when options were changed.

    Raises
    ------
    ValidationError
        For an unknown preset, a malformed or unknown option, or an impossible value.
    """
    return get_rules(preset, **parse_rule_options(items))
