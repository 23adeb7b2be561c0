"""Write a discontinuous recording (EDF+D / BDF+D): data records only where the night was recorded.

edfio writes continuous files only, so recordings with pauses are written here, to the EDF+
specification (Kemp & Olivan 2003): one-second data records, each starting with a time-keeping
TAL (``+onset<20><20><0>``) that gives the record's true onset, then the file's annotations
(``+onset<21>duration<20>text<20><0>``) spread over the records. The samples of a pause (NaN in
the night's signals) are simply not written.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from twitchscope.signal import Signal


def _field(value: Any, width: int) -> bytes:
    """An ASCII header field, left-aligned and space-padded (numbers written compactly)."""
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        text = text[:width]
    else:
        text = str(value)
    raw = text.encode("ascii", errors="replace")
    if len(raw) > width:
        raise ValueError(f"header field {text!r} is wider than {width} bytes")
    return raw.ljust(width, b" ")


def _seconds(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def _tal(onset: float, duration: float | None, text: str) -> bytes:
    dur = f"\x15{_seconds(duration)}" if duration else ""
    clean = text.replace("\x14", " ").replace("\x15", " ").replace("\x00", " ")
    return f"+{_seconds(onset)}{dur}\x14{clean}\x14\x00".encode()


def write_discontinuous(
    path: Path,
    signals: Sequence[Signal],
    specs: Sequence[tuple[str, float, float, str]],
    start: dt.datetime,
    annotations: Sequence[tuple[float, float | None, str]],
    *,
    patient: str,
    recording: str,
    bdf: bool = False,
) -> int:
    """Write ``signals`` as EDF+D (or BDF+D), leaving out every second in which they are NaN.

    Parameters
    ----------
    path : Path
        The file to write.
    signals : sequence of Signal
        Channels with whole-number rates, all of the same whole-second length; NaN marks the
        pauses (whole seconds, the same in every channel).
    specs : sequence of (unit, physical_min, physical_max, transducer)
        Per channel.
    start : datetime
        Recording start.
    annotations : sequence of (onset, duration or None, text)
        Onsets in s from the start.
    patient, recording : str
        The EDF+ patient and recording identification fields.
    bdf : bool
        24-bit BDF+D instead of 16-bit EDF+D.

    Returns
    -------
    int
        The number of data records written.
    """
    width = 3 if bdf else 2
    dmin, dmax = (-(2**23), 2**23 - 1) if bdf else (-32768, 32767)
    n_sec = round(signals[0].data.shape[0] / signals[0].fs)
    recorded = np.ones(n_sec, dtype=bool)
    for s in signals:
        fs = round(s.fs)
        whole = s.data[: n_sec * fs].reshape(n_sec, fs)
        recorded &= ~np.isnan(whole).all(axis=1)
    seconds = np.flatnonzero(recorded)
    n_rec = int(seconds.size)
    # Time-keeping TAL of each record plus the annotations, spread evenly over the records.
    chunks = np.array_split(np.arange(len(annotations)), max(n_rec, 1))
    tals: list[bytes] = []
    for k, sec in enumerate(seconds):
        body = f"+{int(sec)}\x14\x14\x00".encode()
        for i in chunks[k]:
            on, du, text = annotations[int(i)]
            body += _tal(on, du, text)
        tals.append(body)
    ann_samples = max(math.ceil(max((len(t) for t in tals), default=8) / width), 8)

    labels = [s.label for s in signals] + ["EDF Annotations" if not bdf else "BDF Annotations"]
    ns = len(labels)
    spr = [round(s.fs) for s in signals] + [ann_samples]
    units = [sp[0] for sp in specs] + [""]
    pmins = [float(sp[1]) for sp in specs] + [-1.0]
    pmaxs = [float(sp[2]) for sp in specs] + [1.0]
    trans = [sp[3] for sp in specs] + [""]
    header = b"".join(
        [
            b"\xffBIOSEMI" if bdf else _field("0", 8),
            _field(patient, 80),
            _field(recording, 80),
            _field(start.strftime("%d.%m.%y"), 8),
            _field(start.strftime("%H.%M.%S"), 8),
            _field(256 * (ns + 1), 8),
            _field("BDF+D" if bdf else "EDF+D", 44),
            _field(n_rec, 8),
            _field(1, 8),
            _field(ns, 4),
            *[_field(x, 16) for x in labels],
            *[_field(x, 80) for x in trans],
            *[_field(x, 8) for x in units],
            *[_field(x, 8) for x in pmins],
            *[_field(x, 8) for x in pmaxs],
            *[_field(dmin, 8) for _ in labels],
            *[_field(dmax, 8) for _ in labels],
            *[_field("", 80) for _ in labels],
            *[_field(x, 8) for x in spr],
            *[_field("", 32) for _ in labels],
        ]
    )
    parts: list[npt.NDArray[np.uint8]] = []
    for s, pmin, pmax in zip(signals, pmins, pmaxs, strict=False):
        fs = round(s.fs)
        x = np.asarray(s.data[: n_sec * fs], dtype=np.float64).reshape(n_sec, fs)[seconds]
        dig = np.rint((x - pmin) / (pmax - pmin) * (dmax - dmin) + dmin)
        dig = np.clip(np.nan_to_num(dig, nan=0.0), dmin, dmax).astype(np.int32)
        parts.append(_to_bytes(dig, width))
    ann = np.zeros((n_rec, ann_samples * width), dtype=np.uint8)
    for k, t in enumerate(tals):
        ann[k, : len(t)] = np.frombuffer(t, dtype=np.uint8)
    parts.append(ann)
    with path.open("wb") as fh:
        fh.write(header)
        fh.write(np.concatenate(parts, axis=1).tobytes())
    return n_rec


def _to_bytes(dig: npt.NDArray[np.int32], width: int) -> npt.NDArray[np.uint8]:
    """Little-endian two's complement, ``width`` bytes per sample, one row per record."""
    u = dig.astype("<i4").view(np.uint8).reshape(dig.shape[0], dig.shape[1], 4)
    return np.ascontiguousarray(u[:, :, :width]).reshape(dig.shape[0], dig.shape[1] * width)
