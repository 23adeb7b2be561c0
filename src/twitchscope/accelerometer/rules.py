"""The :class:`AccelRules`: thresholds of leg movements and sleep/wake from ankle acceleration.

Leg movements keep the WASM 2016 time rules (Ferri et al., Sleep Med 2016;26:86-95): an LM
lasts >= 0.5 s, ends at the start of >= 0.5 s of rest, same-leg parts < 0.5 s apart are one;
candidates (<= 10 s), intervals and series are then scored by the same
:class:`~twitchscope.scoring.rules.RuleSet`. Only the amplitude criterion changes from µV of EMG
to milli-g of dynamic acceleration (the magnitude of the acceleration minus its 1 s running mean:
gravity and slow rotation removed). The milli-g thresholds are twitchscope's, set on the
simulator's tuning seeds (``benchmarks/twitch_seeds.py``), like the amplitude thresholds of leg
actigraphs, which each device sets for itself.

Sleep and wake: van Hees VT et al., "A novel, open access method to assess sleep duration using a
wrist-worn accelerometer", PLoS One 2015;10:e0142533: sleep is sustained inactivity, no change of
the sensor's z-angle larger than 5 degrees over at least 5 minutes (5 s epochs). The sleep period
of each night: van Hees VT et al., "Estimating sleep parameters using an accelerometer without
sleep diary", Sci Rep 2018;8:12975 (HDCZA): 5-minute rolling median of the absolute z-angle
change below 15 x its 10th percentile (bounded to 0.13-0.50 degrees, as GGIR does), blocks
longer than 30 minutes, joined across gaps shorter than 60 minutes. Both methods were made for
the wrist; on the ankle they are used as published and their agreement is measured
(``benchmarks/``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final

from twitchscope.errors import ValidationError
from twitchscope.options import options_dict, with_options


@dataclass(frozen=True)
class AccelRules:
    """Thresholds (g as milli-g, times in s, angles in degrees); see the module docstring."""

    name: str = "vanhees2015"
    # leg movements
    gravity_window_s: float = 1.0
    block_s: float = 0.1
    onset_threshold_mg: float = 30.0
    offset_threshold_mg: float = 10.0
    offset_min_duration_s: float = 0.5
    min_lm_duration_s: float = 0.5
    merge_gap_s: float = 0.5
    # sleep / wake (van Hees 2015)
    angle_epoch_s: float = 5.0
    angle_change_deg: float = 5.0
    inactivity_min: float = 5.0
    # sleep period / nights (van Hees 2018 HDCZA)
    spt_rolling_min: float = 5.0
    spt_percentile: float = 10.0
    spt_factor: float = 15.0
    spt_threshold_bounds_deg: tuple[float, float] = (0.13, 0.50)
    spt_min_block_min: float = 30.0
    spt_max_gap_min: float = 60.0
    min_night_h: float = 3.0

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name == "name":
                continue
            for x in v if isinstance(v, tuple) else (v,):
                if isinstance(x, bool) or not isinstance(x, (int, float)) or not x > 0:
                    raise ValidationError(f"accel_rules.{f.name}", f"must be > 0, got {v!r}")
        if self.offset_threshold_mg >= self.onset_threshold_mg:
            raise ValidationError("accel_rules.offset_threshold_mg", "must be below onset")

    def replace(self, **changes: Any) -> AccelRules:
        """A copy with some options changed (checked like the original)."""
        return with_options(self, "accel_rules", **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every option as JSON-friendly values (tuples become lists)."""
        return options_dict(self)


VANHEES2015: Final[AccelRules] = AccelRules()
SLEEP_WAKE_METHOD: Final[str] = (
    "van Hees et al. 2015 (PLoS One 10:e0142533) sustained inactivity: z-angle change <= 5 deg "
    "over >= 5 min; sleep period by van Hees et al. 2018 (Sci Rep 8:12975) HDCZA"
)
