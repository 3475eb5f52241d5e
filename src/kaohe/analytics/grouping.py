"""Group statistics over whole columns (pure numpy): counts, sums, means, exact percentiles and
histograms per integer key, with no Python loop over rows. Used by the roll-ups."""

import numpy as np

PERCENTILES = (10, 25, 50, 75, 90)


def counts(keys: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    """How many rows (where `mask`) fall on each key 0..n-1."""
    weights = None if mask is None else mask.astype(np.float64)
    return np.rint(np.bincount(keys, weights=weights, minlength=n)).astype(np.int64)


def sums(keys: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Sum of the non-NaN values per key."""
    weights = values.astype(np.float64)  # a copy
    weights[np.isnan(weights)] = 0
    return np.bincount(keys, weights=weights, minlength=n)


def means(keys: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Mean of the non-NaN values per key (NaN where a key has none)."""
    present = ~np.isnan(values)
    total = np.bincount(keys[present], weights=values[present], minlength=n)
    number = np.bincount(keys[present], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(number > 0, total / np.maximum(number, 1), np.nan)


def percentiles(keys: np.ndarray, n: int, values: np.ndarray, points: tuple[int, ...] = PERCENTILES) -> np.ndarray:
    """Exact percentiles per key (linear interpolation, as `np.percentile`); shape (n, len(points))."""
    present = ~np.isnan(values)
    k, v = _sorted_by_key(keys[present], values[present], n)
    number = np.bincount(k, minlength=n)
    start = np.searchsorted(k, np.arange(n))
    out = np.full((n, len(points)), np.nan)
    has = number > 0
    if not has.any():
        return out
    last = np.maximum(number - 1, 0)
    for j, p in enumerate(points):
        position = p / 100 * last
        low = np.floor(position).astype(np.int64)
        high = np.minimum(low + 1, last)
        lo_value = v[np.minimum(start + low, v.shape[0] - 1)]
        hi_value = v[np.minimum(start + high, v.shape[0] - 1)]
        out[:, j] = np.where(has, lo_value + (position - low) * (hi_value - lo_value), np.nan)
    return out


def _sorted_by_key(keys: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs sorted by key, then value. Values in whole cents (scores are) sort as one integer
    key × span + cents, several times faster than a two-key lexsort; other values go by lexsort."""
    cents = np.rint(values * 100)
    if values.shape[0] and np.array_equal(cents / 100, values):
        low = int(cents.min())
        span = int(cents.max()) - low + 1
        if n * span < 2**62:
            combined = keys.astype(np.int64) * span + (cents.astype(np.int64) - low)
            combined.sort()
            return combined // span, (combined % span + low) / 100
    order = np.lexsort((values, keys))
    return keys[order], values[order]


def subtree_percentiles(unit_index: np.ndarray, ancestors: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Exact percentiles of the values of each unit's subtree (itself included), rows given by their
    unit; `ancestors` as in `to_ancestors`. A unit's subtree is the rows whose ancestor at the unit's
    level is the unit, so one pass per level covers every unit, each row once per level."""
    n = ancestors.shape[0]
    out = np.full((n, len(PERCENTILES)), np.nan)
    for level in range(ancestors.shape[1]):
        key = ancestors[unit_index, level]
        kept = key >= 0
        found = percentiles(key[kept], n, values[kept])
        at_level = ~np.isnan(found[:, 0])  # the level's units that have values
        out[at_level] = found[at_level]
    return out


def histogram(keys: np.ndarray, n: int, values: np.ndarray, width: float, bins: int) -> np.ndarray:
    """Counts of values in bins [i·width, (i+1)·width) per key; the last bin includes its upper end."""
    present = ~np.isnan(values)
    slot = np.clip(np.floor(values[present] / width), 0, bins - 1).astype(np.int64)
    flat = np.bincount(keys[present] * bins + slot, minlength=n * bins)
    return flat.reshape(n, bins)


def first_of_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True on the first row of each distinct (a, b) pair of non-negative integers."""
    if not a.shape[0]:
        return np.zeros(0, dtype=bool)
    a, b = a.astype(np.int64), b.astype(np.int64)
    _, index = np.unique(a * (int(b.max()) + 1) + b, return_index=True)  # one int key: a 1-D sort, not rows
    first = np.zeros(a.shape[0], dtype=bool)
    first[index] = True
    return first


def add_by_key(values: np.ndarray, keys: np.ndarray, n: int) -> np.ndarray:
    """Rows of `values` (any trailing shape) added up per key 0..n-1."""
    total = np.zeros((n, *values.shape[1:]), dtype=values.dtype)
    np.add.at(total, keys, values)
    return total


def to_ancestors(per_unit: np.ndarray, ancestors: np.ndarray) -> np.ndarray:
    """Each unit's row of `per_unit` added to every unit on its path (itself included): subtree totals.
    `ancestors` is (units × depth) with the unit index of each level on the unit's path, −1 past its depth."""
    total = np.zeros_like(per_unit)
    for level in range(ancestors.shape[1]):
        key = ancestors[:, level]
        np.add.at(total, key[key >= 0], per_unit[key >= 0])
    return total
