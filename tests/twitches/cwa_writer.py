"""Write a small Axivity .cwa file (AX3 layout: a 1024-byte header block, then 512-byte data
blocks of 80 unpacked 16-bit x, y, z samples), as the public OpenMovement format describes it.

Header ``MD`` block: device and session ids, logging start and end (packed date-times), the
rate code (``3200 / 2**(15 - (code & 0x0f))`` Hz, range ``16 >> (code >> 6)`` g). Data ``AX``
blocks: session and sequence ids, a packed whole-second timestamp and the index of the sample
it belongs to, rate code, ``0x32`` (3 axes, 2 bytes each), the sample count, samples in
1/256 g, and a checksum making the 16-bit words of the block sum to zero.
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import numpy as np


def _packed(t: dt.datetime) -> int:
    return (
        ((t.year - 2000) << 26) | (t.month << 22) | (t.day << 17) | (t.hour << 12)
        | (t.minute << 6) | t.second
    )  # fmt: skip


def write_cwa(path: Path, xyz_g: np.ndarray, start: dt.datetime, rate_code: int = 0x4A) -> Path:
    """Write ``xyz_g`` (n x 3, g) sampled at 100 Hz (rate code 0x4A: 100 Hz, +-8 g)."""
    fs = 3200 / 2 ** (15 - (rate_code & 0x0F))
    hdr = bytearray(1024)
    struct.pack_into("<HHBHIH", hdr, 0, 0x444D, 1020, 0x17, 1234, 1, 0)
    struct.pack_into("<II", hdr, 13, _packed(start), _packed(start + dt.timedelta(days=1)))
    hdr[36] = rate_code
    struct.pack_into("<I", hdr, 37, _packed(start))
    hdr[41] = 45
    struct.pack_into("<h", hdr, 42, -1)
    hdr[64:512] = b"\x20" * 448
    out = bytearray(hdr)
    counts = np.round(xyz_g * 256).astype("<i2")
    per = 80
    for k in range(counts.shape[0] // per):
        b = bytearray(512)
        t = start + dt.timedelta(seconds=k * per / fs)
        whole = t.replace(microsecond=0)
        # the whole-second timestamp belongs to sample index ``offset`` (before the block here)
        offset = -round((t - whole).total_seconds() * fs)
        struct.pack_into("<HHHIII", b, 0, 0x5841, 508, 1234, 1, k, _packed(whole))
        struct.pack_into("<HHBBBBhH", b, 18, 0, 300, 0, 200, rate_code, 0x32, offset, per)
        b[30:510] = counts[k * per : (k + 1) * per].tobytes()
        s = sum(struct.unpack("<255H", bytes(b[:510]))) & 0xFFFF
        struct.pack_into("<H", b, 510, (-s) & 0xFFFF)
        out += b
    path.write_bytes(bytes(out))
    return path
