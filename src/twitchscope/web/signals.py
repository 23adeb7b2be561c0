"""Signal windows for the review page: native-rate samples, or min/max pairs when zoomed out.

A channel is decoded once from the recording (:meth:`Recording.load`, only that channel) and
kept next to it as a float32 ``.npy`` file; later windows are slices of a memory map of that
file, so a 30 s page of two legs costs a copy of a few tens of kilobytes. A window holding more
samples than ``max_points`` is reduced on the server to the minimum and maximum of each of
``max_points / 2`` bins (``numpy.minimum.reduceat``): every peak stays visible, as on a
paper trace.
"""

from __future__ import annotations

import base64
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from twitchscope.errors import ValidationError

#: Windows the viewer offers (seconds).
WINDOWS_S: Final[tuple[float, ...]] = (30.0, 120.0, 300.0)
MAX_WINDOW_S: Final[float] = 3600.0
DEFAULT_MAX_POINTS: Final[int] = 16384
MAX_CHANNELS: Final[int] = 8
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass(frozen=True)
class ChannelFacts:
    """A channel the viewer can draw."""

    index: int
    label: str
    role: str
    unit: str
    fs: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "index": self.index,
            "label": self.label,
            "role": self.role,
            "unit": self.unit,
            "fs": self.fs,
        }


def list_channels(recording: Path) -> list[ChannelFacts]:
    """The signal channels of a recording (header only)."""
    from twitchscope.io import open_recording

    with open_recording(recording) as rec:
        return [ChannelFacts(c.index, c.label, c.role, c.unit, float(c.fs)) for c in rec.channels]


def _lock(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def cached_channel(recording: Path, cache_dir: Path, index: int) -> tuple[np.ndarray, float, float]:
    """Samples of channel ``index`` (memory-mapped float32), its rate and first-sample time.

    Decodes the channel on first use and stores it as ``cache_dir/ch<index>.npy``.

    Raises
    ------
    ValidationError
        When the recording has no channel with that index.
    """
    from twitchscope.io import open_recording

    path = cache_dir / f"ch{int(index)}.npy"
    meta = cache_dir / f"ch{int(index)}.meta"
    with _lock(str(path)):
        if not path.exists() or not meta.exists():
            with open_recording(recording) as rec:
                chans = {c.index: c for c in rec.channels}
                if index not in chans:
                    raise ValidationError("channels", f"no channel {index} in this recording")
                sig = rec.load(chans[index].label)
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".part.npy")
            np.save(tmp, np.asarray(sig.data, dtype=np.float32))
            os.replace(tmp, path)
            meta.write_text(f"{float(sig.fs)!r} {float(sig.start)!r}", encoding="ascii")
        fs_text, start_text = meta.read_text(encoding="ascii").split()
    data = np.load(path, mmap_mode="r")
    return data, float(fs_text), float(start_text)


def minmax_bins(x: npt.NDArray[np.float32], n_bins: int) -> npt.NDArray[np.float32]:
    """Interleaved (min, max) of ``n_bins`` near-equal bins of ``x`` (NaN-aware: gaps stay NaN)."""
    edges = np.linspace(0, x.size, n_bins + 1).astype(np.int64)[:-1]
    edges = np.unique(edges)
    out = np.empty(2 * edges.size, dtype=np.float32)
    with np.errstate(invalid="ignore"):
        out[0::2] = np.minimum.reduceat(x, edges)
        out[1::2] = np.maximum.reduceat(x, edges)
    return out


def window(
    data: np.ndarray,
    fs: float,
    first_time: float,
    start: float,
    duration: float,
    max_points: int = DEFAULT_MAX_POINTS,
) -> dict[str, Any]:
    """One channel's samples in ``[start, start + duration)`` seconds.

    Returns
    -------
    dict
        ``mode`` (``raw`` or ``minmax``), ``t0`` (time of the first value, s), ``step``
        (seconds per value or per min/max pair), ``n`` (values), and ``data``: base64 of
        little-endian float32 (NaN in gaps).
    """
    if not (np.isfinite(start) and np.isfinite(duration)) or duration <= 0:
        raise ValidationError("duration", "must be a positive number of seconds")
    if duration > MAX_WINDOW_S:
        raise ValidationError("duration", f"at most {MAX_WINDOW_S:g} s per window")
    if not 64 <= max_points <= 200_000:
        raise ValidationError("max_points", "must be within 64-200000")
    i0 = max(0, int(np.floor((start - first_time) * fs)))
    i1 = min(int(data.shape[0]), int(np.ceil((start + duration - first_time) * fs)))
    i1 = max(i0, i1)
    seg = np.asarray(data[i0:i1], dtype=np.float32)
    t0 = first_time + i0 / fs
    if seg.size <= max_points:
        values, mode, step = seg, "raw", 1.0 / fs
    else:
        n_bins = max_points // 2
        values = minmax_bins(seg, n_bins)
        mode, step = "minmax", (seg.size / (values.size // 2)) / fs
    return {
        "mode": mode,
        "t0": t0,
        "step": step,
        "n": int(values.size),
        "data": base64.b64encode(values.astype("<f4", copy=False).tobytes()).decode("ascii"),
    }
