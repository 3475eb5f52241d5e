"""Scoped reads of the analysis: which run and unit a viewer may analyse, and their roll-ups.

A viewer analyses a unit subtree inside their data scope (`accounts.scope.scope_for`); runs come
through `appraisal.selectors` (cycles in scope), units through `org.selectors`. Roll-up rows of a
subtree are read by path prefix, so nothing outside the chosen subtree is ever returned.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import Scope, scope_for
from kaohe.analytics.models import SegmentRollup, UnitRollup
from kaohe.appraisal import selectors as appraisal_selectors
from kaohe.appraisal.models import ScoringRun
from kaohe.core.bulk import fetch_all
from kaohe.core.errors import NotFoundError, PermissionDeniedError
from kaohe.indicators.choices import SchemeCategory
from kaohe.org import selectors as org_selectors
from kaohe.org.choices import Level
from kaohe.org.models import CivilServant, Department, Unit

# Roles that see names in analysis pages and exports; others (the system administrator) get them masked.
NAME_ROLES = (Role.APPRAISAL_OFFICE, Role.COMMITTEE, Role.SUPERVISOR, Role.DISCIPLINE)
# Roles whose leaders use the dashboards and statistics.
ANALYST_ROLES = (Role.APPRAISAL_OFFICE, Role.COMMITTEE, Role.SUPERVISOR, Role.DISCIPLINE)


def names_visible(scope: Scope) -> bool:
    return scope.has(*NAME_ROLES)


def require_analyst(user: User) -> Scope:
    """The caller's scope, if they lead or analyse some unit subtree; 403 otherwise."""
    scope = scope_for(user)
    if not scope.has(*ANALYST_ROLES) or not scope.unit_paths:
        raise PermissionDeniedError(_("The analysis pages are for leaders, the appraisal office, the committee "
                                      "and discipline inspectors of a unit."))
    return scope


def run_for(user: User, run_id: int | None = None) -> ScoringRun:
    """The chosen run, or the current run of the most recent cycle in scope."""
    if run_id is not None:
        return appraisal_selectors.run_get(user, run_id)
    run = (ScoringRun.objects.select_related("cycle__root")
           .filter(is_current=True, cycle__in=appraisal_selectors.cycles_visible(user))
           .order_by("-cycle__year", "-cycle_id").first())
    if run is None:
        raise NotFoundError(_("No scored appraisal cycle in your data scope yet: run the scoring first."))
    return run


@dataclass(frozen=True)
class Subtree:
    """The run and the unit whose subtree a page analyses."""

    run: ScoringRun
    unit: Unit
    is_cycle_root: bool


def subtree_for(user: User, run: ScoringRun, unit_id: int | None = None) -> Subtree:
    """The unit to analyse: the one asked for (in scope and in the cycle), else the viewer's top unit."""
    scope = require_analyst(user)
    root = run.cycle.root
    if unit_id is None:
        unit = root if scope.covers_path(root.path) else _top_unit_in(scope, root)
    else:
        unit = org_selectors.unit_get(user, unit_id)
        if not scope.covers_path(unit.path) or not unit.path.startswith(root.path):
            raise NotFoundError(_("No unit with id %(id)s in your data scope.") % {"id": unit_id})
    return Subtree(run, unit, unit.pk == root.pk)


def _top_unit_in(scope: Scope, root: Unit) -> Unit:
    inside = [p for p in scope.unit_paths if p.startswith(root.path)]
    unit = Unit.objects.filter(path__in=inside).order_by("depth", "path").first()
    if unit is None:
        raise NotFoundError(_("The cycle's units lie outside your data scope."))
    return unit


def rollup(tree: Subtree) -> UnitRollup | None:
    return UnitRollup.objects.filter(run=tree.run, unit=tree.unit, tree=True).first()


def own_rollup(tree: Subtree) -> UnitRollup | None:
    return UnitRollup.objects.filter(run=tree.run, unit=tree.unit, tree=False).first()


def city_rollup(tree: Subtree) -> UnitRollup | None:
    """The whole cycle's figures (aggregates only: no person can be picked out)."""
    return UnitRollup.objects.filter(run=tree.run, unit=tree.run.cycle.root, tree=True).first()


def children(tree: Subtree) -> QuerySet[UnitRollup]:
    """Subtree roll-ups of the unit's direct children, with the unit's own group if it has people."""
    return (UnitRollup.objects.filter(run=tree.run, tree=True, depth=tree.unit.depth + 1,
                                      path__startswith=tree.unit.path)
            .select_related("unit").order_by("path"))


def groups(tree: Subtree) -> QuerySet[UnitRollup]:
    """Own-group roll-ups of every unit in the subtree (the appraisal groups)."""
    return (UnitRollup.objects.filter(run=tree.run, tree=False, path__startswith=tree.unit.path)
            .select_related("unit").order_by("path"))


