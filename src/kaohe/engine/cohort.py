"""Columnar inputs for a whole cohort (考核对象): n people, k indicators, r rater roles.

Columns follow the scheme's order: `values` has one column per `scheme.indicators` entry, the
rater arrays one column per role in `scheme.rater_weights` order. Missing numbers are NaN. The
adapter in the Django layer builds this from a scoring-run snapshot; the engine never reads a clock
(`as_of` is carried through to the result).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from kaohe.engine.codes import BoolArray, FloatArray, Int8Array, IntArray
from kaohe.engine.problems import Problem
from kaohe.engine.scheme import Scheme

__all__ = ["COLUMNS", "Cohort", "Waivers"]

#: name → (dtype kind, shape after n); "k" = indicators, "r" = rater roles.
COLUMNS: dict[str, tuple[str, tuple[int | str, ...]]] = {
    "person_ids": ("i", ()),
    "group_ids": ("i", ()),
    "pool_ids": ("i", ()),
    "values": ("f", ("k",)),
    "quarter_grades": ("i", (4,)),
    "special_scores": ("f", ()),
    "rater_sum": ("f", ("r",)),
    "rater_count": ("f", ("r",)),
    "rater_min": ("f", ("r",)),
    "rater_max": ("f", ("r",)),
    "satisfaction": ("f", ()),
    "veto": ("b", ()),
    "warning_this_year": ("b", ()),
    "unit_head_gate": ("b", ()),
    "party_secretary_gate": ("b", ()),
    "accountability_this_year": ("b", ()),
    "demerit_or_heavier_active": ("b", ()),
    "under_investigation": ("b", ()),
    "on_probation": ("b", ()),
    "leave_days": ("i", ()),
    "protected": ("b", ()),
    "history": ("i", (5,)),
    "step_credit_years": ("i", ()),
    "level_credit_years": ("i", ()),
    "sanction_months": ("i", ()),
    "difficulty": ("f", ()),
}


@dataclass(frozen=True)
class Waivers:
    """Approved fault-tolerance waivers (容错免责), sparse and in row order: row i of the cohort,
    indicator column j, and the percent (1–100) of that indicator's deduction waived."""

    rows: IntArray
    columns: IntArray
    shares: IntArray

    @classmethod
    def of(cls, entries: Iterable[tuple[int, int, int]]) -> Waivers:
        """From (row, column, share) triples in any order."""
        ordered = sorted(entries)
        rows, columns, shares = (np.array([e[i] for e in ordered], dtype=np.int64) for i in range(3))
        return cls(rows, columns, shares)

    def between(self, start: int, stop: int) -> slice:
        """The waivers of rows start..stop−1."""
        low, high = np.searchsorted(self.rows, (start, stop))
        return slice(int(low), int(high))

    def problems(self, size: int, scheme: Scheme | None) -> list[Problem]:
        """Rows in the cohort and in order, shares 1–100, each on a weighted indicator that can lose points."""
        if not (self.rows.shape == self.columns.shape == self.shares.shape):
            return [Problem("column_shape", "waivers", {"column": "waivers", "expected": "", "actual": ""})]
        problems: list[Problem] = []
        if self.rows.size and (self.rows.min() < 0 or self.rows.max() >= size or (np.diff(self.rows) < 0).any()):
            problems.append(Problem("column_out_of_range", "waivers", {"column": "waivers.rows"}))
        if self.shares.size and (self.shares.min() < 1 or self.shares.max() > 100):
            problems.append(Problem("column_out_of_range", "waivers", {"column": "waivers.shares"}))
        if scheme is not None:
            waivable = {j for j, spec in enumerate(scheme.indicators) if spec.counted and spec.weight > 0}
            problems += [Problem("waiver_not_a_deduction", "waivers", {"indicator": scheme.indicators[j].code
                                                                         if 0 <= j < len(scheme.indicators) else j})
                         for j in sorted(set(self.columns.tolist()) - waivable)]
        return problems


NO_WAIVERS = Waivers(*(np.zeros(0, dtype=np.int64) for _ in range(3)))


