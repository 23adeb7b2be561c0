"""File name endings of the files twitchscope reads, by kind.

Kept free of numpy and pandas: the command line decides with them what to import before
anything numeric is loaded (see :func:`twitchscope.cli.set_up_process`).
"""

from __future__ import annotations

from typing import Final

#: Recordings: EDF and EDF+ (``.edf``, and ``.rec`` as the EDF specification of 1992 named
#: them) and BioSemi's 24-bit BDF.
RECORDING_SUFFIXES: Final[frozenset[str]] = frozenset({".edf", ".bdf", ".rec"})
#: Parquet tables.
PARQUET_SUFFIXES: Final[tuple[str, ...]] = (".parquet", ".pq")
#: Ankle accelerometer recordings: ``time, x, y, z`` tables (CSV, Parquet), Axivity ``.cwa``,
#: ActiGraph ``.gt3x``.
ACCELEROMETER_SUFFIXES: Final[tuple[str, ...]] = (".csv", *PARQUET_SUFFIXES, ".cwa", ".gt3x")
