"""Keeping freed memory in a short command-line process instead of returning it at once.

A ``score`` run allocates and frees a few hundred arrays of 2-60 MB (decoded channels, block
envelopes, their temporaries). glibc's allocator serves blocks above its mmap threshold (128 kB
at first, raised as blocks are freed) with fresh ``mmap`` pages and gives them back with
``munmap`` when freed, so the next array of that size faults in new zeroed pages from the
kernel: on an 8 h night that is ~0.5-2 s of system time (on a busy virtual machine it can take
longer than the computing). Raising the mmap and trim thresholds keeps freed blocks in the
process's heap for the next array to reuse. The peak memory stays what it was (the same arrays
are alive at the same time); what changes is that freed memory goes back to the system when the
process exits rather than at once.

Only the command line sets this (a library must not change its host process's allocator);
elsewhere than glibc (musl, macOS, Windows) it does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Final

#: ``mallopt`` parameters (glibc ``malloc.h``).
M_TRIM_THRESHOLD: Final = -1
M_MMAP_THRESHOLD: Final = -3
#: Blocks up to this size come from the heap (larger ones, rare here, still get their own map).
MMAP_THRESHOLD_BYTES: Final = 256 * 1024 * 1024
#: Free memory at the top of the heap is returned to the system above this size only.
TRIM_THRESHOLD_BYTES: Final = 1024 * 1024 * 1024


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds (see the module docstring).

    Returns True when the allocator took the settings, False where there is no glibc.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        # the process's own symbols, libc's among them (ctypes.util would cost 25 ms to import)
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )
