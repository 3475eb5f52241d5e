"""Whole-cohort scoring, the fast path (自动评分): numpy over columns, no per-person Python loop.

DOMAIN.md "Scoring": indicator scores (rule per indicator) → dimension scores (weighted mean over
present indicators) → 年度 annual component (dimension weights, plus capped bonus points) → 平时
(mean of quarter rubric scores) and 专项 → composite (weights mode: weighted, a missing component's
weight spread over the others; gates mode: composite = annual). Grading, quotas and consequences
live in `grading.py` and `consequences.py`; `score_cohort` ties them together. Every stage is
rounded half-up to 2 dp (`rounding.py`). `reference.py` is the per-person Decimal twin.

The cohort is scored in blocks of rows (`blocks.py`), each block on the cache-resident transposed
k×m values, all in whole cents (float64 holding integers) until the results are written out as
points. Columns that share a rule kind are scored together; lookups (rubric levels, bands, the 5⁴
possible quarter-grade combinations) are tables computed exactly in Decimal once per run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, partial
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt

from kaohe.engine import blocks
from kaohe.engine.arena import Layout, carve
from kaohe.engine.blocks import for_each_block
from kaohe.engine.codes import DIMENSIONS, QUARTER_LEVELS, BoolArray, FloatArray, Int8Array, IntArray, QuarterGrade
from kaohe.engine.cohort import Cohort, Waivers
from kaohe.engine.consequences import Consequences, bonus_factors, consequences, consequences_layout, lowest_weighted
from kaohe.engine.grading import Grading, grade_cohort, grading_layout
from kaohe.engine.problems import Problem
from kaohe.engine.rounding import cents, decimal_cents, half_up
from kaohe.engine.rules import Rule, group_cents, group_key
from kaohe.engine.scheme import Scheme

__all__ = ["CohortResult", "Scores", "compute_scores", "rater_scores", "score_cohort", "scores_layout"]


@dataclass(frozen=True)
class Scores:
    """Every score of the cohort, before grading (n people, k indicators, 5 dimensions)."""

    rater_score: FloatArray  # n: role-weighted 360° score (trimmed means), NaN without raters
    indicator_scores: FloatArray  # n×k (column-major): 0–100 (capped_bonus: bonus points; veto: NaN)
    indicator_missing: BoolArray  # n×k: a counted, weighted indicator without a score
    veto_triggered: BoolArray  # n: the cohort's veto flag or any veto indicator
    dimension_scores: FloatArray  # n×5 (column-major) in DIMENSIONS order, NaN when no indicator is present
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
    n = cohort.size
    arrays = carve(
        scores_layout(n, len(scheme.indicators)),
        grading_layout(n),
        consequences_layout(n),
        {"bonus_factor": ((n,), np.float64), "weakest_dimension": ((n,), np.int8)},
    )
    weakest = arrays[3]["weakest_dimension"]
    scores = compute_scores(scheme, cohort, Scores(**arrays[0]), weakest)
    grading = grade_cohort(scheme, cohort, scores, Grading(**arrays[1]))
    return CohortResult(
        as_of=cohort.as_of,
        person_ids=cohort.person_ids,
        scores=scores,
        grading=grading,
        bonus_factor=bonus_factors(scheme, cohort, grading.grade, arrays[3]["bonus_factor"]),
        consequences=consequences(cohort, grading.grade, Consequences(**arrays[2])),
        weakest_dimension=weakest,
    )


def compute_scores(
    scheme: Scheme, cohort: Cohort, out: Scores | None = None, weakest: Int8Array | None = None
) -> Scores:
    """All score stages for the cohort (assumes a valid scheme and cohort), block by block.

    Fills `out` (arrays shaped as `scores_layout`) when given, and `weakest` with
    `consequences.weakest_dimensions` on the way.
    """
    plan = _ScorePlan.of(scheme)
    scores = out if out is not None else Scores(**carve(scores_layout(cohort.size, len(scheme.indicators)))[0])
    work = partial(_score_block, plan, cohort, _BlockOut(scores, weakest))
    for_each_block(cohort.size, work, blocks.KERNEL_BLOCK_ROWS)
    return scores


def scores_layout(n: int, k: int) -> Layout:
    """Shapes and dtypes of the `Scores` arrays for n people and k indicators."""
    dimensions = len(DIMENSIONS)
    return {
        "rater_score": ((n,), np.float64),
        "indicator_scores": ((n, k), np.float64, "F"),
        "indicator_missing": ((n, k), np.bool_),
        "veto_triggered": ((n,), np.bool_),
        "dimension_scores": ((n, dimensions), np.float64, "F"),
        "dimension_reweighted": ((n, dimensions), np.bool_),
        "annual_base": ((n,), np.float64),
        "annual_reweighted": ((n,), np.bool_),
        "bonus_points": ((n,), np.float64),
        "annual": ((n,), np.float64),
        "regular": ((n,), np.float64),
        "good_quarters": ((n,), np.int64),
        "poor_quarter": ((n,), np.bool_),
        "special": ((n,), np.float64),
        "composite": ((n,), np.float64),
        "composite_reweighted": ((n,), np.bool_),
    }


def rater_scores(scheme: Scheme, cohort: Cohort) -> FloatArray:
    """360° score per person (DOMAIN.md "Scoring" 3): role means weighted by `rater_weights`.

    A role with `trim_min_raters` or more ballots drops its highest and lowest; roles without
    ballots (count 0 or NaN) are left out and the weights renormalised over the rest. Role means and the result are
    rounded to 2 dp.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return _rater_cents(_ScorePlan.of(scheme), cohort, slice(None)) / 100.0


