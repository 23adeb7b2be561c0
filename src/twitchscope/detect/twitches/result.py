"""The result of twitch detection on a night: :class:`TwitchResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from twitchscope.detect.twitches.kinds import KINDS
from twitchscope.detect.twitches.rules import KIND_SOURCES, TwitchRules, kind_rules


@dataclass(frozen=True)
class TwitchResult:
    """Twitch kinds found in a night's leg EMG (none of them counts towards PLM indices).

    Parameters
    ----------
    events : DataFrame
        One row per event (``twitches.csv``): ``kind``, ``leg`` (``left|right|both``), ``onset``
        (s), ``duration`` (s, the whole train or stretch), ``stage``, ``bursts``,
        ``frequency_hz``, ``amplitude_uv`` (peak above rest), ``rate_per_min`` (EFM stretches).
    rules : TwitchRules
    hours : float
        The hours the per-hour indices are taken over.
    basis : str
        ``"total sleep time"`` or ``"recording time"`` (no hypnogram).
    efm : dict
        The EFM verdict (``verdict`` ``excessive|not excessive|not assessed``, minutes meeting the
        rule, NREM minutes, rates).
    not_assessed : dict
        Kinds that could not be assessed, with the reason (e.g. no hypnogram).
    warnings : list of str
    """

    events: pd.DataFrame
    rules: TwitchRules
    hours: float
    basis: str
    efm: dict[str, Any] = field(default_factory=dict)
    not_assessed: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Events per kind (every kind present, zero when none)."""
        vc = self.events["kind"].value_counts()
        return {k: int(vc.get(k, 0)) for k in KINDS}

    def summary(self) -> pd.DataFrame:
        """One row per kind: ``kind``, ``count``, ``per_hour``, ``assessed``, ``rule``,
        ``source``."""
        c = self.counts()
        rules = kind_rules(self.rules)
        return pd.DataFrame(
            [
                {
                    "kind": k,
                    "count": c[k] if k not in self.not_assessed else None,
                    "per_hour": (c[k] / self.hours if self.hours > 0 else float("nan"))
                    if k not in self.not_assessed
                    else float("nan"),
                    "assessed": k not in self.not_assessed,
                    "rule": rules[k],
                    "source": KIND_SOURCES[k],
                }
                for k in KINDS
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``twitches`` block of summary.json (plain values)."""
        c = self.counts()
        rules = kind_rules(self.rules)
        kinds: dict[str, Any] = {}
        for k in KINDS:
            assessed = k not in self.not_assessed
            kinds[k] = {
                "count": c[k] if assessed else None,
                "per_hour": (c[k] / self.hours if self.hours > 0 else None) if assessed else None,
                "assessed": assessed,
                "reason_not_assessed": self.not_assessed.get(k),
                "rule": rules[k],
                "source": KIND_SOURCES[k],
            }
        return {
            "counts": {k: (c[k] if k not in self.not_assessed else None) for k in KINDS},
            "per_hour_basis": self.basis,
            "hours": self.hours,
            "kinds": kinds,
            "efm": dict(self.efm),
            "counted_in_plm_indices": False,
            "rules": {"preset": self.rules.name, "options": self.rules.to_dict()},
            "warnings": list(self.warnings),
        }
