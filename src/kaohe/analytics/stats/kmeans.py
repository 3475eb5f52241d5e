"""k-means clustering (Lloyd's algorithm with k-means++ starts), seeded and deterministic.

Features are standardised first (z-scores; a constant feature becomes 0) so that no indicator dominates
by its scale. Several starts are run and the one with the least within-cluster sum of squares is kept;
clusters are then numbered by their smallest member's position, so equal data give equal labels.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Clustering:
    """Cluster label of each row (0..k−1), centres in the original units, and the within-cluster sum of
    squares in standardised units."""

    labels: np.ndarray
    centres: np.ndarray
    inertia: float


def standardise(data: np.ndarray) -> np.ndarray:
    mean = data.mean(axis=0)
    spread = data.std(axis=0)
    return np.where(spread > 0, (data - mean) / np.where(spread > 0, spread, 1), 0.0)


def _plus_plus(z: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [z[rng.integers(z.shape[0])]]
    for _ in range(1, k):
        distance = np.min(((z[:, None, :] - np.array(centres)[None, :, :]) ** 2).sum(axis=2), axis=1)
        total = distance.sum()
        pick = rng.integers(z.shape[0]) if total == 0 else rng.choice(z.shape[0], p=distance / total)
        centres.append(z[pick])
    return np.array(centres)


def _lloyd(z: np.ndarray, centres: np.ndarray, iterations: int) -> tuple[np.ndarray, float]:
    labels = np.zeros(z.shape[0], dtype=np.int64)
    for step in range(iterations):
        distance = ((z[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new = distance.argmin(axis=1)
        for c in range(centres.shape[0]):
            if (new == c).any():
                centres[c] = z[new == c].mean(axis=0)
        if step > 0 and np.array_equal(new, labels):
            break
        labels = new
    distance = ((z - centres[labels]) ** 2).sum()
    return labels, float(distance)


def kmeans(data: np.ndarray, k: int, *, seed: int = 1, starts: int = 10, iterations: int = 100) -> Clustering:
    """Cluster the rows of `data` (n × features) into k groups."""
    x = np.asarray(data, dtype=np.float64)
    if x.ndim != 2 or not 1 <= k <= x.shape[0]:
        raise ValueError("k must be between 1 and the number of rows.")
    if np.isnan(x).any():
        raise ValueError("k-means needs a value for every feature of every row.")
    z = standardise(x)
    rng = np.random.default_rng(seed)
    best: tuple[np.ndarray, float] | None = None
    for _ in range(starts):
        labels, inertia = _lloyd(z, _plus_plus(z, k, rng), iterations)
        if best is None or inertia < best[1] - 1e-12:
            best = (labels, inertia)
    if best is None:
        raise ValueError("k-means needs at least one start.")
    labels = _renumber(best[0])
    centres = np.array([x[labels == c].mean(axis=0) for c in range(int(labels.max()) + 1)])
    return Clustering(labels, centres, best[1])


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Number clusters in the order of their first member."""
    order: dict[int, int] = {}
    for label in labels.tolist():
        order.setdefault(label, len(order))
    return np.array([order[label] for label in labels.tolist()], dtype=np.int64)
