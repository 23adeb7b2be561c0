"""Cohort runs: score thousands of nights, resumably, on local processes or a Dask cluster.

``run_batch("cohort/", "results/")`` finds the nights (a manifest, or an NSRR, BIDS or plain
folder layout), scores each one in a worker that opens the night itself and writes the ``score``
output contract atomically into ``results/nights/<id>/``, and leaves cohort tables
(``nights.parquet``, ``movements.parquet``, ``failures.csv``) and a cohort ``report.html``.
Running it again skips finished nights (same input content, same rules) and redoes the rest.

Dask, pyarrow and DuckDB come with the ``batch`` extra: ``pip install 'twitchscope[batch]'``.
"""

from __future__ import annotations

from twitchscope.batch.discover import Discovery, discover, read_manifest
from twitchscope.batch.runner import BatchProgress, BatchRun, run_batch
from twitchscope.batch.spec import NightSpec, safe_folder_name

__all__ = [
    "BatchProgress",
    "BatchRun",
    "Discovery",
    "NightSpec",
    "discover",
    "read_manifest",
    "run_batch",
    "safe_folder_name",
]
