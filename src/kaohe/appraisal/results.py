"""Engine results → result rows: bit sets of gates and consequences, and the columns written."""

from collections.abc import Iterator
from typing import Any

import numpy as np

from kaohe.engine.codes import DIMENSIONS, Gate
from kaohe.engine.cohort import Cohort
from kaohe.engine.scoring import CohortResult

# Consequence flags in bit order (the names are `engine.consequences.Consequences` fields).
CONSEQUENCES = (
    "commendation", "merit_candidate", "qualifying_year", "pay_step", "level_up", "admonition",
    "organisational_adjustment", "demotion", "dismissal_review", "dismissal_protected",
)
GATE_APPLIED_SHIFT = 8

RESULT_COLUMNS = (
    "run_id", "person_id", "group_id", "pool", "category", "composite", "annual", "regular", "special",
    "dim_de", "dim_neng", "dim_qin", "dim_ji", "dim_lian", "non_grade", "grade", "rank", "pool_quota",
    "pool_participants", "tie_break", "gates", "consequences", "bonus_factor", "promotion_freeze_months",
    "step_credit_after", "level_credit_after", "weakest_dimension",
)


def bits(matrix: np.ndarray) -> np.ndarray:
    """Each row of a boolean matrix as an integer bit set (column i → bit i)."""
    weights = 1 << np.arange(matrix.shape[1], dtype=np.int64)
    packed: np.ndarray = (matrix.astype(np.int64) * weights).sum(axis=1)
    return packed


def consequence_bits(result: CohortResult) -> np.ndarray:
    c = result.consequences
    return bits(np.column_stack([getattr(c, name) for name in CONSEQUENCES]))


def has(value: int, name: str) -> bool:
    return bool(value >> CONSEQUENCES.index(name) & 1)


def gate_failed(value: int, gate: Gate) -> bool:
    return bool(value >> int(gate) & 1)


def _column(values: np.ndarray) -> list[Any]:
    """A float column rounded to 2 places, NaN as None (NULL), as Python values in one pass."""
    rounded = np.round(values.astype(np.float64), 2).astype(object)
    rounded[np.isnan(values.astype(np.float64))] = None
    column: list[Any] = rounded.tolist()
    return column


def _ints(values: np.ndarray) -> list[int]:
    column: list[int] = values.astype(np.int64).tolist()
    return column


def result_rows(run_id: int, category: str, cohort: Cohort, result: CohortResult,
                grade_floor: dict[int, int]) -> Iterator[list[Any]]:
    """Rows in `RESULT_COLUMNS` order, built column by column; `grade_floor` keeps an appellant's
    earlier grade when the new one would be worse."""
    s, g, c = result.scores, result.grading, result.consequences
    grades = g.grade.astype(np.int64)
    if grade_floor:
        floor = np.array([grade_floor.get(pid, 0) for pid in result.person_ids.tolist()], dtype=np.int64)
        grades = np.where((floor > 0) & (grades > 0) & (floor < grades), floor, grades)
    n = result.person_ids.shape[0]
    columns = [
        [run_id] * n, _ints(result.person_ids), _ints(cohort.group_ids), _ints(cohort.pool_ids), [category] * n,
        _column(s.composite), _column(s.annual), _column(s.regular), _column(s.special),
        *(_column(s.dimension_scores[:, d]) for d in range(len(DIMENSIONS))),
        _ints(g.non_grade), grades.tolist(), _ints(g.rank), _ints(g.pool_quota), _ints(g.pool_participants),
        _ints(g.tie_break), _ints(bits(g.gate_failed) | (bits(g.gate_applied) << GATE_APPLIED_SHIFT)),
        _ints(consequence_bits(result)), _column(result.bonus_factor), _ints(c.promotion_freeze_months),
        _ints(c.step_credit_after), _ints(c.level_credit_after), _ints(result.weakest_dimension),
    ]
    return map(list, zip(*columns, strict=True))