def _positive(weights: Sequence[Decimal]) -> tuple[IntArray, FloatArray]:
    """Positions and values (float) of the positive weights."""
    used = [i for i, weight in enumerate(weights) if weight > 0]
    return np.array(used, dtype=np.intp), np.array([float(weights[i]) for i in used], dtype=np.float64)


IndexLike = IntArray | slice


def _index(positions: Sequence[int]) -> IndexLike:
    """Positions as a slice when they are consecutive (a view, not a copy), else as an array."""
    if positions and list(positions) == list(range(positions[0], positions[-1] + 1)):
        return slice(positions[0], positions[-1] + 1)
    return np.array(positions, dtype=np.intp)


#: Gaps (people with a missing item) beyond this share of a block are summed again in full, not one by one.
FULL_RESUM_SHARE = 0.25


@dataclass(frozen=True)
class _Means:
    """Weighted means over rows of an items block (one row per item, one column per person)."""

    rows: tuple[IndexLike, ...]  # per mean: the items in it
    weights: tuple[FloatArray, ...]  # per mean: their weights (all positive)
    shares: tuple[FloatArray, ...]  # per mean: the weights over their sum (the mean when nothing is missing)

    @classmethod
    def of(cls, means: Sequence[Sequence[tuple[int, Decimal]]]) -> _Means:
        """From, per mean, (item row, weight) pairs; pairs with a weight of 0 are left out."""
        used = [[(row, float(weight)) for row, weight in pairs if weight > 0] for pairs in means]
        weights = tuple(np.array([weight for _, weight in pairs], dtype=np.float64) for pairs in used)
        rows = tuple(_index([row for row, _ in pairs]) for pairs in used)
        return cls(rows, weights, tuple(w / w.sum() for w in weights))

    def cents(self, items: FloatArray, out: FloatArray) -> list[tuple[IntArray, BoolArray]]:
        """Write each mean (half-up cents) over the present items (NaN = missing) to its row of `out`;
        NaN where none is present.

        Returns, per mean, the people (columns) with a missing item and for them whether others
        were present (the missing weight was spread). Everyone first takes one weighted sum; a
        missing item makes it NaN, and only those people are summed again over what is present.
        Sums of a few dozen products of cents keep the float error many orders below the rounding
        nudge, so the cents are those of the exact decimal mean. einsum, not `@`: no BLAS threads.
        """
        for row, rows, shares in zip(out, self.rows, self.shares, strict=True):
            np.einsum("j,jm->m", shares, items[rows], out=row)
        gaps = [np.zeros(0, dtype=np.intp)] * len(self.rows)
        if np.isnan(np.add.reduce(out, axis=None)):  # one pass; NaN only when someone misses an item
            gaps = [np.flatnonzero(np.isnan(row)) for row in out]
        spread = [self._resum(items, i, people, out[i]) for i, people in enumerate(gaps)]
        half_up(out, out=out)
        return list(zip(gaps, spread, strict=True))

    def _resum(self, items: FloatArray, mean: int, people: IntArray, out: FloatArray) -> BoolArray:
        """Mean `mean` again for `people`, over their present items only; whether any was missing."""
        if not people.size:
            return np.zeros(0, dtype=bool)
        full = people.size > FULL_RESUM_SHARE * out.shape[0]
        block = items[self.rows[mean]] if full else items[self.rows[mean]][:, people]
        missing = np.isnan(block)
        present = np.einsum("j,jm->m", self.weights[mean], ~missing, dtype=np.float64)
        total = np.einsum("j,jm->m", self.weights[mean], np.where(missing, 0.0, block))
        np.divide(total, present, out=total)  # 0/0 = NaN when nothing is present
        spread: BoolArray = np.logical_or.reduce(missing, axis=0) & (present > 0)
        if full:
            out[...] = total
            return spread[people]
        out[people] = total
        return spread


@dataclass(frozen=True)
class _QuarterTable:
    """平时 for each of the 5⁴ combinations of four quarter grades, computed exactly in Decimal."""

    regular: FloatArray  # cents of the mean rubric score over graded quarters; NaN when none was graded
    good: IntArray  # number of 好 quarters
    poor: BoolArray  # any 较差 quarter

    @classmethod
    def of(cls, rubric: Mapping[str, Decimal]) -> _QuarterTable:
        """The table for this quarter rubric, indexed by `code`."""
        codes = np.array(list(product(range(len(QUARTER_LEVELS) + 1), repeat=4)))
        counts = np.stack([(codes == level).sum(axis=1) for level in range(1, len(QUARTER_LEVELS) + 1)], axis=1)
        means = {combination: _mean_cents(rubric, combination) for combination in set(map(tuple, counts.tolist()))}
        regular = np.array([means[combination] for combination in map(tuple, counts.tolist())])
        good, poor = counts[:, QuarterGrade.GOOD - 1], counts[:, QuarterGrade.POOR - 1] > 0
        return cls(regular, good.astype(np.int64), poor)

    @staticmethod
    def code(grades: npt.NDArray[np.integer[Any]]) -> IntArray:
        """Row index into the table for an m×4 block of quarter grades (each 0..4)."""
        quarters = np.ascontiguousarray(grades.T, dtype=np.intp)
        code: IntArray = quarters[0]
        for quarter in quarters[1:]:
            code *= len(QUARTER_LEVELS) + 1
            code += quarter
        return code


@lru_cache(maxsize=16)
def _quarter_table(rubric: tuple[tuple[str, Decimal], ...]) -> _QuarterTable:
    """The table of a quarter rubric given as its items, built once per rubric (2 ms in Decimal)."""
    return _QuarterTable.of(dict(rubric))


def _mean_cents(rubric: Mapping[str, Decimal], counts: tuple[int, ...]) -> float:
    """Cents of the mean rubric score of quarters graded `counts[i]` times with level i+1 (NaN if none)."""
    total = sum((count * rubric[level] for level, count in zip(QUARTER_LEVELS, counts, strict=True)), Decimal(0))
    return decimal_cents(total / sum(counts)) if sum(counts) else np.nan


@dataclass(frozen=True)
class _ScorePlan:
    """The scheme as the block kernel uses it (built once per run).

    The kernel holds a block's values transposed, one row per indicator, in `order`: the weighted
    counted indicators first, and within those and the rest, indicators scored by one rule group
    next to each other (so each group is a span of rows).
    """

    order: IntArray  # kernel row → indicator column
    kernel_row: IntArray  # indicator column → kernel row (the inverse of `order`)
    weighted_rows: int  # the first rows of `order` are the weighted counted indicators
    rule_groups: tuple[tuple[slice, tuple[Rule, ...]], ...]  # spans of kernel rows scored together, their rules
    dimension_means: _Means  # over the weighted rows, one per dimension with weighted indicators
    dimension_index: IntArray  # … their positions in DIMENSIONS
    weighted_dimensions: tuple[int, ...]  # dimensions with a positive weight
    bonus_rows: IntArray
    veto_rows: IntArray
    rater_rows: IntArray  # kernel rows of the indicators that take the 360° score
    rater_roles: IntArray  # rater columns with a positive weight
    rater_mean: _Means  # over those roles
    trim_min_raters: int
    annual_mean: _Means  # over the five dimensions
    composition: _Means | None  # weights mode: over (平时, 年度, 专项)
    quarters: _QuarterTable

    @classmethod
    def of(cls, scheme: Scheme) -> _ScorePlan:
        """Build the plan for `scheme`."""
        specs = scheme.indicators
        keys = [group_key(spec.rule) for spec in specs]
        first_seen = {key: position for position, key in reversed(list(enumerate(keys)))}
        weighted = [spec.counted and spec.weight > 0 for spec in specs]
        order = sorted(range(len(specs)), key=lambda j: (not weighted[j], first_seen[keys[j]], j))
        dimensions = [
            [(row, specs[j].weight) for row, j in enumerate(order) if weighted[j] and specs[j].dimension == dimension]
            for dimension in DIMENSIONS
        ]
        roles, _ = _positive(list(scheme.rater_weights.values()))
        role_weights = list(scheme.rater_weights.values())
        composition = scheme.composition
        shares = (composition.regular, composition.annual, composition.special)
        return cls(
            order=np.array(order, dtype=np.intp),
            kernel_row=np.argsort(np.array(order, dtype=np.intp)).astype(np.intp),
            weighted_rows=sum(weighted),
            rule_groups=_rule_groups([(weighted[j], keys[j], specs[j].rule) for j in order]),
            dimension_means=_Means.of([pairs for pairs in dimensions if pairs]),
            dimension_index=np.array([d for d, pairs in enumerate(dimensions) if pairs], dtype=np.intp),
            weighted_dimensions=tuple(
                d for d, name in enumerate(DIMENSIONS) if scheme.dimension_weights.get(name, 0) > 0
            ),
            bonus_rows=np.array([row for row, j in enumerate(order) if specs[j].is_bonus], dtype=np.intp),
            veto_rows=np.array([row for row, j in enumerate(order) if specs[j].is_veto], dtype=np.intp),
            rater_rows=np.array([row for row, j in enumerate(order) if specs[j].source == "rater_form"], dtype=np.intp),
            rater_roles=roles,
            rater_mean=_Means.of([[(i, role_weights[r]) for i, r in enumerate(roles)]]),
            trim_min_raters=scheme.trim_min_raters,
            annual_mean=_Means.of(
                [[(d, scheme.dimension_weights.get(name, Decimal(0))) for d, name in enumerate(DIMENSIONS)]]
            ),
            composition=None if composition.mode == "gates" else _Means.of([list(enumerate(shares))]),
            quarters=_quarter_table(tuple(scheme.quarter_rubric.items())),
        )


def _rule_groups(rows: Sequence[tuple[bool, Hashable, Rule]]) -> tuple[tuple[slice, tuple[Rule, ...]], ...]:
    """Spans of consecutive kernel rows with the same (weighted, group key), and their rules."""
    groups: list[tuple[slice, tuple[Rule, ...]]] = []
    start = 0
    for row in range(1, len(rows) + 1):
        if row == len(rows) or rows[row][:2] != rows[start][:2]:
            groups.append((slice(start, row), tuple(rule for _, _, rule in rows[start:row])))
            start = row
    return tuple(groups)


@dataclass(frozen=True)
class _BlockOut:
    """Where the block kernel writes: the scores, and the weakest dimension when wanted."""

    scores: Scores
    weakest: Int8Array | None


