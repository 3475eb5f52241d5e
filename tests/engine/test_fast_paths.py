"""The fast path's shortcuts agree with the plain way: blocks and threads, pool keys, ranking, lookups, arena.

`test_properties.py` holds the engine equal to the reference on small cohorts, which fit in one
block, use compact pool keys and the packed-key sort. These tests force the other branches: many
tiny blocks on worker threads, sparse (huge) group ids, the lexsort fallback, and edge values.
"""

import dataclasses
from contextlib import contextmanager
from decimal import Decimal as D

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.engine import blocks
from kaohe.engine.arena import ALIGN, carve
from kaohe.engine.grading import _pool_parts, _ranking_order
from kaohe.engine.reference import reference_cohort
from kaohe.engine.rules import Band, Bands, Rubric, group_cents
from kaohe.engine.scoring import CohortResult, score_cohort
from tests.engine.builders import cohort, scheme
from tests.engine.compare import differences, fast_rows, reference_rows
from tests.engine.strategies import cohorts, schemes

FAST_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def tiny_blocks(rows=3, workers=2):
    """Blocks of a few rows on worker threads, so even a small cohort crosses many block boundaries."""
    saved = blocks.BLOCK_ROWS, blocks.KERNEL_BLOCK_ROWS, blocks.WORKERS
    blocks.BLOCK_ROWS, blocks.KERNEL_BLOCK_ROWS, blocks.WORKERS = rows, rows, workers
    try:
        yield
    finally:
        blocks.BLOCK_ROWS, blocks.KERNEL_BLOCK_ROWS, blocks.WORKERS = saved


@st.composite
def scheme_and_cohort(draw):
    s = draw(schemes())
    return s, draw(cohorts(s))


def agree_with_reference(s, c):
    result = score_cohort(s, c)
    assert isinstance(result, CohortResult), result
    assert differences(fast_rows(result), reference_rows(reference_cohort(s, c))) == []
    return result


@FAST_SETTINGS
@given(scheme_and_cohort())
def test_many_small_blocks_on_threads_give_the_reference_results(case):
    s, c = case
    with tiny_blocks():
        agree_with_reference(s, c)


@pytest.mark.parametrize("far_id", [lambda group: group * 7_919_000_003, lambda group: group * 2**61],
                         ids=["one integer key per pool", "too far for one integer: pairs"])
@FAST_SETTINGS
@given(case=scheme_and_cohort())
def test_sparse_group_ids_give_the_reference_results(far_id, case):
    s, c = case
    far = dataclasses.replace(
        c,
        group_ids=far_id(c.group_ids),
        quota_raises={(far_id(group), pool): places for (group, pool), places in c.quota_raises.items()},
    )
    agree_with_reference(s, far)


def test_results_do_not_depend_on_the_block_size():
    s = scheme("plan")
    rng = np.random.default_rng(3)
    n = 500
    c = cohort(
        s,
        n,
        values=rng.integers(5000, 10001, size=(n, 5)) / 100,
        group_ids=rng.integers(1, 6, size=n),
        pool_ids=rng.integers(0, 2, size=n),
        quarter_grades=rng.integers(0, 5, size=(n, 4)),
        special_scores=np.where(rng.random(n) < 0.5, np.nan, rng.integers(6000, 10001, size=n) / 100),
    )
    whole = score_cohort(s, c)
    with tiny_blocks(rows=17):
        pieces = score_cohort(s, c)
    assert fast_rows(whole) == fast_rows(pieces)


def _lexsort(pool, composite, annual, good, ids):
    return np.lexsort((ids, -good, -annual, -composite, pool))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.integers(0, 2**32 - 1), st.sampled_from([1, 3, 10**6, 2**45]), st.booleans(),
       st.sampled_from([1, 2**30]))