@dataclass(frozen=True, kw_only=True)
class Cohort:
    """The whole cohort's inputs as numpy columns (see docs/engine.md for each column's meaning).

    quarter_grades: 0 none, 1 好, 2 较好, 3 一般, 4 较差. history: previous five years' grades, most
    recent first (0 none, 1 优秀, 2 称职, 3 基本称职, 4 不称职). satisfaction: NaN = sample too small
    (the gate is not applied). sanction_months: promotion-blocking period of the longest active
    sanction (公务员法 第64条: 警告 6, 记过 12, 记大过 18, 降级/撤职 24; 0 none).
    quota_raises: (group, pool) → extra 优秀 places granted by a recorded approval.
    group_quota_ratios: group → the 优秀 ratio of that group instead of the scheme's (a unit's own
    appraisal result sets its staff's quota; the caller enforces the ceiling and its approval).
    unit_head_gate / party_secretary_gate: the unit's own result blocks its head / party secretary.
    waivers: approved 容错免责 waivers.
    """

    person_ids: IntArray
    group_ids: IntArray
    pool_ids: IntArray
    values: FloatArray
    quarter_grades: Int8Array
    special_scores: FloatArray
    rater_sum: FloatArray
    rater_count: FloatArray
    rater_min: FloatArray
    rater_max: FloatArray
    satisfaction: FloatArray
    veto: BoolArray
    warning_this_year: BoolArray
    unit_head_gate: BoolArray
    party_secretary_gate: BoolArray
    accountability_this_year: BoolArray
    demerit_or_heavier_active: BoolArray
    under_investigation: BoolArray
    on_probation: BoolArray
    leave_days: IntArray
    working_days: int
    protected: BoolArray
    history: Int8Array
    step_credit_years: IntArray
    level_credit_years: IntArray
    sanction_months: IntArray
    difficulty: FloatArray
    quota_raises: Mapping[tuple[int, int], int] = field(default_factory=dict)
    group_quota_ratios: Mapping[int, Decimal] = field(default_factory=dict)
    waivers: Waivers = NO_WAIVERS
    as_of: dt.date

    @property
    def size(self) -> int:
        """Number of people n."""
        return int(self.person_ids.shape[0])

    def validate_shapes(self, scheme: Scheme | None = None) -> list[Problem]:
        """Dtypes and shapes of every column (k and r checked against `scheme` when given), then ranges."""
        sizes = {"k": len(scheme.indicators) if scheme else None, "r": len(scheme.rater_weights) if scheme else None}
        problems: list[Problem] = []
        for name, (kind, tail) in COLUMNS.items():
            problems += _column_problems(name, getattr(self, name), kind, (self.size, *tail), sizes)
        return problems or self._range_problems() + self.waivers.problems(self.size, scheme)

    def _range_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if _has_duplicates(self.person_ids):
            problems.append(Problem("person_ids_duplicate", "person_ids", {}))
        checks = (
            ("quarter_grades", self.quarter_grades, 0, 4),
            ("history", self.history, 0, 4),
            ("leave_days", self.leave_days, 0, None),
            ("rater_count", self.rater_count, 0, None),
            ("step_credit_years", self.step_credit_years, 0, None),
            ("level_credit_years", self.level_credit_years, 0, None),
            ("sanction_months", self.sanction_months, 0, None),
        )
        for name, column, low, high in checks:
            if column.size and (column.min() < low or (high is not None and column.max() > high)):
                problems.append(Problem("column_out_of_range", name, {"column": name}))
        if self.difficulty.size and not (self.difficulty.min() > 0 and np.isfinite(self.difficulty.max())):
            problems.append(Problem("column_out_of_range", "difficulty", {"column": "difficulty"}))
        if self.working_days <= 0:
            problems.append(Problem("working_days_not_positive", "working_days", {"value": self.working_days}))
        problems += [
            Problem("quota_raise_negative", "quota_raises", {"group": key[0], "pool": key[1], "raise": extra})
            for key, extra in self.quota_raises.items()
            if extra < 0
        ]
        problems += [
            Problem("quota_ratio_out_of_range", "group_quota_ratios", {"ratio": ratio})
            for ratio in self.group_quota_ratios.values()
            if not 0 < ratio <= 1
        ]
        return problems


def _has_duplicates(ids: IntArray) -> bool:
    """Whether any id occurs twice: one pass when the ids are increasing (the usual order), else a sort."""
    if ids.size < 2 or bool((ids[1:] > ids[:-1]).all()):
        return False
    ordered = np.sort(ids)
    return bool((ordered[1:] == ordered[:-1]).any())


def _column_problems(
    name: str, column: npt.NDArray[np.generic], kind: str, shape: tuple[int | str, ...], sizes: dict[str, int | None]
) -> list[Problem]:
    if not isinstance(column, np.ndarray) or column.dtype.kind != kind:
        actual = column.dtype.kind if isinstance(column, np.ndarray) else type(column).__name__
        return [Problem("column_dtype", name, {"column": name, "expected": kind, "actual": actual})]
    expected = tuple(sizes.get(d) if isinstance(d, str) else d for d in shape)
    if column.ndim != len(expected) or any(
        e is not None and e != a for e, a in zip(expected, column.shape, strict=True)
    ):
        params = {"column": name, "expected": str(expected), "actual": str(column.shape)}
        return [Problem("column_shape", name, params)]
    return []
