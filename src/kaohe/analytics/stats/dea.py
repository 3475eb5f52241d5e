"""Data envelopment analysis: the CCR model (Charnes, Cooper & Rhodes 1978), input-oriented, constant
returns to scale, solved as one linear programme per unit with scipy's HiGHS.

For unit o: minimise θ subject to Σ_j λ_j x_ij ≤ θ·x_io for every input i, Σ_j λ_j y_rj ≥ y_ro for every
output r, λ ≥ 0. θ = 1 puts the unit on the efficient frontier; θ < 1 says the same outputs could be made
with θ of its inputs, by the units with λ_j > 0 (its peers).
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

TOLERANCE = 1e-9


@dataclass(frozen=True)
class DeaResult:
    """Efficiency θ of each unit (0–1] and its peers' positions with their λ weights."""

    efficiency: np.ndarray
    peers: list[dict[int, float]]


def ccr_input(inputs: np.ndarray, outputs: np.ndarray) -> DeaResult:
    """Input-oriented CCR efficiency of each row; `inputs` (n × m) and `outputs` (n × s) are positive."""
    x = np.asarray(inputs, dtype=np.float64).reshape(inputs.shape[0], -1)
    y = np.asarray(outputs, dtype=np.float64).reshape(outputs.shape[0], -1)
    if x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise ValueError("Inputs and outputs need the same, non-zero number of units.")
    if (x <= 0).any() or (y < 0).any() or not (y > 0).any(axis=1).all():
        raise ValueError("Every input must be positive and every unit needs a positive output.")
    n = x.shape[0]
    efficiency = np.zeros(n)
    peers: list[dict[int, float]] = []
    for o in range(n):
        theta, weights = _solve(x, y, o)
        efficiency[o] = theta
        peers.append({j: round(float(w), 6) for j, w in enumerate(weights) if w > 1e-7})
    return DeaResult(np.minimum(efficiency, 1.0), peers)


def _solve(x: np.ndarray, y: np.ndarray, o: int) -> tuple[float, np.ndarray]:
    n, m = x.shape
    s = y.shape[1]
    cost = np.zeros(n + 1)
    cost[0] = 1.0
    # inputs: Σ λ_j x_ij − θ x_io ≤ 0 ; outputs: −Σ λ_j y_rj ≤ −y_ro
    upper = np.vstack([np.column_stack([-x[o], x.T]), np.column_stack([np.zeros(s), -y.T])])
    bound = np.concatenate([np.zeros(m), -y[o]])
    solved = linprog(cost, A_ub=upper, b_ub=bound, bounds=[(0, None)] * (n + 1), method="highs")
    if not solved.success:
        raise ValueError(f"The DEA programme of unit {o} has no solution: {solved.message}")
    return float(solved.x[0]), np.asarray(solved.x[1:])
