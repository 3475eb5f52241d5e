"""Grade proposal (等次建议): non-grade codes, gates, 优秀 quotas with deterministic ranking, grades.

DOMAIN.md "Grades" and cn-rules.md §1B, §1H. Non-grade codes take precedence over everything, in
the order 6A > 5B > 5C > 5A. Participants are the people without one; the quota of each (group,
post-level pool) is rounding(ratio × participants) plus any recorded raise. 优秀 candidates
(participants passing every gate with composite ≥ the 优秀 threshold, no veto) are ranked by
composite ↓, annual ↓, 好 quarters ↓, person id ↑ within their pool. The top `quota` get 优秀;
everyone else is graded by thresholds.

Fast path: per-person codes, gates and candidates are computed in row blocks (`blocks.py`); pools
get a dense integer key, so pool sizes are one `np.bincount`; only candidates are sorted, by one
`np.sort` of packed 64-bit keys per stage (`np.lexsort` when the keys do not fit), and ranks come
from the run boundaries of the sorted pools.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from kaohe.engine import blocks
from kaohe.engine.arena import Layout, carve
from kaohe.engine.blocks import for_each_block, for_each_part
from kaohe.engine.codes import BoolArray, FloatArray, Gate, Grade, Int8Array, IntArray, NonGrade, TieBreak
from kaohe.engine.cohort import Cohort
from kaohe.engine.rounding import cents
from kaohe.engine.scheme import Quota, Scheme

if TYPE_CHECKING:
    from kaohe.engine.scoring import Scores

__all__ = ["Grading", "gates", "grade_cohort", "grading_layout", "non_grade_codes", "quota_for"]

MISSING_CENTS = -100.0  # a missing score ranks below every real one


@dataclass(frozen=True)
class Grading:
    """Grades and everything that produced them, as arrays aligned with the cohort."""

    non_grade: Int8Array  # n: NonGrade code (0 none, 1 5A, 2 5B, 3 5C, 4 6A)
    gate_applied: BoolArray  # n×5 in Gate order: the gate is switched on and measurable
    gate_failed: BoolArray  # n×5: the gate blocks 优秀
    participant: BoolArray  # n: counted in the quota denominator (no non-grade code)
    candidate: BoolArray  # n: 优秀 candidate
    rank: IntArray  # n: rank among the pool's candidates (1 = best), 0 for non-candidates
    pool_participants: IntArray  # n: participants in the person's (group, pool)
    pool_candidates: IntArray  # n: candidates in the person's (group, pool)
    pool_quota: IntArray  # n: 优秀 places in the person's (group, pool), raise included
    tie_break: Int8Array  # n: TieBreak key separating a candidate from the next-ranked one (−1 none)
    tie_break_previous: Int8Array  # n: … from the previous-ranked one (−1 none)
    grade: Int8Array  # n: Grade (0 none, 1 优秀, 2 称职, 3 基本称职, 4 不称职)


def grade_cohort(scheme: Scheme, cohort: Cohort, scores: Scores, out: Grading | None = None) -> Grading:
    """Propose a grade for everyone (DOMAIN.md "Grades"); fills `out` (shaped as `grading_layout`) when given."""
    n = cohort.size
    grading = out if out is not None else Grading(**carve(grading_layout(n))[0])
    for_each_block(n, partial(_grade_block, scheme, cohort, scores, grading))
    pools = _Pools.of(scheme, cohort)
    participants = np.bincount(pools.key[grading.participant], minlength=pools.count)
    candidates = np.bincount(pools.key[grading.candidate], minlength=pools.count)
    quota = _group_quotas(scheme, cohort, pools, participants) + _raises(scheme, cohort.quota_raises, pools)
    for_each_block(n, partial(_pool_sizes_block, pools.key, (participants, candidates, quota), grading))
    _rank_candidates(cohort, scores, grading, pools.key, quota)
    return grading


#: dtypes of the array aliases that annotate `Grading`.
_DTYPES = {"BoolArray": np.bool_, "IntArray": np.int64, "Int8Array": np.int8}


def grading_layout(n: int) -> Layout:
    """Shapes and dtypes of the `Grading` arrays for n people (the gate arrays have one column per gate)."""
    return {
        f.name: ((n, len(Gate)) if f.name.startswith("gate") else (n,), _DTYPES[str(f.type)]) for f in fields(Grading)
    }


def _grade_block(scheme: Scheme, cohort: Cohort, scores: Scores, out: Grading, rows: slice) -> None:
    """Non-grade codes, gates, candidates and the threshold grades (优秀 comes later) of one block;
    ranks 0 and tie-breaks NONE until the ranking fills in the candidates."""
    out.rank[rows] = 0
    out.tie_break[rows] = TieBreak.NONE
    out.tie_break_previous[rows] = TieBreak.NONE
    participant = np.equal(non_grade_codes(scheme, cohort, rows, out=out.non_grade[rows]), 0, out=out.participant[rows])
    blocked = _gates_into(scheme, cohort, scores, rows, out.gate_applied[rows], out.gate_failed[rows])
    composite = cents(scores.composite[rows])
    veto = scores.veto_triggered[rows]
    thresholds = scheme.thresholds
    with np.errstate(invalid="ignore"):
        candidate = np.greater_equal(composite, _threshold_cents(thresholds.excellent), out=out.candidate[rows])
        candidate &= participant
        candidate &= ~veto
        candidate &= ~blocked
        grade = out.grade[rows]
        grade[...] = Grade.INCOMPETENT
        grade -= composite >= _threshold_cents(thresholds.basic)  # 基本称职
        grade -= composite >= _threshold_cents(thresholds.competent)  # 称职
    np.putmask(grade, np.isnan(composite), Grade.NONE)
    np.putmask(grade, veto, Grade.INCOMPETENT)
    np.putmask(grade, ~participant, Grade.NONE)


def _threshold_cents(threshold: Decimal) -> float:
    """composite ≥ t ⇔ cents ≥ ⌈100·t⌉ (exact for any decimal threshold)."""
    return float(math.ceil(threshold * 100))


def non_grade_codes(
    scheme: Scheme, cohort: Cohort, rows: slice = slice(None), out: Int8Array | None = None
) -> Int8Array:
    """ZB18 non-grade code per person (cn-rules.md §1H), precedence 6A > 5B > 5C > 5A.

    6A: leave_days > leave_share_limit × working_days (compared exactly in integers).
    """
    numerator, denominator = scheme.leave_share_limit.as_integer_ratio()
    leave = np.multiply(cohort.leave_days[rows], denominator, dtype=np.int64) > numerator * cohort.working_days
    codes = np.zeros(leave.shape, dtype=np.int8) if out is None else out
    codes[...] = NonGrade.NONE
    for flag, code in (
        (cohort.on_probation[rows], NonGrade.PROBATION),
        (cohort.demerit_or_heavier_active[rows], NonGrade.SANCTION),
        (cohort.under_investigation[rows], NonGrade.INVESTIGATION),
        (leave, NonGrade.LEAVE),
    ):  # lowest precedence first: each later code overrides
        np.putmask(codes, flag, code)
    return codes


def gates(scheme: Scheme, cohort: Cohort, scores: Scores) -> tuple[BoolArray, BoolArray]:
    """Which 优秀 gates apply and which fail, n×5 in `Gate` order (DOMAIN.md "Grades").

    The satisfaction gate applies only when satisfaction was measured (not NaN) and is compared at
    2 dp: fails when satisfaction < min_satisfaction.
    """
    applied = np.empty((cohort.size, len(Gate)), dtype=bool)
    failed = np.empty((cohort.size, len(Gate)), dtype=bool)
    _gates_into(scheme, cohort, scores, slice(None), applied, failed)
    return applied, failed


def _gates_into(
    scheme: Scheme, cohort: Cohort, scores: Scores, rows: slice, applied: BoolArray, failed: BoolArray
) -> BoolArray:
    """Fill one block of `gates` (see there); return where any gate failed."""
    settings = scheme.gates
    blocked = np.zeros(applied.shape[0], dtype=bool)
    for gate, switched_on, blocking in (
        (Gate.WARNING, settings.block_warning, cohort.warning_this_year[rows]),
        (Gate.ACCOUNTABILITY, settings.block_accountability, cohort.accountability_this_year[rows]),
        (Gate.NO_GOOD_QUARTER, settings.require_good_quarter, scores.good_quarters[rows] == 0),
        (Gate.POOR_QUARTER, settings.block_poor_quarter, scores.poor_quarter[rows]),
    ):
        applied[:, gate] = switched_on
        failed[:, gate] = blocking if switched_on else False
        if switched_on:
            blocked |= blocking
    for gate, blocking in ((Gate.UNIT_HEAD, cohort.unit_head_gate[rows]),
                         (Gate.PARTY_SECRETARY, cohort.party_secretary_gate[rows])):
        applied[:, gate] = True
        failed[:, gate] = blocking
        blocked |= blocking
    applied[:, Gate.LOW_SATISFACTION] = False
    failed[:, Gate.LOW_SATISFACTION] = False
    if settings.min_satisfaction is not None:
        satisfaction = cents(cohort.satisfaction[rows])
        measured = ~np.isnan(satisfaction)
        with np.errstate(invalid="ignore"):
            low = measured & (satisfaction < _threshold_cents(settings.min_satisfaction))
        applied[:, Gate.LOW_SATISFACTION] = measured
        failed[:, Gate.LOW_SATISFACTION] = low
        blocked |= low
    return blocked


def quota_for(quota: Quota, participants: IntArray) -> IntArray:
    """优秀 places for each pool size: rounding(ratio × participants), exact in integers (cn-rules.md §1B).

    "round" is half-up.
    """
    numerator, denominator = quota.ratio.as_integer_ratio()
    product = participants.astype(np.int64) * numerator
    if quota.rounding == "floor":
        return product // denominator
    if quota.rounding == "ceil":
        return -((-product) // denominator)
    return (2 * product + denominator) // (2 * denominator)


#: Pool keys stay dense (group × pool ranges as is) while they need at most this many slots per person.
DENSE_POOL_SLOTS_PER_PERSON = 4


@dataclass(frozen=True)
class _Pools:
    """A dense integer key (0..count−1) per person for their quota pool: (group, post-level pool), or
    the group alone when pools are off.

    Keys come from arithmetic on the id ranges when those are compact, else from `np.unique`.
    """

    key: IntArray
    count: int
    slots: Mapping[tuple[int, int], int]  # sparse keys: (group, pool) → key; empty when arithmetic
    low: tuple[int, int]  # arithmetic keys: (group − low group) × pool span + (pool − low pool)
    pool_span: int

    @classmethod
    def of(cls, scheme: Scheme, cohort: Cohort) -> _Pools:
        """Key everyone's pool."""
        n, groups = cohort.size, cohort.group_ids
        pools = cohort.pool_ids if scheme.quota.per_post_level_pool else None
        if n == 0:
            return cls(np.zeros(0, dtype=np.int64), 0, {}, (0, 0), 1)
        low = (int(groups.min()), 0 if pools is None else int(pools.min()))
        high = (int(groups.max()), 0 if pools is None else int(pools.max()))
        span = high[1] - low[1] + 1
        count = (high[0] - low[0] + 1) * span
        if count > DENSE_POOL_SLOTS_PER_PERSON * n + 65536:
            return cls._sparse(groups, np.zeros_like(groups) if pools is None else pools, low, high, span)
        key = np.empty(n, dtype=np.int64)
        for_each_block(n, partial(_arithmetic_key, groups, pools, low, span, key))
        return cls(key, count, {}, low, span)

    @classmethod
    def _sparse(cls, groups: IntArray, pools: IntArray, low: tuple[int, int], high: tuple[int, int],
                span: int) -> _Pools:
        """Keys by `np.unique` of one integer per (group, pool) (a 0.78 M cohort: 0.05 s; of the pairs
        as rows, 1.1 s), or of the pairs when that integer could overflow."""
        if max(abs(low[0]), abs(high[0])) < 2**62 // span:
            unique, key = np.unique(groups * span + (pools - low[1]), return_inverse=True)
            pairs = np.stack([unique // span, unique % span + low[1]], axis=1)
        else:
            pairs, key = np.unique(np.stack([groups, pools], axis=1), axis=0, return_inverse=True)
        slots = {(int(g), int(p)): i for i, (g, p) in enumerate(pairs.tolist())}
        return cls(key.reshape(-1).astype(np.int64), len(slots), slots, (0, 0), 1)

    def group_slots(self, group: int) -> IntArray:
        """The keys of every pool of a group (empty when nobody could be in it)."""
        if self.slots:
            return np.array([key for (g, _pool), key in self.slots.items() if g == group], dtype=np.int64)
        first = (group - self.low[0]) * self.pool_span
        if not 0 <= first < self.count:
            return np.zeros(0, dtype=np.int64)
        return np.arange(first, first + self.pool_span, dtype=np.int64)

    def slot(self, group: int, pool: int) -> int | None:
        """The key of a (group, pool), or None when nobody could be in it."""
        if self.slots:
            return self.slots.get((group, pool))
        offset_group, offset_pool = group - self.low[0], pool - self.low[1]
        if 0 <= offset_pool < self.pool_span and 0 <= offset_group * self.pool_span + offset_pool < self.count:
            return offset_group * self.pool_span + offset_pool
        return None


def _arithmetic_key(
    groups: IntArray, pools: IntArray | None, low: tuple[int, int], span: int, key: IntArray, rows: slice
) -> None:
    """One block of `_Pools` arithmetic keys (`pools` None: pools are off)."""
    block = key[rows]
    np.subtract(groups[rows], low[0], out=block, dtype=np.int64)
    if pools is not None:
        block *= span
        block += pools[rows]
        block -= low[1]


def _group_quotas(scheme: Scheme, cohort: Cohort, pools: _Pools, participants: IntArray) -> IntArray:
    """Each pool's places at the scheme's ratio, or at its group's own ratio where the cohort sets one."""
    quota = quota_for(scheme.quota, participants)
    for group, ratio in cohort.group_quota_ratios.items():
        slots = pools.group_slots(group)
        quota[slots] = quota_for(replace(scheme.quota, ratio=ratio), participants[slots])
    return quota


def _raises(scheme: Scheme, raises: Mapping[tuple[int, int], int], pools: _Pools) -> IntArray:
    """Approved extra places per pool key; with pools off, a group's raises are summed into its one pool.

    A raise for a pool nobody is in is ignored (its key is never read).
    """
    extra = np.zeros(pools.count, dtype=np.int64)
    for (group, pool), places in raises.items():
        slot = pools.slot(group, pool if scheme.quota.per_post_level_pool else 0)
        if slot is not None:
            extra[slot] += places
    return extra


def _pool_sizes_block(key: IntArray, per_pool: tuple[IntArray, IntArray, IntArray], out: Grading, rows: slice) -> None:
    """Each person's pool participants, candidates and quota, for one block."""
    participants, candidates, quota = per_pool
    pool = key[rows]
    np.take(participants, pool, out=out.pool_participants[rows])
    np.take(candidates, pool, out=out.pool_candidates[rows])
    np.take(quota, pool, out=out.pool_quota[rows])


def _rank_candidates(cohort: Cohort, scores: Scores, out: Grading, key: IntArray, quota: IntArray) -> None:
    """Rank the candidates within their pools; the top `quota` of each get 优秀 (DOMAIN.md "Grades").

    Pools are ranked apart, so with worker threads the candidates are split by pool into a part per thread.
    """
    person = np.flatnonzero(out.candidate)
    parts = blocks.WORKERS if person.shape[0] > blocks.WORKERS * blocks.BLOCK_ROWS else 1
    for_each_part(_pool_parts(person, key[person], parts), partial(_rank_part, cohort, scores, out, key, quota))


def _pool_parts(person: IntArray, pool: IntArray, parts: int) -> list[IntArray]:
    """`person` in at most `parts` parts of similar size, cut at pool key quantiles (no pool in two parts)."""
    if parts == 1:
        return [person]
    at = [person.shape[0] * i // parts for i in range(1, parts)]
    cuts = np.unique(np.partition(pool, at)[at])
    part = np.searchsorted(cuts, pool, side="right")
    return [person[part == i] for i in range(cuts.shape[0] + 1)]


def _rank_part(cohort: Cohort, scores: Scores, out: Grading, key: IntArray, quota: IntArray, person: IntArray) -> None:
    """Rank some candidates: every candidate of their pools."""
    if not person.size:
        return
    composite, annual = cents(scores.composite[person]), cents(scores.annual[person])
    np.putmask(annual, np.isnan(annual), MISSING_CENTS)
    good = scores.good_quarters[person]
    order = _ranking_order(key[person], composite, annual, good, cohort.person_ids[person])
    person = person[order]
    pool = key[person]
    first = np.ones(person.shape[0], dtype=bool)
    first[1:] = pool[1:] != pool[:-1]
    positions = np.arange(person.shape[0])
    rank = positions - np.maximum.accumulate(np.where(first, positions, 0)) + 1
    next_key = _tie_break_next((composite[order], annual[order], good[order]), ~first[1:])
    out.rank[person] = rank
    out.tie_break[person] = next_key
    out.tie_break_previous[person[1:]] = next_key[:-1]
    out.grade[person[rank <= quota[pool]]] = Grade.EXCELLENT


def _ranking_order(
    pool: IntArray, composite: FloatArray, annual: FloatArray, good: IntArray, person_ids: IntArray
) -> IntArray:
    """Candidate positions sorted by pool ↑, composite ↓, annual ↓, 好 quarters ↓, person id ↑.

    `np.sort` of packed 64-bit keys, far faster than a lexsort: one sort of (pool, composite, annual,
    好 quarters, rank of the person id) when those fit in 63 bits. Else two: the first orders by (pool,
    person id) and so numbers each candidate within its pool; the second orders by (pool, composite,
    annual, 好 quarters, that number). `np.lexsort` when even those do not fit.
    """
    m = pool.shape[0]
    by_id = None if m < 2 or bool((person_ids[1:] > person_ids[:-1]).all()) else np.argsort(person_ids)
    id_rank = np.arange(m, dtype=np.int64)
    if by_id is not None:
        id_rank[by_id] = np.arange(m, dtype=np.int64)
    fields = [pool - pool.min(), *(_descending(column) for column in (composite, annual, good)), id_rank]
    found = _packed(fields)
    if found is not None:
        packed, widths = found
        packed.sort()
        ranks: IntArray = packed & ((1 << widths[-1]) - 1)
        return ranks if by_id is None else by_id[ranks]
    id_bits = _bits(m - 1)
    if _bits(int(pool.max())) + id_bits <= 63:
        grouped = np.sort((pool << id_bits) | id_rank)
        grouped_pool = grouped >> id_bits
        positions = grouped & ((1 << id_bits) - 1)
        if by_id is not None:
            positions = by_id[positions]
        order = _order_within_pools(grouped_pool, composite[positions], annual[positions], good[positions])
        if order is not None:
            return positions[order]
    return np.lexsort((person_ids, -good, -annual, -composite, pool))


def _order_within_pools(pool: IntArray, composite: FloatArray, annual: FloatArray, good: IntArray) -> IntArray | None:
    """The stable order by (pool, composite ↓, annual ↓, 好 quarters ↓) of rows already grouped by pool
    (ascending) — one sort of packed keys; None when they do not fit in 63 bits."""
    first = np.ones(pool.shape[0], dtype=bool)
    first[1:] = pool[1:] != pool[:-1]
    run = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    within = np.arange(pool.shape[0]) - starts[run]
    fields = [run, *(_descending(column) for column in (composite, annual, good)), within]
    found = _packed(fields)
    if found is None:
        return None
    packed, widths = found
    packed.sort()
    order: IntArray = starts[packed >> sum(widths[1:])] + (packed & ((1 << widths[-1]) - 1))
    return order


def _packed(fields: list[IntArray | None]) -> tuple[IntArray, list[int]] | None:
    """Non-negative integer fields packed into one int64 key each, the first field the most significant,
    and each field's width in bits; None when a field is missing (not small whole numbers) or they need
    more than 63 bits."""
    if any(field is None for field in fields):
        return None
    present = [field for field in fields if field is not None]
    widths = [_bits(int(field.max())) for field in present]
    if sum(widths) > 63:
        return None
    packed = np.zeros(present[0].shape[0], dtype=np.int64)
    for field, width in zip(present, widths, strict=True):
        packed <<= width
        packed |= field
    return packed, widths


def _descending(column: FloatArray | IntArray) -> IntArray | None:
    """max − value as int64 (so ascending order is descending value); None if not small whole numbers."""
    high, low = column.max(), column.min()
    if not (np.isfinite(high) and np.isfinite(low) and high - low < 2**40):
        return None
    descending: IntArray = (high - column).astype(np.int64)
    return descending


def _bits(value: int) -> int:
    """Bits needed for a non-negative integer."""
    return max(0, int(value)).bit_length()


def _tie_break_next(sorted_keys: tuple[FloatArray, FloatArray, IntArray], same_pool_next: BoolArray) -> Int8Array:
    """For each sorted candidate, the first key (composite, annual, 好 quarters; else the person id,
    as ids are unique) that differs from the next candidate in its pool; NONE for a pool's last."""
    result = np.full(same_pool_next.shape[0] + 1, int(TieBreak.NONE), dtype=np.int8)
    following = result[:-1]
    following[...] = TieBreak.PERSON_ID
    codes = (TieBreak.COMPOSITE, TieBreak.ANNUAL, TieBreak.GOOD_QUARTERS)
    for key, code in reversed(list(zip(sorted_keys, codes, strict=True))):  # the earliest differing key wins
        np.putmask(following, key[:-1] != key[1:], code)
    np.putmask(following, ~same_pool_next, TieBreak.NONE)
    return result
