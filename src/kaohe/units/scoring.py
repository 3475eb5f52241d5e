"""Units through the engine: which units a cycle appraises under which scheme, their values as engine
columns, and the results with their explanations.

A township is scored by the scheme of its type; a department (a unit at the same level as the
government it belongs to) by the scheme of its category. Units compete for 优秀 within a group: the
townships of one county, or the departments of one government.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from kaohe.appraisal.models import Cycle
from kaohe.appraisal.scoring import engine_scheme_from_snapshot
from kaohe.engine import scheme as engine
from kaohe.engine.cohort import NO_WAIVERS, Cohort, Waivers
from kaohe.engine.explain import explain
from kaohe.engine.rules import Rubric
from kaohe.engine.scoring import CohortResult, score_cohort
from kaohe.indicators.choices import SchemeCategory
from kaohe.indicators.problems import ProblemsError
from kaohe.org.choices import Level, UnitCategory
from kaohe.org.models import Unit
from kaohe.units.models import UnitValue

SCHEME_OF_CATEGORY = {
    UnitCategory.TOWNSHIP_URBAN: "u_town_urban", UnitCategory.TOWNSHIP_INDUSTRIAL: "u_town_ind",
    UnitCategory.TOWNSHIP_AGRICULTURAL: "u_town_agri", UnitCategory.LAW_ENFORCEMENT: "u_dept_law",
    UnitCategory.SERVICE: "u_dept_service", UnitCategory.GENERAL: "u_dept_general",
}


def is_government(unit: Unit) -> bool:
    """The root, or a unit a level below its parent (a county under the city): a government, whose
    departments sit at its own level."""
    return unit.parent is None or unit.level != unit.parent.level


def unit_scheme_category(unit: Unit) -> str | None:
    """The unit scheme a unit is appraised by: a township by its type, a department of a government by
    its category, a section inside a department (科室, 二级机构) by the 五好 pattern; None for governments."""
    if unit.parent is None or not unit.category:
        return None
    if unit.level == Level.TOWNSHIP or (not is_government(unit) and is_government(unit.parent)):
        return SCHEME_OF_CATEGORY.get(UnitCategory(unit.category))
    return None if is_government(unit) else SchemeCategory.UNIT_SECTION


def group_of(unit: Unit) -> int:
    """Townships of one county compete together; so do the departments of one government."""
    return int(unit.parent_id or 0) * 2 + (1 if unit.level == Level.TOWNSHIP else 0)


def appraised_units(cycle: Cycle) -> dict[str, list[Unit]]:
    """The cycle's units by unit-scheme category (only categories with a scheme frozen in the cycle)."""
    found: dict[str, list[Unit]] = {}
    units = Unit.objects.filter(path__startswith=cycle.root.path).select_related("parent__parent").order_by("id")
    for unit in units:
        category = unit_scheme_category(unit)
        if category is not None and category in cycle.schemes:
            found.setdefault(category, []).append(unit)
    return found


@dataclass(frozen=True)
class UnitPartition:
    category: str
    scheme: engine.Scheme
    units: list[Unit]
    cohort: Cohort


def unit_partitions(cycle: Cycle, as_of: dt.date, waivers: dict[tuple[int, str], int]) -> list[UnitPartition]:
    values = {(v.unit_id, v.code): v for v in UnitValue.objects.filter(year=cycle.year)}
    partitions = []
    for category, units in sorted(appraised_units(cycle).items()):
        scheme = engine_scheme_from_snapshot(cycle.schemes[category])
        partitions.append(UnitPartition(category, scheme, units, unit_cohort(scheme, units, values, waivers, as_of)))
    return partitions


def _column(spec: engine.IndicatorSpec, units: list[Unit], values: dict[tuple[int, str], UnitValue]) -> list[float]:
    column = []
    for unit in units:
        found = values.get((unit.pk, spec.code))
        if found is None:
            column.append(np.nan)
        elif isinstance(spec.rule, Rubric):
            levels = spec.rule.levels
            column.append(float(levels.index(found.level)) if found.level in levels else np.nan)
        else:
            column.append(np.nan if found.value is None else float(found.value))
    return column


def unit_cohort(scheme: engine.Scheme, units: list[Unit], values: dict[tuple[int, str], UnitValue],
                waivers: dict[tuple[int, str], int], as_of: dt.date) -> Cohort:
    """Units as engine rows: their values; no raters, quarters or personnel records."""
    n, r = len(units), len(scheme.rater_weights)
    zeros, false = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    matrix = np.array([_column(spec, units, values) for spec in scheme.indicators], dtype=np.float64).T
    columns = {spec.code: j for j, spec in enumerate(scheme.indicators) if spec.counted and spec.weight > 0}
    rows = {unit.pk: i for i, unit in enumerate(units)}
    unit_waivers = Waivers.of((rows[u], columns[c], share) for (u, c), share in waivers.items()
                              if u in rows and c in columns) if waivers else NO_WAIVERS
    return Cohort(
        person_ids=np.array([u.pk for u in units], dtype=np.int64),
        group_ids=np.array([group_of(u) for u in units], dtype=np.int64), pool_ids=zeros.copy(),
        values=matrix.reshape(n, len(scheme.indicators)), quarter_grades=np.zeros((n, 4), dtype=np.int8),
        special_scores=np.full(n, np.nan), rater_sum=np.zeros((n, r)), rater_count=np.zeros((n, r)),
        rater_min=np.zeros((n, r)), rater_max=np.zeros((n, r)), satisfaction=np.full(n, np.nan),
        veto=false.copy(), warning_this_year=false.copy(), unit_head_gate=false.copy(),
        party_secretary_gate=false.copy(), accountability_this_year=false.copy(),
        demerit_or_heavier_active=false.copy(), under_investigation=false.copy(), on_probation=false.copy(),
        leave_days=zeros.copy(), working_days=250, protected=false.copy(), history=np.zeros((n, 5), dtype=np.int8),
        step_credit_years=zeros.copy(), level_credit_years=zeros.copy(), sanction_months=zeros.copy(),
        difficulty=np.ones(n), waivers=unit_waivers, as_of=as_of,
    )


def score_partition(part: UnitPartition) -> list[dict[str, Any]]:
    """The engine's result for each unit: composite, grade, rank, indicator scores, explanation items."""
    result = score_cohort(part.scheme, part.cohort)
    if isinstance(result, list):
        raise ProblemsError(result)
    return [_row(part, result, i, unit) for i, unit in enumerate(part.units)]


def _row(part: UnitPartition, result: CohortResult, i: int, unit: Unit) -> dict[str, Any]:
    composite = float(result.scores.composite[i])
    scores = {spec.code: _number(result.scores.indicator_scores[i, j])
              for j, spec in enumerate(part.scheme.indicators) if spec.counted}
    explanation = explain(part.scheme, part.cohort, result, unit.pk)
    return {
        "unit": unit, "category": part.category, "group_id": int(part.cohort.group_ids[i]),
        "composite": None if np.isnan(composite) else round(composite, 2), "grade": int(result.grading.grade[i]),
        "rank": int(result.grading.rank[i]), "group_quota": int(result.grading.pool_quota[i]), "scores": scores,
        "explanation": [{"code": item.code, "params": _json(item.params)} for item in explanation.items],
    }


def _number(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def _json(params: Any) -> dict[str, Any]:
    return {key: (str(value) if not isinstance(value, int | str | float | type(None)) else value)
            for key, value in params.items()}