SEGMENT_SUMS = ("people", "grade_1", "grade_2", "grade_3", "grade_4", "no_grade", "non_grade", "quota",
                "participants")


def segments(tree: Subtree) -> list[dict[str, Any]]:
    """Figures per scheme category × unit level (with `category_label`, `level_label`): exact roll-ups for
    the whole cycle, else summed from the subtree's groups (counts, quotas, means exact; no percentiles)."""
    if tree.is_cycle_root:
        rows: list[dict[str, Any]] = [dict(r) for r in SegmentRollup.objects.filter(run=tree.run)
                                      .order_by("category", "level").values()]
        return _labelled(rows)
    summed: dict[tuple[str, str], dict[str, Any]] = {}
    for row in groups(tree).values(*SEGMENT_SUMS, "category", "level", "composite_mean"):
        key = (row["category"], row["level"])
        target = summed.setdefault(key, {"category": key[0], "level": key[1], "weighted": 0.0, "scored": 0,
                                         **dict.fromkeys(SEGMENT_SUMS, 0)})
        for name in SEGMENT_SUMS:
            target[name] += row[name]
        if row["composite_mean"] is not None:
            target["weighted"] += row["composite_mean"] * row["people"]
            target["scored"] += row["people"]
    out = []
    for key in sorted(summed):
        row = summed[key]
        row["composite_mean"] = round(row.pop("weighted") / row["scored"], 2) if row["scored"] else None
        row.pop("scored")
        out.append(row)
    return _labelled(out)


def _labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    categories, levels = dict(SchemeCategory.choices), dict(Level.choices)
    for row in rows:
        row["category_label"] = str(categories.get(row["category"], row["category"]))
        row["level_label"] = str(levels.get(row["level"], row["level"]))
    return rows


def trend_runs(user: User, tree: Subtree) -> list[tuple[int, UnitRollup]]:
    """(year, subtree roll-up) of the unit in the current run of every visible cycle, oldest first."""
    rows = (UnitRollup.objects.filter(unit=tree.unit, tree=True, run__is_current=True,
                                      run__cycle__in=appraisal_selectors.cycles_visible(user))
            .select_related("run__cycle").order_by("run__cycle__year"))
    by_year: dict[int, UnitRollup] = {}
    for row in rows:
        by_year.setdefault(row.run.cycle.year, row)
    if tree.run.cycle.year not in by_year:
        current = rollup(tree)
        if current is not None:
            by_year[tree.run.cycle.year] = current
    return sorted(by_year.items())


def previous_groups(user: User, tree: Subtree) -> dict[int, UnitRollup]:
    """Own-group roll-ups of the subtree in the current run of the previous year's cycle (for alarms)."""
    run = (ScoringRun.objects.filter(is_current=True, cycle__year__lt=tree.run.cycle.year,
                                     cycle__in=appraisal_selectors.cycles_visible(user))
           .order_by("-cycle__year").first())
    if run is None:
        return {}
    return {r.unit_id: r for r in UnitRollup.objects.filter(run=run, tree=False, path__startswith=tree.unit.path)}


def current_runs(user: User, limit: int = 10) -> list[tuple[int, str, int]]:
    """(year, cycle name, run id) of the current run of each visible cycle, most recent first."""
    runs = (ScoringRun.objects.filter(is_current=True, cycle__in=appraisal_selectors.cycles_visible(user))
            .order_by("-cycle__year", "-cycle_id").values_list("cycle__year", "cycle__name", "pk")[:limit])
    return list(runs)


def path_names(tree: Subtree) -> list[tuple[int, str]]:
    """(id, name) of the units from the cycle root down to the analysed unit (all inside the scope)."""
    ids = [int(p) for p in tree.unit.path.strip("/").split("/")][tree.run.cycle.root.depth:]
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [(pk, names.get(pk, "")) for pk in ids]


@dataclass(frozen=True)
class Member:
    """A person of the subtree as the rater statistics need them."""

    person_id: int
    name: str
    unit_id: int
    department_id: int | None
    leading: bool


def subtree_members(tree: Subtree) -> list[Member]:
    """Active people of the analysed subtree (inside the caller's scope: `subtree_for` checked it)."""
    query = (CivilServant.objects.filter(unit__path__startswith=tree.unit.path, status="active")
             .order_by("id").values_list("id", "name", "unit_id", "department_id", "position__is_leading"))
    return [Member(pid, name, unit, dep, bool(lead)) for pid, name, unit, dep, lead in fetch_all(query)]


def subtree_departments(tree: Subtree) -> dict[int, str]:
    query = Department.objects.filter(unit__path__startswith=tree.unit.path).values_list("id", "unit__name", "name")
    return {pk: f"{unit} · {name}" for pk, unit, name in query}


def group_names(tree: Subtree) -> dict[int, str]:
    return dict(UnitRollup.objects.filter(run=tree.run, tree=False, path__startswith=tree.unit.path)
                .values_list("unit_id", "unit__name"))
