"""Output arrays carved out of one allocation.

A result is some forty arrays. Allocated one by one, the per-person ones (a few MB each for a city)
are faulted in 4 KB pages at first touch, which costs more than computing them. numpy asks the
kernel for huge pages on allocations of 4 MB and more, so one allocation holding every array is
faulted in 2 MB pages instead. Each array is an ordinary ndarray, a view into the shared buffer,
which lives as long as any of its arrays does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["ALIGN", "Layout", "carve"]

#: Where each array starts, in bytes: a cache line, so arrays never share one.
ALIGN = 64

#: Array name → (shape, dtype), or (shape, dtype, "F") for a column-major array.
Layout: TypeAlias = Mapping[str, tuple[tuple[int, ...], npt.DTypeLike] | tuple[tuple[int, ...], npt.DTypeLike, str]]


def carve(*layouts: Layout) -> list[dict[str, npt.NDArray[Any]]]:
    """Uninitialised arrays for each layout, all in one allocation."""
    sizes = [math.prod(spec[0]) * np.dtype(spec[1]).itemsize for layout in layouts for spec in layout.values()]
    buffer = np.empty(sum(map(_aligned, sizes)), dtype=np.uint8)
    carved: list[dict[str, npt.NDArray[Any]]] = []
    offset = 0
    for layout in layouts:
        arrays = {}
        for name, (shape, dtype, *order) in layout.items():
            size = math.prod(shape) * np.dtype(dtype).itemsize
            flat = buffer[offset : offset + size].view(dtype)
            arrays[name] = flat.reshape(shape, order="F" if order == ["F"] else "C")
            offset += _aligned(size)
        carved.append(arrays)
    return carved


def _aligned(size: int) -> int:
    return -(-size // ALIGN) * ALIGN