def test_the_packed_ranking_sort_equals_a_lexsort(m, seed, spread, sorted_ids, pool_gap):
    """One packed sort; two when far-apart pool keys leave too few bits (pool_gap); lexsort past that."""
    rng = np.random.default_rng(seed)
    pool = rng.integers(0, 4, size=m).astype(np.int64) * pool_gap
    composite = rng.integers(8500, 8500 + min(spread, 50), size=m).astype(np.float64) * (1 + (spread > 2**40))
    annual = rng.choice([-100.0, 0.0, 9000.0, float(spread)], size=m)
    good = rng.integers(0, 5, size=m).astype(np.int64)
    ids = np.arange(1, m + 1, dtype=np.int64) * 3 if sorted_ids else rng.permutation(m * 3)[:m].astype(np.int64)
    assert (
        _ranking_order(pool, composite, annual, good, ids).tolist()
        == _lexsort(pool, composite, annual, good, ids).tolist()
    )


def test_rubric_levels_are_whole_indexes_in_range_whatever_the_float():
    rubric = Rubric(("好", "较好", "一般", "较差"), (D(100), D("85.5"), D(70), D(50)))
    odd = [np.nan, np.inf, -np.inf, 1e300, -1e300, -1.0, -0.0, 0.5, 3.0000000001, 4.0, 8.0, 2**53, 0.0, 1.0, 3.0]
    values = np.array(odd)
    expected = [rubric.score_one(D(repr(v))) if np.isfinite(v) else None for v in odd]
    got = group_cents((rubric, rubric), np.stack([values, values]))
    for row in got:
        assert [None if np.isnan(c) else D(int(c)) / 100 for c in row] == expected


def test_bands_count_the_lower_bounds_a_value_reaches_clamped_into_the_range():
    bands = Bands(D(0), D(100), (Band(D(60), D(100), D(100)), Band(D(0), D(60), D(40))))
    values = np.array([np.nan, -5.0, 0.0, 59.99, 60.0, 100.0, 250.0])
    got = bands.cents(values)
    expected = [bands.score_one(D(repr(float(v)))) if not np.isnan(v) else None for v in values]
    assert [None if np.isnan(c) else D(int(c)) / 100 for c in got] == expected


@pytest.mark.parametrize("parts", [2, 3])
def test_candidates_split_for_threads_keep_each_pool_whole_and_everyone_once(parts):
    rng = np.random.default_rng(5)
    pool = np.sort(rng.integers(0, 40, size=3000)) if parts == 2 else rng.integers(0, 3, size=3000)
    person = np.arange(3000) * 7
    split = _pool_parts(person, pool, parts)
    assert 1 < len(split) <= parts
    assert sorted(np.concatenate(split).tolist()) == person.tolist()
    pools_of = [set(pool[np.isin(person, part)].tolist()) for part in split]
    assert all(not (a & b) for i, a in enumerate(pools_of) for b in pools_of[i + 1:])
    if parts == 2:  # many pools: halves of similar size
        assert max(map(len, split)) < 0.6 * person.shape[0]


def test_carved_arrays_are_separate_aligned_and_shaped():
    n = 1001
    first, second = carve(
        {"a": ((n, 3), np.float64), "b": ((n,), np.bool_)}, {"c": ((n,), np.int8), "d": ((n, 2), np.int64, "F")}
    )
    arrays = [first["a"], first["b"], second["c"], second["d"]]
    assert [a.shape for a in arrays] == [(n, 3), (n,), (n,), (n, 2)]
    assert first["a"].flags.c_contiguous
    assert second["d"].flags.f_contiguous
    assert all(a.ctypes.data % ALIGN == arrays[0].ctypes.data % ALIGN for a in arrays)
    for value, a in enumerate(arrays):
        a[...] = value
    assert [int(a.min()) for a in arrays] == [0, 1, 2, 3]
    assert [int(a.max()) for a in arrays] == [0, 1, 2, 3]


@pytest.mark.parametrize("ids", [[3, 1, 2, 3], [5, 5], [9, 2, 7, 2]])
def test_duplicate_person_ids_are_found_in_any_order(ids):
    s = scheme()
    c = cohort(s, len(ids), person_ids=ids)
    assert "person_ids_duplicate" in [p.code for p in c.validate_shapes(s)]
