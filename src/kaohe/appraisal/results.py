"""Engine results → result rows: bit sets of gates and consequences, and the columns written."""

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


def result_columns(run_id: int, category: str, cohort: Cohort, result: CohortResult,
                   grade_floor: dict[int, int]) -> dict[str, np.ndarray | str | int]:
    """The result table's columns for one partition (NaN = NULL); `grade_floor` keeps an appellant's
    earlier grade when the new one would be worse."""
    s, g, c = result.scores, result.grading, result.consequences
    grades = g.grade.astype(np.int64)
    if grade_floor:
        floor = np.array([grade_floor.get(pid, 0) for pid in result.person_ids.tolist()], dtype=np.int64)
        grades = np.where((floor > 0) & (grades > 0) & (floor < grades), floor, grades)
    gates = bits(g.gate_failed) | (bits(g.gate_applied) << GATE_APPLIED_SHIFT)
    columns: dict[str, np.ndarray | str | int] = {
        "run_id": run_id, "person_id": result.person_ids, "group_id": cohort.group_ids, "pool": cohort.pool_ids,
        "category": category, "composite": s.composite, "annual": s.annual, "regular": s.regular,
        "special": s.special,
        **{f"dim_{d}": s.dimension_scores[:, i] for i, d in enumerate(DIMENSIONS)},
        "non_grade": g.non_grade, "grade": grades, "rank": g.rank, "pool_quota": g.pool_quota,
        "pool_participants": g.pool_participants, "tie_break": g.tie_break, "gates": gates,
        "consequences": consequence_bits(result), "bonus_factor": result.bonus_factor,
        "promotion_freeze_months": c.promotion_freeze_months, "step_credit_after": c.step_credit_after,
        "level_credit_after": c.level_credit_after, "weakest_dimension": result.weakest_dimension,
    }
    return {name: np.round(v.astype(np.float64), 2) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
            for name, v in columns.items()}
