"""Shared pytest configuration: tests make their own small data in tmp_path."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Plots are rendered to files only; no display is used by any test.
os.environ.setdefault("MPLBACKEND", "Agg")

# Property tests check behaviour, not speed: on a loaded 2-core CI machine a per-example
# deadline only produces flaky failures. Speed is measured under benchmarks/.
settings.register_profile(
    "twitchscope", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("twitchscope")
