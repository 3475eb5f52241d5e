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

__all__ = [
    "CENT",
    "HALF_UP",
    "HALF_UP_NUDGE",
    "cents",
    "decimal_cents",
    "decimal_from_float",
    "half_up",
    "quantize2",
    "quantize4",
    "round2",
    "round4",
]

HALF_UP_NUDGE = 1e-7
#: What `half_up` adds before flooring: one half plus the nudge, folded into one constant.
HALF_UP = 0.5 + HALF_UP_NUDGE
CENT = Decimal("0.01")


def half_up(hundredths: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Amounts already in cents (a quotient, say) rounded half-up to whole cents (NaN kept).

    `out` may be `hundredths` itself (rounded in place).
    """
    result = np.add(hundredths, HALF_UP, out=out)
    return np.floor(result, out=result)


def cents(values: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Values in integer cents (float64, NaN kept), half-up; `out` may be `values` itself."""
    scaled = np.multiply(values, 100.0, out=out, dtype=np.float64)
    return half_up(scaled, out=scaled)


def decimal_cents(value: Decimal) -> float:
    """A Decimal rounded half-up to whole cents, exactly (for lookup tables of the fast path)."""
    return float(quantize2(value) * 100)


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
