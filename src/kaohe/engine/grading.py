"""Grade proposal (等次建议): non-grade codes, gates, 优秀 quotas with deterministic ranking, grades.

DOMAIN.md "Grades" and cn-rules.md §1B, §1H. Non-grade codes take precedence over everything, in
the order 6A > 5B > 5C > 5A. Participants are the people without one; the quota of each (group,
post-level pool) is rounding(ratio × participants) plus any recorded raise. 优秀 candidates
(participants passing every gate with composite ≥ the 优秀 threshold, no veto) are ranked by
composite ↓, annual ↓, 好 quarters ↓, person id ↑ — one `np.lexsort` over the whole cohort, ranks
within pools from run boundaries. The top `quota` get 优秀; everyone else is graded by thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from kaohe.engine.codes import BoolArray, FloatArray, Gate, Grade, Int8Array, IntArray, NonGrade, TieBreak
from kaohe.engine.cohort import Cohort
from kaohe.engine.rounding import cents
from kaohe.engine.scheme import Quota, Scheme

if TYPE_CHECKING:
    from kaohe.engine.scoring import Scores

__all__ = ["Grading", "gates", "grade_cohort", "non_grade_codes", "quota_for"]

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


def grade_cohort(scheme: Scheme, cohort: Cohort, scores: Scores) -> Grading:
    """Propose a grade for everyone (DOMAIN.md "Grades")."""
    non_grade = non_grade_codes(scheme, cohort)
    applied, failed = gates(scheme, cohort, scores)
    participant = non_grade == NonGrade.NONE
    composite_cents = np.nan_to_num(cents(scores.composite), nan=MISSING_CENTS)
    scored = ~np.isnan(scores.composite)
    candidate = participant & ~scores.veto_triggered & ~failed.any(axis=1) & scored
    candidate &= composite_cents >= _threshold_cents(scheme.thresholds.excellent)
    keys = (composite_cents, np.nan_to_num(cents(scores.annual), nan=MISSING_CENTS), scores.good_quarters)
    ranking = _rank(scheme, cohort, participant, candidate, keys)
    excellent = candidate & (ranking["rank"] <= ranking["pool_quota"])
    conditions = [
        ~participant,
        scores.veto_triggered,
        excellent,
        ~scored,
        composite_cents >= _threshold_cents(scheme.thresholds.competent),
        composite_cents >= _threshold_cents(scheme.thresholds.basic),
    ]
    choices = [Grade.NONE, Grade.INCOMPETENT, Grade.EXCELLENT, Grade.NONE, Grade.COMPETENT, Grade.BASIC]
    grade = np.select(conditions, [int(c) for c in choices], default=int(Grade.INCOMPETENT)).astype(np.int8)
    return Grading(
        non_grade=non_grade,
        gate_applied=applied,
        gate_failed=failed,
        participant=participant,
        candidate=candidate,
        rank=ranking["rank"],
        pool_participants=ranking["pool_participants"],
        pool_candidates=ranking["pool_candidates"],
        pool_quota=ranking["pool_quota"],
        tie_break=ranking["tie_break"].astype(np.int8),
        tie_break_previous=ranking["tie_break_previous"].astype(np.int8),
        grade=grade,
    )


def _threshold_cents(threshold: Decimal) -> float:
    """composite ≥ t ⇔ cents ≥ ⌈100·t⌉ (exact for any decimal threshold)."""
    return float(math.ceil(threshold * 100))


def non_grade_codes(scheme: Scheme, cohort: Cohort) -> Int8Array:
    """ZB18 non-grade code per person (cn-rules.md §1H), precedence 6A > 5B > 5C > 5A.

    6A: leave_days > leave_share_limit × working_days (compared exactly in integers).
    """
    numerator, denominator = scheme.leave_share_limit.as_integer_ratio()
    leave = cohort.leave_days.astype(np.int64) * denominator > numerator * cohort.working_days
    conditions = [leave, cohort.under_investigation, cohort.demerit_or_heavier_active, cohort.on_probation]
    codes = [NonGrade.LEAVE, NonGrade.INVESTIGATION, NonGrade.SANCTION, NonGrade.PROBATION]
    return np.select(conditions, [int(c) for c in codes], default=int(NonGrade.NONE)).astype(np.int8)


def gates(scheme: Scheme, cohort: Cohort, scores: Scores) -> tuple[BoolArray, BoolArray]:
    """Which 优秀 gates apply and which fail, n×5 in `Gate` order (DOMAIN.md "Grades").

    The satisfaction gate applies only when satisfaction was measured (not NaN) and is compared at
    2 dp: fails when satisfaction < min_satisfaction.
    """
    n, settings = cohort.size, scheme.gates
    applied = np.zeros((n, len(Gate)), dtype=bool)
    failed = np.zeros((n, len(Gate)), dtype=bool)
    for gate, switched_on, blocks in (
        (Gate.WARNING, settings.block_warning, cohort.warning_this_year),
        (Gate.ACCOUNTABILITY, settings.block_accountability, cohort.accountability_this_year),
        (Gate.NO_GOOD_QUARTER, settings.require_good_quarter, scores.good_quarters == 0),
        (Gate.POOR_QUARTER, settings.block_poor_quarter, scores.poor_quarter),
    ):
        applied[:, gate] = switched_on
        failed[:, gate] = switched_on & blocks
    if settings.min_satisfaction is not None:
        satisfaction = cents(cohort.satisfaction.astype(np.float64))
        applied[:, Gate.LOW_SATISFACTION] = ~np.isnan(satisfaction)
        with np.errstate(invalid="ignore"):
            low = satisfaction < _threshold_cents(settings.min_satisfaction)
        failed[:, Gate.LOW_SATISFACTION] = applied[:, Gate.LOW_SATISFACTION] & low
    return applied, failed


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


def _rank(
    scheme: Scheme,
    cohort: Cohort,
    participant: BoolArray,
    candidate: BoolArray,
    keys: tuple[FloatArray, FloatArray, IntArray],
) -> dict[str, IntArray]:
    """Rank candidates within (group, pool) by one lexsort; per-pool counts and quotas from run boundaries."""
    composite, annual, good = keys
    pools = cohort.pool_ids if scheme.quota.per_post_level_pool else np.zeros_like(cohort.pool_ids)
    order = np.lexsort((cohort.person_ids, -good, -annual, -composite, ~candidate, pools, cohort.group_ids))
    groups_s, pools_s, candidate_s = cohort.group_ids[order], pools[order], candidate[order]
    n = cohort.size
    starts = np.ones(n, dtype=bool)
    starts[1:] = (groups_s[1:] != groups_s[:-1]) | (pools_s[1:] != pools_s[:-1])
    run = np.cumsum(starts) - 1
    start_positions = np.flatnonzero(starts)
    rank_s = np.where(candidate_s, np.arange(n) - start_positions[run] + 1, 0)
    run_participants = np.bincount(run, weights=participant[order], minlength=len(start_positions)).astype(np.int64)
    run_candidates = np.bincount(run, weights=candidate_s, minlength=len(start_positions)).astype(np.int64)
    run_quota = quota_for(scheme.quota, run_participants)
    run_quota += _raises(scheme, cohort, groups_s[start_positions], pools_s[start_positions])
    sorted_keys = (composite[order], annual[order], good[order], cohort.person_ids[order])
    next_key = _tie_break_next(sorted_keys, candidate_s, run)
    previous_key = np.concatenate([[int(TieBreak.NONE)], next_key[:-1]]) if n else next_key
    out = {
        "rank": rank_s,
        "pool_participants": run_participants[run],
        "pool_candidates": run_candidates[run],
        "pool_quota": run_quota[run],
        "tie_break": next_key,
        "tie_break_previous": previous_key,
    }
    return {name: _unsort(values.astype(np.int64), order) for name, values in out.items()}


def _raises(scheme: Scheme, cohort: Cohort, run_groups: IntArray, run_pools: IntArray) -> IntArray:
    """Approved extra places per run; with pools off, a group's raises are summed into its one pool."""
    index = {key: i for i, key in enumerate(zip(run_groups.tolist(), run_pools.tolist(), strict=True))}
    extra = np.zeros(len(index), dtype=np.int64)
    for (group, pool), places in cohort.quota_raises.items():
        key = (group, pool if scheme.quota.per_post_level_pool else 0)
        if key in index:
            extra[index[key]] += places
    return extra


def _tie_break_next(
    sorted_keys: tuple[FloatArray, FloatArray, IntArray, IntArray], candidate: BoolArray, run: IntArray
) -> IntArray:
    """For each sorted candidate, the first key that differs from the next candidate in its pool."""
    n = candidate.shape[0]
    result = np.full(n, int(TieBreak.NONE), dtype=np.int64)
    if n < 2:
        return result
    has_next = candidate[:-1] & candidate[1:] & (run[:-1] == run[1:])
    differs = [key[:-1] != key[1:] for key in sorted_keys]
    keys = [TieBreak.COMPOSITE, TieBreak.ANNUAL, TieBreak.GOOD_QUARTERS, TieBreak.PERSON_ID]
    first = np.select(differs, [int(k) for k in keys], default=int(TieBreak.PERSON_ID))
    result[:-1] = np.where(has_next, first, int(TieBreak.NONE))
    return result


def _unsort(values: IntArray, order: IntArray) -> IntArray:
    out = np.empty_like(values)
    out[order] = values
    return out
