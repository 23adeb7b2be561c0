"""Seeds of the twitch-kind, accelerometer and staging benchmarks: tuning apart from held-out.

The thresholds of :mod:`twitchscope.detect.twitches.rules` (hypnic amplitude, tremor peak
ratio), of :mod:`twitchscope.accelerometer.rules` (milli-g thresholds) and the simulator's
twitch injection were looked at and set on the TUNING nights only. Figures are quoted on the
HELD_OUT nights, which were not run before the benchmark.
"""

from __future__ import annotations

#: (scenario, seed) of the nights used while developing the detectors (and in tests).
TUNING_TWITCH = (("rls", 1), ("rls", 2), ("rls", 3), ("healthy", 4), ("healthy", 5))
TUNING_WEEKS = (("rls", 1), ("rls", 3), ("rls", 5))
TUNING_STAGING = (("healthy", 11), ("healthy", 21))

#: Held-out nights: six scenarios, seeds 1000+ (twitch kinds, 3 h each).
HELD_OUT_TWITCH = (
    ("healthy", 1001), ("rls", 1002), ("osa", 1003),
    ("low_amplitude", 1004), ("noisy", 1005), ("plmd_no_rls", 1006),
    ("healthy", 1007), ("rls", 1008),
)  # fmt: skip
#: Held-out accelerometer weeks (scenario, seed): nights seed .. seed + n - 1.
HELD_OUT_WEEKS = (("rls", 2000), ("healthy", 2100), ("plmd_no_rls", 2200))
#: Held-out staging nights.
HELD_OUT_STAGING = (("healthy", 3001), ("rls", 3002), ("osa", 3003))