def _score_block(plan: _ScorePlan, cohort: Cohort, out: _BlockOut, rows: slice) -> None:
    """Score one block of people, writing their rows of every `Scores` array."""
    scores = out.scores
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN = missing, all along
        rater = np.divide(_rater_cents(plan, cohort, rows), 100.0, out=scores.rater_score[rows])
        values = _indicator_values(plan, cohort, rows, rater)
        scored = np.empty_like(values)
        for kernel_rows, rules in plan.rule_groups:
            group_cents(rules, values[kernel_rows], out=scored[kernel_rows])
        _waive(plan, cohort.waivers, rows, scored)
        _write_columns(scores.indicator_scores[rows], plan.order, scored)
        np.logical_or(cohort.veto[rows], _vetoed(plan, values), out=scores.veto_triggered[rows])
        components = np.empty((3, values.shape[1]))  # 平时, 年度, 专项 (cents)
        _annual_cents(plan, scored, out, rows, components[1])
        _regular_cents(plan, cohort, scores, rows, components[0])
        np.divide(cents(cohort.special_scores[rows], out=components[2]), 100.0, out=scores.special[rows])
        composite = _composite_cents(plan, components, scores.composite_reweighted[rows])
        np.divide(composite, 100.0, out=scores.composite[rows])


def _waive(plan: _ScorePlan, waivers: Waivers, rows: slice, scored: FloatArray) -> None:
    """Approved 容错免责 waivers give back their share of the points an indicator lost (in whole cents,
    half up): score + share% × (100 − score)."""
    span = waivers.between(rows.start, rows.stop)
    if span.start == span.stop:
        return
    people = waivers.rows[span] - rows.start
    kernel = plan.kernel_row[waivers.columns[span]]
    score = scored[kernel, people]
    restored = np.floor(((10000.0 - score) * waivers.shares[span] + 50.0) / 100.0)
    scored[kernel, people] = np.where(score < 10000.0, score + restored, score)  # NaN (no data) stays NaN


def _write_columns(out: FloatArray, order: Iterable[int], cents: FloatArray) -> None:
    """out[:, order] = cents.T / 100: each row of `cents` to its (contiguous) column of the column-major output."""
    for row, column in enumerate(order):
        np.divide(cents[row], 100.0, out=out[:, column])


def _rater_cents(plan: _ScorePlan, cohort: Cohort, rows: slice) -> FloatArray:
    """360° score in cents: role means (trimmed with `trim_min_raters` ballots or more) weighted by role.

    Roles without ballots (count 0 or NaN) are left out and the weights renormalised over the rest.
    """
    roles = plan.rater_roles if plan.rater_roles.size < cohort.rater_sum.shape[1] else slice(None)
    count, total = cohort.rater_count[rows].T[roles], cohort.rater_sum[rows].T[roles]  # roles × people
    trimmed = count >= plan.trim_min_raters
    if trimmed.any():
        extremes = np.add(cohort.rater_max[rows].T[roles], cohort.rater_min[rows].T[roles])
        total = total - np.multiply(extremes, trimmed, out=extremes)
    means = np.divide(total, count - 2.0 * trimmed)  # NaN count: NaN
    np.putmask(means, count <= 0, np.nan)
    score = np.empty((1, means.shape[1]))
    plan.rater_mean.cents(cents(means, out=means), score)
    rater: FloatArray = score[0]
    return rater


def _indicator_values(plan: _ScorePlan, cohort: Cohort, rows: slice, rater: FloatArray) -> FloatArray:
    """The block's raw values, one row per indicator in the plan's order (k×m); rater_form indicators
    take the 360° score."""
    values: FloatArray = cohort.values[rows].T[plan.order]
    values[plan.rater_rows] = rater
    return values


def _vetoed(plan: _ScorePlan, values: FloatArray) -> BoolArray:
    """Any veto indicator with a present, non-zero value (一票否决)."""
    raw = values[plan.veto_rows]
    vetoed: BoolArray = np.logical_or.reduce(np.isfinite(raw) & (raw != 0.0), axis=0)
    return vetoed


