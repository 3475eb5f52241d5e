"""Whole-cohort scoring, the fast path (自动评分): numpy over columns, no per-person Python loop.

DOMAIN.md "Scoring": indicator scores (rule per indicator) → dimension scores (weighted mean over
present indicators) → 年度 annual component (dimension weights, plus capped bonus points) → 平时
(mean of quarter rubric scores) and 专项 → composite (weights mode: weighted, a missing component's
weight spread over the others; gates mode: composite = annual). Grading, quotas and consequences
live in `grading.py` and `consequences.py`; `score_cohort` ties them together. Every stage is
rounded half-up to 2 dp (`rounding.py`). `reference.py` is the per-person Decimal twin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from kaohe.engine.codes import DIMENSIONS, QUARTER_LEVELS, BoolArray, FloatArray, Int8Array, IntArray, QuarterGrade
from kaohe.engine.cohort import Cohort
from kaohe.engine.consequences import Consequences, bonus_factors, consequences, weakest_dimensions
from kaohe.engine.grading import Grading, grade_cohort
from kaohe.engine.problems import Problem
from kaohe.engine.rounding import round2
from kaohe.engine.rules import Veto
from kaohe.engine.scheme import Scheme

__all__ = ["CohortResult", "Scores", "compute_scores", "rater_scores", "score_cohort"]


@dataclass(frozen=True)
class Scores:
    """Every score of the cohort, before grading (n people, k indicators, 5 dimensions)."""

    rater_score: FloatArray  # n: role-weighted 360° score (trimmed means), NaN without raters
    indicator_values: FloatArray  # n×k: raw values used (rater_form columns replaced by rater_score)
    indicator_scores: FloatArray  # n×k: 0–100 (capped_bonus: bonus points; veto: NaN)
    indicator_missing: BoolArray  # n×k: a counted, weighted indicator without a score
    veto_triggered: BoolArray  # n: the cohort's veto flag or any veto indicator
    dimension_scores: FloatArray  # n×5 in DIMENSIONS order, NaN when no indicator is present
    dimension_reweighted: BoolArray  # n×5: some indicator missing, its weight spread over the rest
    annual_base: FloatArray  # n: Σ dimension weight × dimension score, before bonus
    annual_reweighted: BoolArray  # n: some weighted dimension missing, its weight spread
    bonus_points: FloatArray  # n: sum of capped bonus points
    annual: FloatArray  # n: min(100, annual_base + bonus_points)
    regular: FloatArray  # n: 平时, mean of quarter rubric scores over graded quarters
    good_quarters: IntArray  # n: number of 好 quarters
    poor_quarter: BoolArray  # n: any 较差 quarter
    special: FloatArray  # n: 专项
    composite: FloatArray  # n: composite 0–100 (NaN when nothing to score)
    composite_reweighted: BoolArray  # n: weights mode, a missing component's weight spread


@dataclass(frozen=True)
class CohortResult:
    """Everything the engine proposes for a cohort, as arrays aligned with `person_ids`."""

    as_of: dt.date
    person_ids: IntArray
    scores: Scores
    grading: Grading
    bonus_factor: FloatArray  # n: statutory months of pay, or local coefficient × difficulty; NaN ungraded
    consequences: Consequences
    weakest_dimension: Int8Array  # n: index into DIMENSIONS of the lowest weighted dimension, −1 none


def score_cohort(scheme: Scheme, cohort: Cohort) -> CohortResult | list[Problem]:
    """Score, grade and derive consequences for a whole cohort (DOMAIN.md "Scoring", "Grades", "Results use").

    Fails closed: an invalid scheme or malformed cohort comes back as problems, never a guess.
    """
    problems = scheme.validate() + cohort.validate_shapes(scheme)
    if problems:
        return problems
    scores = compute_scores(scheme, cohort)
    grading = grade_cohort(scheme, cohort, scores)
    return CohortResult(
        as_of=cohort.as_of,
        person_ids=cohort.person_ids,
        scores=scores,
        grading=grading,
        bonus_factor=bonus_factors(scheme, cohort, grading.grade),
        consequences=consequences(cohort, grading.grade),
        weakest_dimension=weakest_dimensions(scheme, scores.dimension_scores),
    )


def compute_scores(scheme: Scheme, cohort: Cohort) -> Scores:
    """All score stages for the cohort (assumes a valid scheme and cohort)."""
    rater = rater_scores(scheme, cohort)
    values = cohort.values.astype(np.float64, copy=True)
    for j, spec in enumerate(scheme.indicators):
        if spec.source == "rater_form":
            values[:, j] = rater
    indicator = np.column_stack([spec.rule.score(values[:, j]) for j, spec in enumerate(scheme.indicators)])
    indicator = indicator.reshape(cohort.size, len(scheme.indicators)).astype(np.float64)
    dimension, dimension_reweighted, missing = _dimension_scores(scheme, indicator)
    annual_base, annual_reweighted = _weighted_mean(
        dimension, np.array([float(scheme.dimension_weights.get(d, 0)) for d in DIMENSIONS])
    )
    bonus = _bonus_points(scheme, indicator)
    annual = round2(np.where(np.isnan(annual_base), np.nan, np.minimum(100.0, annual_base + bonus)))
    regular, good_quarters, poor_quarter = _regular_scores(scheme, cohort)
    special = round2(cohort.special_scores.astype(np.float64))
    composite, composite_reweighted = _composite(scheme, regular, annual, special)
    return Scores(
        rater_score=rater,
        indicator_values=values,
        indicator_scores=indicator,
        indicator_missing=missing,
        veto_triggered=_veto(scheme, cohort, values),
        dimension_scores=dimension,
        dimension_reweighted=dimension_reweighted,
        annual_base=annual_base,
        annual_reweighted=annual_reweighted,
        bonus_points=bonus,
        annual=annual,
        regular=regular,
        good_quarters=good_quarters,
        poor_quarter=poor_quarter,
        special=special,
        composite=composite,
        composite_reweighted=composite_reweighted,
    )


def rater_scores(scheme: Scheme, cohort: Cohort) -> FloatArray:
    """360° score per person (DOMAIN.md "Scoring" 3): role means weighted by `rater_weights`.

    A role with `trim_min_raters` or more ballots drops its highest and lowest; roles without
    ballots (count 0 or NaN) are left out and the weights renormalised over the rest. Role means and the result are
    rounded to 2 dp.
    """
    count = np.nan_to_num(cohort.rater_count.astype(np.float64))  # NaN count = no ballots
    trimmed = count >= scheme.trim_min_raters
    total = np.where(trimmed, cohort.rater_sum - cohort.rater_max - cohort.rater_min, cohort.rater_sum)
    divisor = np.where(trimmed, count - 2.0, count)
    with np.errstate(invalid="ignore", divide="ignore"):
        role_means = round2(np.where(count > 0, total / np.where(divisor > 0, divisor, 1.0), np.nan))
    weights = np.array([float(w) for w in scheme.rater_weights.values()], dtype=np.float64)
    return _weighted_mean(role_means.reshape(cohort.size, len(weights)), weights)[0]


def _weighted_mean(scores: FloatArray, weights: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Row-wise weighted mean over present scores of positive-weight columns, rounded to 2 dp.

    Also returns where a positive-weight column was missing but others were present (reweighted).
    """
    used = weights > 0
    present = ~np.isnan(scores) & used
    denominator = present.astype(np.float64) @ weights
    numerator = np.where(present, scores, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = round2(np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan))
    reweighted = (denominator > 0) & (present.sum(axis=1) < used.sum())
    return mean, reweighted


