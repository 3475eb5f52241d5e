"""Pearson and Spearman correlation over pairs where both values are present, with a two-sided p-value
from Student's t distribution (n − 2 degrees of freedom). Spearman is Pearson on ranks, ties getting
their average rank."""

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata
from scipy.stats import t as student_t


@dataclass(frozen=True)
class Correlation:
    """Coefficient r (NaN with fewer than 3 pairs or a constant variable), pairs used and p-value."""

    r: float
    n: int
    p: float


def _pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    kept = ~(np.isnan(a) | np.isnan(b))
    return a[kept], b[kept]


def _coefficient(a: np.ndarray, b: np.ndarray) -> Correlation:
    n = a.shape[0]
    da, db = a - a.mean(), b - b.mean()
    denominator = float(np.sqrt((da**2).sum() * (db**2).sum()))
    if n < 3 or denominator == 0:
        return Correlation(float("nan"), n, float("nan"))
    r = float(np.clip((da * db).sum() / denominator, -1, 1))
    if abs(r) == 1:
        return Correlation(r, n, 0.0)
    t = r * np.sqrt((n - 2) / (1 - r * r))
    return Correlation(r, n, float(2 * student_t.sf(abs(t), n - 2)))


def pearson(x: np.ndarray, y: np.ndarray) -> Correlation:
    return _coefficient(*_pairs(x, y))


def spearman(x: np.ndarray, y: np.ndarray) -> Correlation:
    a, b = _pairs(x, y)
    return _coefficient(rankdata(a), rankdata(b))
