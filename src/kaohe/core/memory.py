"""Freed memory kept for reuse inside the process (glibc's `M_TOP_PAD`).

A scoring run allocates and frees the same few megabytes of temporaries for every block of people.
By default glibc hands freed memory at the top of its heaps back to the kernel as soon as it exceeds
a few megabytes, so the next block takes page faults to get it back, and on a virtual machine a page
fault is dear: 200,000 people scored in 0.103–0.105 s with the pad and 0.114 s without (the best of
eight runs), with about 490 page faults a run against none (docs/benchmarks.md). The pad keeps up to
`TOP_PAD_BYTES` of freed memory per heap. The background worker sets it when it starts; the benchmarks
do too.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["TOP_PAD_BYTES", "keep_freed_memory"]

#: Freed memory each heap keeps instead of returning it to the kernel.
TOP_PAD_BYTES = 256 * 1024 * 1024
_M_TOP_PAD = -2  # mallopt parameter number in glibc's malloc.h


def keep_freed_memory(pad_bytes: int = TOP_PAD_BYTES) -> bool:
    """Ask glibc to keep `pad_bytes` of freed memory per heap; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None)
    return bool(mallopt is not None and mallopt(_M_TOP_PAD, pad_bytes) == 1)
