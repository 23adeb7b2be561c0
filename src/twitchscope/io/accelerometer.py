"""Read ankle accelerometer files into an :class:`AccelRecording` (acceleration in g).

Formats:

- **CSV / Parquet**: a ``time`` column (seconds from the start, or ISO date-times) and ``x``,
  ``y``, ``z`` in g (column names case-insensitive). The samples must be regular.
- **Axivity .cwa**: through ``scikit-digital-health`` (``skdh.io.ReadCwa``), the maintained
  reader with a compiled decoder; resampled onto a regular grid at the device's rate.
- **ActiGraph .gt3x**: through ``pygt3x`` (ActiGraph's own reader); resampled likewise.

Both device readers are in the ``wearables`` extra. Every check names the file and the problem:
empty, missing columns, non-numeric or missing values, irregular or implausible rates, and
acceleration that is not in g (a magnitude near 9.81 means m/s², near 1000 means milli-g).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import numpy.typing as npt

from twitchscope.errors import InputFileError, MissingDependencyError
from twitchscope.io.file_kinds import ACCELEROMETER_SUFFIXES, PARQUET_SUFFIXES

# pandas is imported where a table is read or written: the .cwa and .gt3x readers need numpy
# only.
if TYPE_CHECKING:
    import pandas as pd

F32 = npt.NDArray[np.float32]

#: Lowest rate accepted (Hz): leg-movement durations (0.5-10 s) and the 0.5 s offset rule need
#: at least 10 samples per second.
MIN_RATE_HZ: Final[float] = 10.0
MAX_RATE_HZ: Final[float] = 1000.0
#: Largest relative deviation of a sampling interval from the median before the timing counts
#: as irregular (device clocks jitter by a few percent).
MAX_JITTER: Final[float] = 0.25
#: Share of intervals allowed to exceed the jitter bound.
MAX_IRREGULAR_SHARE: Final[float] = 0.001
G: Final[float] = 9.80665

#: File endings read here (:data:`twitchscope.io.file_kinds.ACCELEROMETER_SUFFIXES`, kept
#: under this name too).
SUFFIXES: Final[tuple[str, ...]] = ACCELEROMETER_SUFFIXES


@dataclass(frozen=True, eq=False)
class AccelRecording:
    """Tri-axial acceleration in g, regularly sampled.

    Attributes
    ----------
    x, y, z : float32 arrays in g.
    fs : sampling rate in Hz.
    start : clock time of the first sample (naive local time) or None when the file gives only
        seconds.
    source : the file.
    leg : ``left`` or ``right``.
    warnings : what the reader noticed (resampling, dropped samples).
    """

    x: F32
    y: F32
    z: F32
    fs: float
    start: dt.datetime | None
    source: str
    leg: str = "left"
    warnings: list[str] = field(default_factory=list)

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.x.shape[0])

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.n_samples / self.fs

    def magnitude(self) -> F32:
        """Vector magnitude in g."""
        return np.sqrt(self.x * self.x + self.y * self.y + self.z * self.z, dtype=np.float32)

    def slice(self, t0: float, t1: float) -> AccelRecording:
        """The samples from ``t0`` to ``t1`` seconds (clock start shifted accordingly)."""
        a, b = max(0, round(t0 * self.fs)), min(self.n_samples, round(t1 * self.fs))
        start = None if self.start is None else self.start + dt.timedelta(seconds=a / self.fs)
        return AccelRecording(self.x[a:b], self.y[a:b], self.z[a:b], self.fs, start,
                              self.source, self.leg, list(self.warnings))  # fmt: skip


def read_accelerometer(
    path: str | PathLike[str], *, leg: Literal["left", "right"] = "left"
) -> AccelRecording:
    """Read an ankle accelerometer file (CSV, Parquet, Axivity .cwa, ActiGraph .gt3x).

    Parameters
    ----------
    path : path-like
        The file; the format follows its suffix.
    leg : {"left", "right"}
        The leg it was worn on.

    Returns
    -------
    AccelRecording

    Raises
    ------
    InputFileError
        Missing, empty, unreadable or implausible files (the message names file and problem).
    MissingDependencyError
        A .cwa or .gt3x file without the ``wearables`` extra installed.
    """
    p = Path(path)
    if leg not in ("left", "right"):
        raise InputFileError(p, f"leg must be 'left' or 'right', got {leg!r}")
    if not p.exists():
        raise InputFileError(p, "does not exist")
    if p.is_dir():
        raise InputFileError(p, "is a folder, not an accelerometer file")
    if p.stat().st_size == 0:
        raise InputFileError(p, "is empty")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        frame = _read_table(p, "csv")
        return _from_frame(frame, p, leg)
    if suffix in PARQUET_SUFFIXES:
        frame = _read_table(p, "parquet")
        return _from_frame(frame, p, leg)
    if suffix == ".cwa":
        return _read_cwa(p, leg)
    if suffix == ".gt3x":
        return _read_gt3x(p, leg)
    raise InputFileError(
        p,
        f"unknown accelerometer format {suffix or '(no suffix)'}; "
        f"expected {', '.join(ACCELEROMETER_SUFFIXES)}",
    )


def _read_table(p: Path, kind: str) -> pd.DataFrame:
    import pandas as pd

    try:
        if kind == "csv":
            return pd.read_csv(p, comment="#", skipinitialspace=True)
        return pd.read_parquet(p)
    except ImportError:
        raise MissingDependencyError("pyarrow", "wearables", "reading Parquet files") from None
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputFileError(
            p, f"is not a readable CSV table ({str(exc).splitlines()[0]})"
        ) from None
    except (OSError, ValueError) as exc:
        raise InputFileError(p, f"cannot be read as {kind} ({str(exc).splitlines()[0]})") from None


def _from_frame(frame: pd.DataFrame, p: Path, leg: str) -> AccelRecording:
    import pandas as pd

    cols = {str(c).strip().lower(): c for c in frame.columns}
    missing = [c for c in ("time", "x", "y", "z") if c not in cols]
    if missing:
        raise InputFileError(
            p, f"missing column(s) {missing}; need 'time' and 'x', 'y', 'z' (acceleration in g)"
        )
    if len(frame) == 0:
        raise InputFileError(p, "holds no samples")
    axes = []
    for c in ("x", "y", "z"):
        v = pd.to_numeric(frame[cols[c]], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(v)
        if bad.any():
            i = int(np.argmax(bad))
            raise InputFileError(
                p,
                f"column {c!r} has a missing or non-numeric value at row {i + 2} "
                f"({frame[cols[c]].iloc[i]!r})",
            )
        axes.append(v)
    t, start = _times(frame[cols["time"]], p)
    fs = _check_rate(t, p)
    x, y, z = (a.astype(np.float32) for a in axes)
    _check_units(x, y, z, p)
    return AccelRecording(x, y, z, fs, start, str(p), leg)


def _times(col: pd.Series, p: Path) -> tuple[npt.NDArray[np.float64], dt.datetime | None]:
    import pandas as pd

    num = pd.to_numeric(col, errors="coerce")
    if num.notna().all():
        return num.to_numpy(dtype=np.float64), None
    try:
        ts = pd.to_datetime(col, errors="raise")
    except (ValueError, TypeError):
        bad = int(np.argmax(num.isna().to_numpy()))
        raise InputFileError(
            p, f"column 'time' is neither seconds nor date-times (row {bad + 2}: {col.iloc[bad]!r})"
        ) from None
    if ts.dt.tz is not None:
        ts = ts.dt.tz_localize(None)
    ns = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    t = (ns - ns[0]) / 1e9
    first = pd.Timestamp(ts.iloc[0]).to_pydatetime()
    return t, first


def _check_rate(t: npt.NDArray[np.float64], p: Path) -> float:
    if t.size < 2:
        raise InputFileError(p, "holds fewer than 2 samples")
    d = np.diff(t)
    if (d <= 0).any():
        i = int(np.argmax(d <= 0))
        raise InputFileError(p, f"time does not increase at row {i + 3} ({t[i]:g} -> {t[i + 1]:g})")
    med = float(np.median(d))
    fs = 1.0 / med
    if not MIN_RATE_HZ <= fs <= MAX_RATE_HZ:
        raise InputFileError(
            p,
            f"sampled at {fs:.3g} Hz; need {MIN_RATE_HZ:g}-{MAX_RATE_HZ:g} Hz to time leg "
            "movements (is 'time' in seconds?)",
        )
    gap = d > max(1.0, 10.0 * med)
    if gap.any():
        i = int(np.argmax(gap))
        raise InputFileError(
            p,
            f"irregular sampling: a gap of {d[i]:.3g} s after {t[i]:.3f} s "
            f"({int(gap.sum())} gap(s) in all); split the file at its gaps or resample it",
        )
    off = np.abs(d - med) > MAX_JITTER * med
    if off.mean() > MAX_IRREGULAR_SHARE:
        i = int(np.argmax(off))
        raise InputFileError(
            p,
            f"irregular sampling: {100 * off.mean():.2g} % of intervals differ from "
            f"{med * 1000:.4g} ms by more than {100 * MAX_JITTER:g} % (first at {t[i]:.3f} s, "
            f"{d[i] * 1000:.4g} ms); resample to a regular rate first",
        )
    return round(fs, 3)


def _check_units(x: F32, y: F32, z: F32, p: Path) -> None:
    step = max(1, x.shape[0] // 200_000)
    mag = np.sqrt(x[::step].astype(np.float64) ** 2 + y[::step] ** 2 + z[::step] ** 2)
    med = float(np.median(mag))
    if np.ptp(x) == 0 and np.ptp(y) == 0 and np.ptp(z) == 0:
        raise InputFileError(p, "is flat (x, y and z never change): not a recorded signal")
    if 0.5 <= med <= 2.0:
        return
    if 0.5 * G <= med <= 2.0 * G:
        hint = f"looks like m/s² (median magnitude {med:.3g}); divide by {G} to get g"
    elif 500.0 <= med <= 2000.0:
        hint = f"looks like milli-g (median magnitude {med:.4g}); divide by 1000 to get g"
    else:
        hint = f"median magnitude {med:.3g} is not about 1 g (gravity)"
    raise InputFileError(p, f"acceleration must be in g: {hint}")


def regularise(
    t: npt.NDArray[np.float64], xyz: npt.NDArray[np.float64], fs: float, p: Path
) -> tuple[F32, F32, F32, list[str]]:
    """Linear interpolation of device samples (jittered clock) onto a regular grid at ``fs``."""
    if t.size < 2:
        raise InputFileError(p, "holds fewer than 2 samples")
    grid = t[0] + np.arange(int((t[-1] - t[0]) * fs) + 1) / fs
    out = [np.interp(grid, t, xyz[:, i]).astype(np.float32) for i in range(3)]
    warn = [f"{p.name}: resampled from the device time stamps onto a regular {fs:g} Hz grid"]
    gaps = np.diff(t) > 1.0
    if gaps.any():
        warn.append(f"{p.name}: {int(gaps.sum())} gap(s) > 1 s in the device data were bridged "
                    "by interpolation (no movement can be found in them)")  # fmt: skip
    return out[0], out[1], out[2], warn


def _read_cwa(p: Path, leg: str) -> AccelRecording:
    try:
        from skdh.io import ReadCwa
    except ImportError:
        raise MissingDependencyError(
            "scikit-digital-health", "wearables", "reading Axivity .cwa files"
        ) from None
    import warnings

    try:
        with warnings.catch_warnings():
            # the device clock is local and naive, as twitchscope treats clock times anyway
            warnings.filterwarnings("ignore", message=".*Timestamps are local but naive.*")
            data: dict[str, Any] = ReadCwa().predict(file=str(p))
    except Exception as exc:  # the compiled reader raises many kinds on corrupt files
        raise InputFileError(p, f"is not a readable Axivity .cwa file ({exc})") from None
    t = np.asarray(data.get("time", []), dtype=np.float64)
    acc = np.asarray(data.get("accel", []), dtype=np.float64)
    if t.size == 0 or acc.ndim != 2 or acc.shape[1] < 3:
        raise InputFileError(p, "holds no acceleration samples")
    fs = float(data.get("fs") or 1.0 / float(np.median(np.diff(t))))
    x, y, z, warn = regularise(t, acc[:, :3], fs, p)
    _check_units(x, y, z, p)
    start = dt.datetime.fromtimestamp(float(t[0]), tz=dt.UTC).replace(tzinfo=None)
    return AccelRecording(x, y, z, fs, start, str(p), leg, warn)


def _read_gt3x(p: Path, leg: str) -> AccelRecording:
    try:
        from pygt3x.reader import FileReader
    except ImportError:
        raise MissingDependencyError(
            "pygt3x", "wearables", "reading ActiGraph .gt3x files"
        ) from None
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pygt3x's pandas idioms
            warnings.simplefilter("ignore", DeprecationWarning)
            with FileReader(str(p)) as reader:
                df = reader.to_pandas()
                fs = float(reader.info.sample_rate)
    except Exception as exc:  # pygt3x raises zipfile, KeyError, ValueError ... on corrupt files
        raise InputFileError(p, f"is not a readable ActiGraph .gt3x file ({exc})") from None
    if df.empty:
        raise InputFileError(p, "holds no acceleration samples")
    df = df.reset_index()
    cols = {str(c).lower(): c for c in df.columns}
    t = df[cols.get("timestamp", df.columns[0])].to_numpy(dtype=np.float64)
    xyz = np.column_stack([df[cols[c]].to_numpy(dtype=np.float64) for c in ("x", "y", "z")])
    x, y, z, warn = regularise(t, xyz, fs, p)
    _check_units(x, y, z, p)
    start = dt.datetime.fromtimestamp(float(t[0]), tz=dt.UTC).replace(tzinfo=None)
    return AccelRecording(x, y, z, fs, start, str(p), leg, warn)


def write_accelerometer_csv(rec: AccelRecording, path: str | PathLike[str]) -> Path:
    """Write ``time`` (s) and ``x, y, z`` (g) as CSV, or Parquet for a ``.parquet`` path."""
    import pandas as pd

    p = Path(path)
    t = np.arange(rec.n_samples) / rec.fs
    df = pd.DataFrame({"time": np.round(t, 4), "x": rec.x, "y": rec.y, "z": rec.z})
    if p.suffix.lower() in PARQUET_SUFFIXES:
        df.to_parquet(p, index=False)
    else:
        for c in ("x", "y", "z"):
            df[c] = np.round(df[c].to_numpy(np.float64), 5)
        df.to_csv(p, index=False)
    return p
