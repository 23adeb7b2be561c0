"""Option sets by preset name, with options changed: one mechanism for every rule set.

The leg-movement rules (:class:`~twitchscope.scoring.rules.RuleSet`), the twitch-kind rules
(:class:`~twitchscope.detect.twitches.rules.TwitchRules`) and the accelerometer rules
(:class:`~twitchscope.accelerometer.rules.AccelRules`) are frozen dataclasses with a ``name``;
each is chosen by preset and changed option by option the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from twitchscope.errors import ValidationError


class _Named(Protocol):
    @property
    def name(self) -> str: ...


R = TypeVar("R", bound=_Named)


def with_options(base: R, field: str, tuple_options: tuple[str, ...] = (), **changes: Any) -> R:
    """A copy of the rule set ``base`` with options changed (checked as the original is).

    The copy is named ``"<base name>+custom"`` unless ``name`` is among the changes; options
    listed in ``tuple_options`` take any sequence and are stored as tuples.

    Raises
    ------
    ValidationError
        For an option ``base`` does not have (field ``field``) or an impossible value.
    """
    known = {f.name for f in dataclasses.fields(base)}  # type: ignore[arg-type]
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValidationError(field, f"unknown option(s) {unknown}")
    changes.setdefault("name", f"{base.name}+custom")
    for key in tuple_options:
        if key in changes:
            changes[key] = tuple(changes[key])
    return dataclasses.replace(base, **changes)  # type: ignore[type-var]


def preset_or_given(rules: str | R, kind: type[R], presets: Mapping[str, R], field: str) -> R:
    """The rule set ``rules`` when it is one, else the preset of that name (any case).

    Raises
    ------
    ValidationError
        For an unknown preset name (field ``field``), naming the presets there are.
    """
    if isinstance(rules, kind):
        return rules
    try:
        return presets[str(rules).lower()]
    except KeyError:
        raise ValidationError(
            field, f"unknown preset {rules!r}; choose one of {sorted(presets)}"
        ) from None


def options_dict(rules: Any) -> dict[str, Any]:
    """Every option of a rule set as JSON-friendly values (tuples become lists)."""
    return {
        f.name: list(v) if isinstance(v := getattr(rules, f.name), tuple) else v
        for f in dataclasses.fields(rules)
    }
