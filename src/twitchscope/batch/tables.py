"""The cohort tables: ``nights.parquet``, ``movements.parquet`` and ``failures.csv``.

``nights.parquet``
    One row per night: ``id`` (as given or derived), ``folder`` (under ``nights/``), the input
    paths, ``status`` (``done``/``failed``), ``error``, ``error_kind``, then every index of the
    night's ``summary.json`` under its summary.json name (nested ones as ``name.key``, e.g.
    ``plms_index_by_stage.N2``), the durations, the channels used, the warnings (count and text),
    and how the night ran (``seconds``, ``peak_rss_mb``, ``attempts``, ``worker``, ...).
``movements.parquet``
    Every scored movement (the rows of each night's ``scored_movements.csv``) with the night's
    ``id`` first. Written in row groups, a few hundred nights at a time, so memory stays flat.
``failures.csv``
    One row per failed night: ``id``, ``folder``, ``recording``, ``error_kind``, ``error``,
    ``attempts``, ``finished_at``. Cells starting with ``=``, ``+``, ``-`` or ``@`` get a leading
    ``'`` so that a spreadsheet shows them as text instead of running them as formulas.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import math
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from twitchscope.batch.deps import require
from twitchscope.batch.spec import ROLES, NightSpec
from twitchscope.batch.state import BatchDir, NightRecord
from twitchscope.outputs import SCORED_COLUMNS, SUMMARY_KEYS
from twitchscope.results import MAIN_INDICES, unit_of

log = logging.getLogger("twitchscope.batch")

NIGHTS_FILE: Final[str] = "nights.parquet"
MOVEMENTS_FILE: Final[str] = "movements.parquet"
FAILURES_FILE: Final[str] = "failures.csv"

BASE_COLUMNS: Final[tuple[str, ...]] = ("id", "folder", *ROLES, "status", "error", "error_kind")
NIGHT_INFO_COLUMNS: Final[tuple[str, ...]] = (
    "recording_duration_s",
    "recording_start",
    "rules",
    "mode",
    "channel_left",
    "channel_right",
    "index_basis",
    "hypnogram_source",
    "events_source",
    "n_warnings",
    "warnings",
)
RUN_COLUMNS: Final[tuple[str, ...]] = (
    "seconds",
    "peak_rss_mb",
    "attempts",
    "worker",
    "finished_at",
    "software_version",
    "input_key",
)
FAILURE_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "folder",
    "recording",
    "error_kind",
    "error",
    "attempts",
    "finished_at",
)
#: summary.json entries that are not indices (text, settings, per-channel details, lists).
_NOT_INDICES: Final[frozenset[str]] = frozenset(
    {
        "rules",
        "channels",
        "warnings",
        "source",
        "software",
        "mode",
        "movements_source",
        "hypnogram_source",
        "events_source",
        "leg_signal",
        "recording_start",
        "periodicity_definition",
        "index_basis",
        "has_hypnogram",
        "imi_histogram",
    }
)
_SCORED_BOOL: Final[tuple[str, ...]] = (
    "candidate",
    "periodic",
    "respiratory",
    "arousal",
)
_MOVEMENT_CHUNK_ROWS: Final[int] = 250_000


@dataclass(frozen=True)
class TablePaths:
    """The files :func:`write_tables` wrote."""

    nights: Path
    movements: Path
    failures: Path


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def summary_indices(summary: dict[str, Any]) -> dict[str, float | int | None]:
    """Every index of a ``summary.json`` as flat columns (``name`` or ``name.key``)."""
    out: dict[str, float | int | None] = {}

    def put(name: str, value: object, *, depth: int) -> None:
        if _is_number(value):
            out[name] = value  # type: ignore[assignment]
        elif value is None:
            if unit_of(name.rsplit(".", 1)[-1]) or unit_of(name.split(".", 1)[0]):
                out[name] = None
        elif isinstance(value, dict) and depth < 2:
            for sub, v in value.items():
                put(f"{name}.{sub}", v, depth=depth + 1)

    for key, value in summary.items():
        if key not in _NOT_INDICES:
            put(key, value, depth=0)
    return out


def _night_row(spec: NightSpec, status: str, bd: BatchDir) -> dict[str, Any]:
    row: dict[str, Any] = {"id": spec.id, "folder": spec.folder}
    for role in ROLES:
        row[role] = getattr(spec, role)
    row["status"] = status
    record: NightRecord | None
    if status == "done":
        record = bd.read_done(spec.folder)
        summary = _read_summary(bd.night_dir(spec.folder) / "summary.json")
        row.update(summary_indices(summary))
        channels = summary.get("channels") or {}
        warnings = [str(w) for w in summary.get("warnings") or []]
        rules = summary.get("rules") or {}
        row.update(
            recording_duration_s=summary.get("recording_duration_s"),
            recording_start=summary.get("recording_start"),
            rules=rules.get("preset") if isinstance(rules, dict) else None,
            mode=summary.get("mode"),
            channel_left=channels.get("left"),
            channel_right=channels.get("right"),
            index_basis=summary.get("index_basis"),
            hypnogram_source=summary.get("hypnogram_source"),
            events_source=summary.get("events_source"),
            n_warnings=len(warnings),
            warnings="\n".join(warnings),
        )
    else:
        record = bd.read_failure(spec.folder)
        row["error"] = record.error if record else spec.problem
        row["error_kind"] = record.error_kind if record else ("input" if spec.problem else None)
    if record is not None:
        row.update(
            seconds=record.seconds,
            peak_rss_mb=record.peak_rss_mb,
            attempts=record.attempts,
            worker=record.worker,
            finished_at=record.finished_at,
            software_version=record.software_version,
            input_key=record.key,
        )
    return row


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def nights_frame(nights: Sequence[tuple[NightSpec, str]], bd: BatchDir) -> pd.DataFrame:
    """``nights.parquet`` as a DataFrame: one row per ``(night, status)``."""
    rows = [_night_row(spec, status, bd) for spec, status in nights]
    index_names: dict[str, None] = {k: None for k in SUMMARY_KEYS if k in MAIN_INDICES}
    for k in MAIN_INDICES:
        index_names[k] = None
    fixed = set(BASE_COLUMNS) | set(NIGHT_INFO_COLUMNS) | set(RUN_COLUMNS)
    for row in rows:
        for k in row:
            if k not in fixed:
                index_names[k] = None
    columns = [*BASE_COLUMNS, *index_names, *NIGHT_INFO_COLUMNS, *RUN_COLUMNS]
    df = pd.DataFrame(rows, columns=columns)
    text_cols = [
        *BASE_COLUMNS,
        "recording_start",
        "rules",
        "mode",
        "channel_left",
        "channel_right",
        "index_basis",
        "hypnogram_source",
        "events_source",
        "warnings",
        "worker",
        "finished_at",
        "software_version",
        "input_key",
    ]
    for col in text_cols:
        df[col] = df[col].astype("string")
    for col in index_names:
        if unit_of(col.split(".", 1)[0]) == "count" or unit_of(col.rsplit(".", 1)[-1]) == "count":
            df[col] = _to_int(df[col])
        else:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in ("recording_duration_s", "seconds", "peak_rss_mb"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in ("n_warnings", "attempts"):
        df[col] = _to_int(df[col])
    return df


def _to_int(s: pd.Series) -> pd.Series:
    num = pd.to_numeric(s, errors="coerce").astype("float64")
    whole = num.dropna()
    if len(whole) and not np.all(np.isclose(whole, np.round(whole))):
        return num
    return num.round().astype("Int64")


def _scored_frame(path: Path, night_id: str) -> pd.DataFrame:
    df = pd.read_csv(path, keep_default_na=True)
    for col in SCORED_COLUMNS:
        if col not in df.columns:
            df[col] = pd.NA
    for col in ("onset", "duration", "interval"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in _SCORED_BOOL:
        df[col] = df[col].map(_as_bool).astype("boolean")
    df["series"] = pd.to_numeric(df["series"], errors="coerce").round().astype("Int64")
    for col in ("legs", "stage"):
        df[col] = df[col].astype("string")
    df.insert(0, "id", pd.Series([night_id] * len(df), index=df.index, dtype="string"))
    return df


def _as_bool(v: object) -> object:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, str):
        low = v.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
    if isinstance(v, int | float) and not (isinstance(v, float) and math.isnan(v)):
        return bool(v)
    return pd.NA


def _movement_chunks(
    nights: Sequence[tuple[NightSpec, str]], bd: BatchDir
) -> Iterator[pd.DataFrame]:
    parts: list[pd.DataFrame] = []
    rows = 0
    for spec, status in nights:
        if status != "done":
            continue
        path = bd.night_dir(spec.folder) / "scored_movements.csv"
        try:
            df = _scored_frame(path, spec.id)
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            log.warning("%s: not added to %s (%s)", path, MOVEMENTS_FILE, exc)
            continue
        parts.append(df)
        rows += len(df)
        if rows >= _MOVEMENT_CHUNK_ROWS:
            yield pd.concat(parts, ignore_index=True)
            parts, rows = [], 0
    if parts:
        yield pd.concat(parts, ignore_index=True)


def _empty_movements() -> pd.DataFrame:
    df = pd.DataFrame({"id": pd.array([], dtype="string")})
    for col in SCORED_COLUMNS:
        if col in _SCORED_BOOL:
            df[col] = pd.array([], dtype="boolean")
        elif col == "series":
            df[col] = pd.array([], dtype="Int64")
        elif col in ("legs", "stage"):
            df[col] = pd.array([], dtype="string")
        else:
            df[col] = np.array([], dtype="float64")
    return df


def _tmp_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")


def write_movements(nights: Sequence[tuple[NightSpec, str]], bd: BatchDir, path: Path) -> int:
    """Write ``movements.parquet`` in row groups; return the number of rows."""
    pa = require("pyarrow", "the cohort tables")
    pq = require("pyarrow.parquet", "the cohort tables")
    tmp = _tmp_beside(path)
    writer: Any = None
    schema: Any = None
    total = 0
    dropped: set[str] = set()
    try:
        for chunk in _movement_chunks(nights, bd):
            if schema is None:
                table = pa.Table.from_pandas(chunk, preserve_index=False)
                schema = table.schema
                writer = pq.ParquetWriter(tmp, schema)
            else:
                for name in schema.names:
                    if name not in chunk.columns:
                        chunk[name] = pd.NA
                dropped |= set(chunk.columns) - set(schema.names)
                table = pa.Table.from_pandas(
                    chunk[schema.names], schema=schema, preserve_index=False
                )
            writer.write_table(table)
            total += table.num_rows
        if writer is None:
            pa_table = pa.Table.from_pandas(_empty_movements(), preserve_index=False)
            pq.write_table(pa_table, tmp)
        else:
            writer.close()
            writer = None
        os.replace(tmp, path)
    finally:
        if writer is not None:
            writer.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    if dropped:
        log.warning("columns only some nights have were left out of %s: %s", path, sorted(dropped))
    return total


def _spreadsheet_safe(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_failures(frame: pd.DataFrame, path: Path) -> int:
    """Write ``failures.csv`` from the failed rows of the nights table; return their number."""
    failed = frame[frame["status"] == "failed"]
    tmp = _tmp_beside(path)
    try:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(FAILURE_COLUMNS)
            for row in failed[list(FAILURE_COLUMNS)].itertuples(index=False):
                w.writerow(["" if pd.isna(v) else _spreadsheet_safe(v) for v in row])
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return len(failed)


def write_tables(
    nights: Sequence[tuple[NightSpec, str]], bd: BatchDir
) -> tuple[TablePaths, pd.DataFrame]:
    """Write the three cohort tables into ``bd.root``; return their paths and the nights table."""
    require("pyarrow", "the cohort tables")
    frame = nights_frame(nights, bd)
    paths = TablePaths(
        nights=bd.root / NIGHTS_FILE,
        movements=bd.root / MOVEMENTS_FILE,
        failures=bd.root / FAILURES_FILE,
    )
    tmp = _tmp_beside(paths.nights)
    try:
        frame.to_parquet(tmp, index=False, engine="pyarrow")
        os.replace(tmp, paths.nights)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    write_movements(nights, bd, paths.movements)
    write_failures(frame, paths.failures)
    return paths, frame
