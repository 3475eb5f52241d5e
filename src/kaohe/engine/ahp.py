"""AHP (层次分析法, analytic hierarchy process): weights from a pairwise comparison matrix.

DOMAIN.md "Analysis": AHP derives weights from pairwise comparisons, accepted when the consistency
ratio is below 0.1. Weights are the principal eigenvector normalised to sum 1; λmax its eigenvalue;
CI = (λmax − n)/(n − 1); CR = CI/RI with Saaty's random index table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from kaohe.engine.codes import FloatArray
from kaohe.engine.problems import Problem

__all__ = ["RANDOM_INDEX", "AhpResult", "ahp_weights", "largest_remainder_percentages", "validate_matrix"]

#: Saaty's random consistency index RI for n = 1..10.
RANDOM_INDEX: tuple[float, ...] = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
RECIPROCAL_TOLERANCE = 1e-6
ACCEPTABLE_RATIO = 0.1


@dataclass(frozen=True)
class AhpResult:
    """Weights (sum 1), percentages (2 dp, sum exactly 100), λmax, CI and CR."""

    weights: tuple[float, ...]
    percentages: tuple[Decimal, ...]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float

    @property
    def acceptable(self) -> bool:
        """Saaty's rule: judgements are consistent enough when CR < 0.1."""
        return self.consistency_ratio < ACCEPTABLE_RATIO


def validate_matrix(matrix: Sequence[Sequence[float]]) -> list[Problem]:
    """Square, 2 ≤ n ≤ 10, finite positive entries, a_ji = 1/a_ij within 1e-6 (and a_ii = 1)."""
    n = len(matrix)
    if any(len(row) != n for row in matrix):
        return [Problem("matrix_not_square", "matrix", {"rows": n})]
    if not 2 <= n <= len(RANDOM_INDEX):
        return [Problem("matrix_size_out_of_range", "matrix", {"size": n, "minimum": 2, "maximum": len(RANDOM_INDEX)})]
    problems: list[Problem] = []
    for i in range(n):
        for j in range(n):
            value = matrix[i][j]
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                problems.append(Problem("matrix_entry_not_positive", f"matrix[{i}][{j}]", {"row": i, "column": j}))
    if problems:
        return problems
    for i in range(n):
        for j in range(i, n):
            if abs(matrix[i][j] * matrix[j][i] - 1.0) > RECIPROCAL_TOLERANCE:
                problems.append(Problem("matrix_not_reciprocal", f"matrix[{j}][{i}]", {"row": j, "column": i}))
    return problems


def ahp_weights(matrix: Sequence[Sequence[float]]) -> AhpResult | list[Problem]:
    """Principal-eigenvector weights and consistency of a positive reciprocal matrix (Saaty 1980)."""
    problems = validate_matrix(matrix)
    if problems:
        return problems
    array = np.array(matrix, dtype=np.float64)
    n = array.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(array)
    principal = int(np.argmax(eigenvalues.real))
    vector: FloatArray = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    lambda_max = float(eigenvalues[principal].real)
    consistency_index = max(0.0, (lambda_max - n) / (n - 1))
    random_index = RANDOM_INDEX[n - 1]
    consistency_ratio = consistency_index / random_index if random_index > 0 else 0.0
    return AhpResult(
        weights=tuple(float(w) for w in weights),
        percentages=largest_remainder_percentages([float(w) for w in weights]),
        lambda_max=lambda_max,
        consistency_index=consistency_index,
        consistency_ratio=consistency_ratio,
    )


def largest_remainder_percentages(shares: Sequence[float]) -> tuple[Decimal, ...]:
    """Shares (summing to 1) as percentages with 2 dp that sum to exactly 100 (largest remainder).

    Each share gets its floor in hundredths of a percent; the leftover hundredths go to the largest
    remainders, ties to the earlier position.
    """
    total = sum(shares)
    units = [share / total * 10000.0 for share in shares]
    floors = [math.floor(unit) for unit in units]
    leftover = 10000 - sum(floors)
    order = sorted(range(len(units)), key=lambda i: (-(units[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return tuple(Decimal(unit).scaleb(-2) for unit in floors)
