"""Rounding in one place: every score is rounded half-up to 2 decimal places (分数保留两位小数).

Each stage (indicator, dimension, annual, 平时, composite) rounds what it shows, and the next stage
uses the shown value, so the numbers a person sees add up. The fast path works in float64 and
rounds to integer cents with a tiny nudge (`HALF_UP_NUDGE`, in cents) so that a value that is
exactly on a half in decimal but lands a hair below it in binary still rounds up, as
`decimal.ROUND_HALF_UP` does in the reference. Inputs with at most 4 decimal places never come
within the nudge of a half without being on it (see docs/engine.md).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from kaohe.engine.codes import FloatArray

__all__ = ["CENT", "HALF_UP_NUDGE", "cents", "decimal_from_float", "quantize2", "quantize4", "round2", "round4"]

HALF_UP_NUDGE = 1e-7
CENT = Decimal("0.01")


def cents(values: FloatArray) -> FloatArray:
    """Values in integer cents (float64, NaN kept), half-up."""
    with np.errstate(invalid="ignore"):
        return np.floor(values * 100.0 + 0.5 + HALF_UP_NUDGE)


def round2(values: FloatArray) -> FloatArray:
    """Values rounded half-up to 2 decimal places (NaN kept)."""
    return cents(values) / 100.0


def round4(values: FloatArray) -> FloatArray:
    """Values rounded half-up to 4 decimal places (NaN kept), for bonus factors."""
    with np.errstate(invalid="ignore"):
        return np.floor(values * 10000.0 + 0.5 + HALF_UP_NUDGE) / 10000.0


def quantize2(value: Decimal) -> Decimal:
    """A Decimal rounded half-up to 2 decimal places."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quantize4(value: Decimal) -> Decimal:
    """A Decimal rounded half-up to 4 decimal places."""
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def decimal_from_float(value: float) -> Decimal | None:
    """The Decimal a float stands for (its shortest repr, so 0.1 → Decimal("0.1")); None for NaN."""
    if value != value:  # NaN
        return None
    return Decimal(repr(float(value)))
