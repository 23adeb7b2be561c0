"""The optional packages of cohort runs (the ``batch`` extra), with an install hint."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Final

from twitchscope.errors import MissingDependencyError

#: Import name -> distribution name of the ``batch`` extra.
PACKAGES: Final[dict[str, str]] = {
    "distributed": "distributed",
    "dask": "dask",
    "pyarrow": "pyarrow",
    "duckdb": "duckdb",
}


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the ``batch`` extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(PACKAGES.get(module, module), "batch", feature) from None
