"""Row blocks: the fast path walks the cohort in cache-sized blocks of people.

A block function reads its rows of the inputs and writes its rows of preallocated outputs, nothing
else, so blocks are independent and the result does not depend on the order they run in (tests run
them on two threads with blocks of three rows).

`WORKERS` > 1 runs blocks on that many threads (started once, on first use): numpy releases the GIL
inside its loops. It is 1 by default: a block's numpy calls take microseconds and the threads spend
much of their gain handing the GIL back and forth; on the shared 2-core development machine (other
jobs running) 2 M people took 7.7 s on one thread and 10.0–10.8 s on two, for the same CPU time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

__all__ = ["BLOCK_ROWS", "WORKERS", "for_each_block", "row_blocks"]

#: People per block: a block's people × indicators temporaries (8192 × 25 × 8 bytes ≈ 1.6 MB) stay in cache.
BLOCK_ROWS = 8192
#: Threads for the blocks (see above); at most one per core is useful.
WORKERS = 1

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def row_blocks(n: int, size: int | None = None) -> list[slice]:
    """Consecutive row ranges of at most `size` (default `BLOCK_ROWS`) rows covering 0..n."""
    size = size or BLOCK_ROWS
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def for_each_block(n: int, work: Callable[[slice], None]) -> None:
    """Run `work(rows)` for every block of rows, in parallel when there is more than one block.

    Exceptions raised by a block propagate to the caller.
    """
    blocks = row_blocks(n)
    if len(blocks) <= 1 or WORKERS == 1:
        for rows in blocks:
            work(rows)
        return
    for _ in _executor().map(work, blocks):
        pass


def _executor() -> ThreadPoolExecutor:
    """The shared worker threads, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kaohe-engine")
        return _pool
