"""Results use (结果运用): bonus factors, statutory consequences, and the weakest dimension.

DOMAIN.md "Results use"; 公务员考核规定 2020 第19–22条; 公务员法 第64、80、88、89条 (cn-rules.md §1G).
Computed from this year's proposed grade and the previous years' grades in `cohort.history`
(most recent first). Ungraded people (non-grade code, or no score) get no consequence and keep
their credits; their bonus factor is NaN (not decided by the engine). Computed in row blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import partial

import numpy as np

from kaohe.engine.arena import Layout, carve
from kaohe.engine.blocks import for_each_block
from kaohe.engine.codes import DIMENSIONS, GRADE_KEYS, BoolArray, FloatArray, Grade, Int8Array, IntArray
from kaohe.engine.cohort import Cohort
from kaohe.engine.rounding import cents, round4
from kaohe.engine.scheme import Scheme

__all__ = [
    "BASIC_PROMOTION_FREEZE_MONTHS",
    "EXCELLENT_RANK_WAIT_REDUCTION_MONTHS",
    "IMPROVEMENT_PLAN_MONTHS",
    "LEVEL_EVERY_YEARS",
    "PAY_STEP_EVERY_YEARS",
    "Consequences",
    "bonus_factors",
    "consequences",
    "consequences_layout",
    "lowest_weighted",
    "weakest_dimensions",
]

PAY_STEP_EVERY_YEARS = 2  # 累计两年称职以上 → 晋升一个工资档次 (第20条)
LEVEL_EVERY_YEARS = 5  # 累计五年称职以上 → 晋升一个级别 (第20条)
IMPROVEMENT_PLAN_MONTHS = 3  # 基本称职: 诫勉, 限期改进 (第21条; the 3-month plan is DOMAIN.md's)
BASIC_PROMOTION_FREEZE_MONTHS = 12  # 基本称职: 下一年内不得晋升职务职级 (第21条)
EXCELLENT_RANK_WAIT_REDUCTION_MONTHS = 6  # 优秀: 晋升上一职级任职年限缩短半年 (第19条)


@dataclass(frozen=True)
class Consequences:
    """Per-person consequence flags and counters, aligned with the cohort."""

    commendation: BoolArray  # 嘉奖 (优秀)
    merit_candidate: BoolArray  # 记三等功 candidate: 优秀 three years running, this one included
    qualifying_year: BoolArray  # 称职 or better: counts for steps, 级别 and time in rank
    pay_step: BoolArray  # one pay step (档次) now
    step_credit_after: IntArray  # qualifying years carried toward the next step
    level_up: BoolArray  # one 级别 now
    level_credit_after: IntArray  # qualifying years carried toward the next 级别
    admonition: BoolArray  # 基本称职: 诫勉 with written self-examination
    improvement_plan_months: IntArray  # 基本称职: 3-month improvement plan, else 0
    organisational_adjustment: BoolArray  # 基本称职 two years running
    demotion: BoolArray  # 不称职: down one level
    dismissal_review: BoolArray  # 不称职 two years running, not protected: a human review, never automatic
    dismissal_protected: BoolArray  # 不称职 two years running but protected by 公务员法 第89条
    promotion_freeze_months: IntArray  # max(active sanction period, 12 for 基本称职)
    rank_wait_reduction_months: IntArray  # 6 for 优秀


#: `Consequences` fields that are counts (int64); the others are flags.
COUNT_FIELDS = frozenset(
    {
        "step_credit_after",
        "level_credit_after",
        "improvement_plan_months",
        "promotion_freeze_months",
        "rank_wait_reduction_months",
    }
)


def consequences(cohort: Cohort, grade: Int8Array, out: Consequences | None = None) -> Consequences:
    """Statutory consequences of this year's grade and history (DOMAIN.md "Results use").

    Fills `out` (shaped as `consequences_layout`) when given.
    """
    n = cohort.size
    result = out if out is not None else Consequences(**carve(consequences_layout(n))[0])
    for_each_block(n, partial(_consequences_block, cohort, grade, result))
    return result


def consequences_layout(n: int) -> Layout:
    """Shapes and dtypes of the `Consequences` arrays for n people."""
    return {f.name: ((n,), np.int64 if f.name in COUNT_FIELDS else np.bool_) for f in fields(Consequences)}


def _consequences_block(cohort: Cohort, grade: Int8Array, out: Consequences, rows: slice) -> None:
    """One block of `consequences`."""
    grade = grade[rows]
    last, before_last = cohort.history[rows, 0], cohort.history[rows, 1]
    excellent, basic, incompetent = grade == Grade.EXCELLENT, grade == Grade.BASIC, grade == Grade.INCOMPETENT
    qualifying = excellent | (grade == Grade.COMPETENT)
    step_total = cohort.step_credit_years[rows] + qualifying.astype(np.int64)
    level_total = cohort.level_credit_years[rows] + qualifying.astype(np.int64)
    pay_step = qualifying & (step_total >= PAY_STEP_EVERY_YEARS)
    level_up = qualifying & (level_total >= LEVEL_EVERY_YEARS)
    two_incompetent = incompetent & (last == Grade.INCOMPETENT)
    values = {
        "commendation": excellent,
        "merit_candidate": excellent & (last == Grade.EXCELLENT) & (before_last == Grade.EXCELLENT),
        "qualifying_year": qualifying,
        "pay_step": pay_step,
        "step_credit_after": step_total - PAY_STEP_EVERY_YEARS * pay_step,
        "level_up": level_up,
        "level_credit_after": level_total - LEVEL_EVERY_YEARS * level_up,
        "admonition": basic,
        "improvement_plan_months": IMPROVEMENT_PLAN_MONTHS * basic,
        "organisational_adjustment": basic & (last == Grade.BASIC),
        "demotion": incompetent,
        "dismissal_review": two_incompetent & ~cohort.protected[rows],
        "dismissal_protected": two_incompetent & cohort.protected[rows],
        "promotion_freeze_months": np.maximum(cohort.sanction_months[rows], BASIC_PROMOTION_FREEZE_MONTHS * basic),
        "rank_wait_reduction_months": EXCELLENT_RANK_WAIT_REDUCTION_MONTHS * excellent,
    }
    for name, value in values.items():
        getattr(out, name)[rows] = value


def bonus_factors(scheme: Scheme, cohort: Cohort, grade: Int8Array, out: FloatArray | None = None) -> FloatArray:
    """Bonus factor per person (DOMAIN.md "Two rule profiles", "Results use"), rounded to 4 dp.

    statutory: months of basic pay (年度考核奖金); local: grade coefficient × difficulty (绩效奖金).
    NaN for people without a grade.
    """
    table = np.array([np.nan] + [float(scheme.bonus.coefficients[key]) for key in GRADE_KEYS[1:]])
    factors = np.empty(cohort.size) if out is None else out
    difficulty = cohort.difficulty if scheme.bonus.kind == "local" else None
    for_each_block(cohort.size, partial(_bonus_block, table, grade, difficulty, factors))
    return factors


def _bonus_block(
    table: FloatArray, grade: Int8Array, difficulty: FloatArray | None, out: FloatArray, rows: slice
) -> None:
    """One block of `bonus_factors`."""
    factor = table[grade[rows]]
    if difficulty is not None:
        factor *= difficulty[rows]
    out[rows] = round4(factor)


def weakest_dimensions(scheme: Scheme, dimension_scores: FloatArray, out: Int8Array | None = None) -> Int8Array:
    """Index of the lowest-scoring weighted dimension (training needs, DOMAIN.md "Results use").

    Ties go to the earlier dimension in 德能勤绩廉 order; −1 when no weighted dimension has a score.
    (`scoring.score_cohort` gets it from its block kernel, which holds the dimension cents anyway.)
    """
    weighted = [d for d, dimension in enumerate(DIMENSIONS) if scheme.dimension_weights.get(dimension, 0) > 0]
    weakest = np.empty(dimension_scores.shape[0], dtype=np.int8) if out is None else out
    for_each_block(weakest.shape[0], partial(_weakest_block, weighted, dimension_scores, weakest))
    return weakest


def _weakest_block(weighted: list[int], dimension_scores: FloatArray, out: Int8Array, rows: slice) -> None:
    """One block of `weakest_dimensions`."""
    lowest_weighted(cents(np.ascontiguousarray(dimension_scores[rows].T)), weighted, out[rows])


def lowest_weighted(dimension_cents: FloatArray, weighted: Sequence[int], out: Int8Array) -> None:
    """For each column of `dimension_cents` (one row per dimension, NaN = none), the weighted dimension
    with the lowest score, the earlier one on ties; −1 if none has a score.

    One minimum over keys cents·8 + dimension (exact in float64): the lowest cents win, then the
    lowest dimension, and the key's remainder mod 8 names it.
    """
    if not weighted:
        out[...] = -1
        return
    keys = dimension_cents[list(weighted)]  # a copy
    keys *= 8.0
    keys += np.array(weighted, dtype=np.float64)[:, np.newaxis]
    lowest = np.fmin.reduce(keys, axis=0)  # NaN only where every weighted dimension is NaN
    weakest = np.floor(lowest * 0.125)
    np.subtract(lowest, weakest * 8.0, out=weakest)  # the remainder mod 8, exactly (keys are whole, ≥ 0)
    np.putmask(weakest, np.isnan(lowest), -1.0)
    out[...] = weakest
