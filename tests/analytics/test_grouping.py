"""Group statistics: exact percentiles per key and per subtree, whatever path the sort takes."""

import numpy as np
import pytest

from kaohe.analytics import grouping


def _expected(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    rows = []
    for key in range(n):
        mine = values[(keys == key) & ~np.isnan(values)]
        rows.append(np.percentile(mine, grouping.PERCENTILES) if mine.size else [np.nan] * 5)
    return np.array(rows)


@pytest.mark.parametrize("cents", [True, False], ids=["scores in cents", "any floats"])
def test_percentiles_per_key_equal_numpys_of_each_keys_values(cents):
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 6, 500)
    values = rng.uniform(-20, 120, 500)
    values = np.round(values, 2) if cents else values
    values[::17] = np.nan  # missing composites are left out

    found = grouping.percentiles(keys, 7, values)  # key 6 has no rows

    np.testing.assert_allclose(found, _expected(keys, values, 7), rtol=1e-12)  # interpolation order aside


def test_subtree_percentiles_take_every_row_under_a_unit():
    # 0 is the root; 1 and 2 its children; 3 under 1
    ancestors = np.array([[0, -1, -1], [0, 1, -1], [0, 2, -1], [0, 1, 3]])
    unit_of_row = np.array([0, 1, 1, 2, 3, 3, 3, 2])
    values = np.array([50.0, 61.5, 70.25, 88.0, 90.0, 91.5, np.nan, 75.75])

    found = grouping.subtree_percentiles(unit_of_row, ancestors, values)

    subtree = {0: [0, 1, 2, 3], 1: [1, 3], 2: [2], 3: [3]}
    for unit, members in subtree.items():
        mine = values[np.isin(unit_of_row, members) & ~np.isnan(values)]
        np.testing.assert_array_equal(found[unit], np.percentile(mine, grouping.PERCENTILES))
