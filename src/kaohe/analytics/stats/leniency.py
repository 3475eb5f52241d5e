"""Rater leniency and severity: how far a rater's mean lies from the other raters' means of the same unit.

z = (m_r − m̄_u) / s_u, where m_r is the mean score rater r gave, m̄_u the mean of the unit's rater means
and s_u their standard deviation (population form: the unit's raters are all its raters, not a sample).
z ≥ +1.5 reads "lenient", z ≤ −1.5 "severe". A unit needs at least three raters with a mean; with fewer,
or when all means are equal, z is not defined (NaN). A rater is a supervisor (their quarterly grades) or a
rater group (the peers of a department, only when the group reached the anonymity minimum).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

THRESHOLD = 1.5
MIN_RATERS = 3


@dataclass(frozen=True)
class RaterMean:
    """The mean score a rater gave, over `n` ratings, within `unit`."""

    rater: str
    unit: int
    mean: float
    n: int


@dataclass(frozen=True)
class Leniency:
    rater: str
    unit: int
    mean: float
    n: int
    unit_mean: float
    z: float

    @property
    def verdict(self) -> str:
        if np.isnan(self.z):
            return "undetermined"
        return "lenient" if self.z >= THRESHOLD else "severe" if self.z <= -THRESHOLD else "typical"


def leniency(raters: Sequence[RaterMean]) -> list[Leniency]:
    """Standardise each rater's mean against the rater means of their unit."""
    out = []
    for unit in sorted({r.unit for r in raters}):
        members = [r for r in raters if r.unit == unit and not np.isnan(r.mean)]
        means = np.array([r.mean for r in members], dtype=np.float64)
        centre = float(means.mean()) if means.size else float("nan")
        spread = float(means.std()) if means.size else 0.0
        for r in members:
            z = (r.mean - centre) / spread if len(members) >= MIN_RATERS and spread > 0 else float("nan")
            out.append(Leniency(r.rater, unit, r.mean, r.n, centre, z))
    return out