def _annual_cents(plan: _ScorePlan, scored: FloatArray, out: _BlockOut, rows: slice, annual: FloatArray) -> None:
    """Dimension scores (DOMAIN.md "Scoring" 2), the annual base, bonus points and the annual score.

    A dimension is the weighted mean of its counted indicators over those present (missing ones are
    flagged); the annual base the weighted mean of the weighted dimensions; bonus points (missing =
    none) are added, capped at 100. Writes them all, the weakest dimension, and the annual score in
    cents to `annual`.
    """
    scores = out.scores
    weighted = scored[: plan.weighted_rows]
    dimensions = np.full((len(DIMENSIONS), scored.shape[1]), np.nan)
    means = np.empty((plan.dimension_index.shape[0], scored.shape[1]))
    gaps = plan.dimension_means.cents(weighted, means)
    dimensions[plan.dimension_index] = means
    _write_columns(scores.dimension_scores[rows], range(len(DIMENSIONS)), dimensions)
    reweighted, flagged = scores.dimension_reweighted[rows], scores.indicator_missing[rows]
    reweighted[...] = False
    flagged[...] = False
    for d, (people, spread) in zip(plan.dimension_index, gaps, strict=True):
        if people.size:
            reweighted[people, d] = spread
            flagged[people] |= _flags(plan, weighted[:, people])
    if out.weakest is not None:
        lowest_weighted(dimensions, plan.weighted_dimensions, out.weakest[rows])
    base = np.empty((1, scored.shape[1]))
    people, spread = plan.annual_mean.cents(dimensions, base)[0]
    annual_reweighted = scores.annual_reweighted[rows]
    annual_reweighted[...] = False
    annual_reweighted[people] = spread
    bonus = np.add.reduce(np.fmax(scored[plan.bonus_rows], 0.0), axis=0)  # points ≥ 0; fmax turns NaN into 0
    np.divide(base[0], 100.0, out=scores.annual_base[rows])
    np.divide(bonus, 100.0, out=scores.bonus_points[rows])
    np.minimum(np.add(base[0], bonus, out=annual), 10000.0, out=annual)  # NaN base stays NaN: no bonus
    np.divide(annual, 100.0, out=scores.annual[rows])


def _flags(plan: _ScorePlan, weighted: FloatArray) -> BoolArray:
    """Missing-indicator flags (people × indicators, in column order) for some people's weighted rows."""
    flags = np.zeros((weighted.shape[1], plan.order.shape[0]), dtype=bool)
    flags[:, plan.order[: plan.weighted_rows]] = np.isnan(weighted).T
    return flags


def _regular_cents(plan: _ScorePlan, cohort: Cohort, out: Scores, rows: slice, regular: FloatArray) -> None:
    """平时 = mean of the quarter rubric scores over graded quarters, to `regular` (cents) and out; also
    the 好 count and any 较差."""
    code = _QuarterTable.code(cohort.quarter_grades[rows])
    np.take(plan.quarters.good, code, out=out.good_quarters[rows])
    np.take(plan.quarters.poor, code, out=out.poor_quarter[rows])
    np.divide(np.take(plan.quarters.regular, code, out=regular), 100.0, out=out.regular[rows])


def _composite_cents(plan: _ScorePlan, components: FloatArray, reweighted: BoolArray) -> FloatArray:
    """Composite in cents per `scheme.composition` (DOMAIN.md "Scoring" 3; cn-rules.md §4 for gates mode).

    Weights mode: the weighted mean of 平时, 年度 and 专项 (rows of `components`) over those present;
    gates mode: the annual score. Writes `reweighted` (a weights-mode component missing, its weight spread).
    """
    reweighted[...] = False
    if plan.composition is None:
        annual: FloatArray = components[1]
        return annual
    means = np.empty((1, components.shape[1]))
    people, spread = plan.composition.cents(components, means)[0]
    reweighted[people] = spread
    composite: FloatArray = means[0]
    return composite
