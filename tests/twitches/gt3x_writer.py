"""Write a small ActiGraph .gt3x file (zip of info.txt + log.bin with ACTIVITY2 records).

Record layout (ActiGraph GT3X file format, public specification): header ``<BBLH`` (separator
0x1E, type, Unix seconds, payload size), payload, one checksum byte (one's complement of the
XOR of header fields and payload). ACTIVITY2 (type 0x1A) holds one second of int16 x, y, z
triplets in units of 1/``Acceleration Scale`` g.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import numpy as np


def _checksum(event_type: int, ts: int, payload: bytes) -> bytes:
    c = 0x1E ^ event_type
    for b in ts.to_bytes(4, "little") + len(payload).to_bytes(4, "little") + payload:
        c ^= b
    return bytes([~c & 0xFF])


def write_gt3x(
    path: Path, xyz_g: np.ndarray, fs: int, start_unix: int, scale: float = 256.0
) -> Path:
    """Write ``xyz_g`` (n x 3, g; n a multiple of ``fs``) as .gt3x, starting at ``start_unix``."""
    counts = np.round(xyz_g * scale).astype("<i2")
    log = bytearray()
    for k in range(counts.shape[0] // fs):
        payload = counts[k * fs : (k + 1) * fs].tobytes()
        ts = start_unix + k
        log += struct.pack("<BBLH", 0x1E, 0x1A, ts, len(payload)) + payload
        log += _checksum(0x1A, ts, payload)
    ticks = (start_unix + 62135596800) * 10_000_000  # .NET ticks
    info = (
        "Serial Number: TAS1E23456789\nDevice Type: wGT3XBT\nFirmware: 1.9.2\n"
        f"Sample Rate: {fs}\nStart Date: {ticks}\nStop Date: 0\nLast Sample Time: 0\n"
        f"Acceleration Scale: {scale}\nAcceleration Min: -8.0\nAcceleration Max: 8.0\n"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("info.txt", info)
        z.writestr("log.bin", bytes(log))
    return path
