"""PostgreSQL binary COPY built with numpy: whole columns in, one buffer out, no Python per row.

Rows with the same pattern of NULLs (NaN in a float column) share a fixed layout, so each pattern
is one numpy structured array; text columns are constants for the call (for example a run's category).
Format: https://www.postgresql.org/docs/current/sql-copy.html ("Binary Format").
"""

from collections.abc import Mapping, Sequence

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
WIRE = {"i8": ">i8", "i4": ">i4", "i2": ">i2", "f8": ">f8"}


def _layout(kinds: Sequence[str], texts: Mapping[int, bytes], nulls: Sequence[bool]) -> np.dtype:
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for i, kind in enumerate(kinds):
        fields.append((f"l{i}", ">i4"))
        if nulls[i]:
            continue
        fields.append((f"v{i}", f"S{len(texts[i])}" if kind == "text" else WIRE[kind]))
    return np.dtype(fields)


def binary_copy_payload(kinds: Sequence[str], values: Sequence[np.ndarray | str]) -> bytes:
    """The COPY BINARY body for columns of kinds i8/i4/i2/f8 (arrays) or "text" (one string for all rows)."""
    texts = {i: str(v).encode() for i, (k, v) in enumerate(zip(kinds, values, strict=True)) if k == "text"}
    arrays = {i: np.asarray(v) for i, (k, v) in enumerate(zip(kinds, values, strict=True)) if k != "text"}
    n = next(iter(arrays.values())).shape[0] if arrays else 0
    floats = [i for i, k in enumerate(kinds) if k == "f8"]
    patterns = np.zeros(n, dtype=np.int64)
    for bit, i in enumerate(floats):
        patterns |= np.isnan(arrays[i]).astype(np.int64) << bit
    chunks = [HEADER]
    for pattern in np.unique(patterns).tolist():
        rows = patterns == pattern
        nulls = [k == "f8" and bool(pattern >> floats.index(i) & 1) for i, k in enumerate(kinds)]
        block = np.zeros(int(rows.sum()), dtype=_layout(kinds, texts, nulls))
        block["count"] = len(kinds)
        for i, kind in enumerate(kinds):
            if nulls[i]:
                block[f"l{i}"] = -1
                continue
            block[f"l{i}"] = len(texts[i]) if kind == "text" else np.dtype(WIRE[kind]).itemsize
            block[f"v{i}"] = texts[i] if kind == "text" else arrays[i][rows]
        chunks.append(block.tobytes())
    chunks.append(TRAILER)
    return b"".join(chunks)
