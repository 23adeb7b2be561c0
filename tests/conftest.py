"""Shared pytest configuration: tests make their own small data in tmp_path."""

from __future__ import annotations

import os

# Plots are rendered to files only; no display is used by any test.
os.environ.setdefault("MPLBACKEND", "Agg")
