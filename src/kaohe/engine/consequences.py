"""Results use (结果运用): bonus factors, statutory consequences, and the weakest dimension.

DOMAIN.md "Results use"; 公务员考核规定 2020 第19–22条; 公务员法 第64、80、88、89条 (cn-rules.md §1G).
Computed from this year's proposed grade and the previous years' grades in `cohort.history`
(most recent first). Ungraded people (non-grade code, or no score) get no consequence and keep
their credits; their bonus factor is NaN (not decided by the engine).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def consequences(cohort: Cohort, grade: Int8Array) -> Consequences:
    """Statutory consequences of this year's grade and history (DOMAIN.md "Results use")."""
    last, before_last = cohort.history[:, 0], cohort.history[:, 1]
    excellent, basic, incompetent = grade == Grade.EXCELLENT, grade == Grade.BASIC, grade == Grade.INCOMPETENT
    qualifying = excellent | (grade == Grade.COMPETENT)
    step_total = cohort.step_credit_years.astype(np.int64) + qualifying
    level_total = cohort.level_credit_years.astype(np.int64) + qualifying
    pay_step = qualifying & (step_total >= PAY_STEP_EVERY_YEARS)
    level_up = qualifying & (level_total >= LEVEL_EVERY_YEARS)
    two_incompetent = incompetent & (last == Grade.INCOMPETENT)
    freeze = np.maximum(cohort.sanction_months.astype(np.int64), np.where(basic, BASIC_PROMOTION_FREEZE_MONTHS, 0))
    return Consequences(
        commendation=excellent,
        merit_candidate=excellent & (last == Grade.EXCELLENT) & (before_last == Grade.EXCELLENT),
        qualifying_year=qualifying,
        pay_step=pay_step,
        step_credit_after=step_total - PAY_STEP_EVERY_YEARS * pay_step,
        level_up=level_up,
        level_credit_after=level_total - LEVEL_EVERY_YEARS * level_up,
        admonition=basic,
        improvement_plan_months=np.where(basic, IMPROVEMENT_PLAN_MONTHS, 0).astype(np.int64),
        organisational_adjustment=basic & (last == Grade.BASIC),
        demotion=incompetent,
        dismissal_review=two_incompetent & ~cohort.protected,
        dismissal_protected=two_incompetent & cohort.protected,
        promotion_freeze_months=freeze.astype(np.int64),
        rank_wait_reduction_months=np.where(excellent, EXCELLENT_RANK_WAIT_REDUCTION_MONTHS, 0).astype(np.int64),
    )


def bonus_factors(scheme: Scheme, cohort: Cohort, grade: Int8Array) -> FloatArray:
    """Bonus factor per person (DOMAIN.md "Two rule profiles", "Results use"), rounded to 4 dp.

    statutory: months of basic pay (年度考核奖金); local: grade coefficient × difficulty (绩效奖金).
    NaN for people without a grade.
    """
    table = np.array([np.nan] + [float(scheme.bonus.coefficients[key]) for key in GRADE_KEYS[1:]])
    factor = table[grade.astype(np.int64)]
    if scheme.bonus.kind == "local":
        factor = factor * cohort.difficulty
    return round4(factor)


def weakest_dimensions(scheme: Scheme, dimension_scores: FloatArray) -> Int8Array:
    """Index of the lowest-scoring weighted dimension (training needs, DOMAIN.md "Results use").

    Ties go to the earlier dimension in 德能勤绩廉 order; −1 when no weighted dimension has a score.
    """
    weighted = np.array([scheme.dimension_weights.get(d, 0) > 0 for d in DIMENSIONS])
    keyed = np.where(weighted & ~np.isnan(dimension_scores), cents(dimension_scores), np.inf)
    weakest = np.argmin(keyed, axis=1) if keyed.shape[0] else np.zeros(0, dtype=np.int64)
    return np.where(np.isinf(keyed.min(axis=1, initial=np.inf)), -1, weakest).astype(np.int8)