def _dimension_scores(scheme: Scheme, indicator: FloatArray) -> tuple[FloatArray, BoolArray, BoolArray]:
    """Dimension score = weighted mean of its counted indicators over those present (DOMAIN.md "Scoring" 2)."""
    n = indicator.shape[0]
    scores = np.full((n, len(DIMENSIONS)), np.nan)
    reweighted = np.zeros((n, len(DIMENSIONS)), dtype=bool)
    missing = np.zeros(indicator.shape, dtype=bool)
    for d, dimension in enumerate(DIMENSIONS):
        columns = [
            j
            for j, spec in enumerate(scheme.indicators)
            if spec.counted and spec.dimension == dimension and spec.weight > 0
        ]
        if not columns:
            continue
        weights = np.array([float(scheme.indicators[j].weight) for j in columns], dtype=np.float64)
        scores[:, d], reweighted[:, d] = _weighted_mean(indicator[:, columns], weights)
        missing[:, columns] = np.isnan(indicator[:, columns])
    return scores, reweighted, missing


def _bonus_points(scheme: Scheme, indicator: FloatArray) -> FloatArray:
    """Sum of capped bonus points (missing counts as none)."""
    columns = [j for j, spec in enumerate(scheme.indicators) if spec.is_bonus]
    return round2(np.nan_to_num(indicator[:, columns]).sum(axis=1))


def _veto(scheme: Scheme, cohort: Cohort, values: FloatArray) -> BoolArray:
    """The cohort's veto flag, or any veto indicator with a true value (一票否决)."""
    triggered = cohort.veto.astype(bool, copy=True)
    for j, spec in enumerate(scheme.indicators):
        if isinstance(spec.rule, Veto):
            triggered |= spec.rule.triggered(values[:, j])
    return triggered


def _regular_scores(scheme: Scheme, cohort: Cohort) -> tuple[FloatArray, IntArray, BoolArray]:
    """平时 = mean of the quarter rubric scores over graded quarters; also 好 count and any 较差."""
    grades = cohort.quarter_grades.astype(np.int64)
    table = np.array([np.nan] + [float(scheme.quarter_rubric[level]) for level in QUARTER_LEVELS])
    graded = grades > 0
    count = graded.sum(axis=1)
    total = np.where(graded, table[grades], 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        regular = round2(np.where(count > 0, total / np.maximum(count, 1), np.nan))
    good = (grades == QuarterGrade.GOOD).sum(axis=1).astype(np.int64)
    return regular, good, (grades == QuarterGrade.POOR).any(axis=1)


def _composite(
    scheme: Scheme, regular: FloatArray, annual: FloatArray, special: FloatArray
) -> tuple[FloatArray, BoolArray]:
    """Composite per `scheme.composition` (DOMAIN.md "Scoring" 3; cn-rules.md §4 for gates mode)."""
    composition = scheme.composition
    if composition.mode == "gates":
        return annual, np.zeros(annual.shape, dtype=bool)
    components = np.column_stack([regular, annual, special])
    weights = np.array([float(composition.regular), float(composition.annual), float(composition.special)])
    return _weighted_mean(components, weights)
