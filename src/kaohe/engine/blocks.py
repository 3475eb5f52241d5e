"""Row blocks: the fast path walks the cohort in cache-sized blocks of people.

A block function reads its rows of the inputs and writes its rows of preallocated outputs, nothing
else, so blocks are independent and the result does not depend on the order they run in (tests run
them on two threads with blocks of three rows).

`WORKERS` > 1 runs blocks on that many threads (started once, on first use): numpy releases the GIL
inside its loops. A thread pays for handing the GIL back and forth on every numpy call, so a block's
calls must be long: the scoring kernel's blocks are people × indicators (`KERNEL_BLOCK_ROWS`), the
other stages' blocks hold four times as many people (`BLOCK_ROWS`). With blocks of 8,192 people for
every stage, two threads were slower than one; with these, 200,000 people score in 0.10–0.12 s on
two threads and 0.13–0.14 s on one (docs/benchmarks.md).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["BLOCK_ROWS", "KERNEL_BLOCK_ROWS", "WORKERS", "for_each_block", "for_each_part", "row_blocks"]

#: People per block of the stages that read a few columns per person (grades, consequences).
BLOCK_ROWS = 65536
#: People per block of the scoring kernel, whose temporaries are people × indicators (16384 × 25 × 8 bytes
#: ≈ 3.2 MB, within the shared cache).
KERNEL_BLOCK_ROWS = 16384
#: Threads for the blocks (see above): one per core, at most the two measured.
WORKERS = min(2, os.cpu_count() or 1)

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def row_blocks(n: int, size: int | None = None) -> list[slice]:
    """Consecutive row ranges of at most `size` (default `BLOCK_ROWS`) rows covering 0..n."""
    size = size or BLOCK_ROWS
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def for_each_block(n: int, work: Callable[[slice], None], rows: int | None = None) -> None:
    """Run `work(rows)` for every block of `rows` (default `BLOCK_ROWS`) rows, in parallel when there is
    more than one block.

    Exceptions raised by a block propagate to the caller.
    """
    for_each_part(row_blocks(n, rows), work)


def for_each_part(parts: Sequence[T], work: Callable[[T], None]) -> None:
    """Run `work(part)` for every part, on the worker threads when there is more than one part.

    Exceptions raised by a part propagate to the caller.
    """
    if len(parts) <= 1 or WORKERS == 1:
        for part in parts:
            work(part)
        return
    for _ in _executor().map(work, parts):
        pass


def _executor() -> ThreadPoolExecutor:
    """The shared worker threads, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kaohe-engine")
        return _pool
