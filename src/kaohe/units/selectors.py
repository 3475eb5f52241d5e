"""Scoped reads of unit appraisal, and the automatic-collection rate (自动采集率) per unit and indicator."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.models import Cycle
from kaohe.collection.models import IndicatorValue
from kaohe.core.errors import NotFoundError
from kaohe.indicators.choices import AUTOMATIC_SOURCES
from kaohe.org.models import Unit
from kaohe.units.models import UnitLeader, UnitResult, UnitValue

AUTOMATIC_GOAL = 90  # percent of values arriving without manual entry (the plan's goal)


def unit_results(user: User, cycle: Cycle) -> QuerySet[UnitResult]:
    """The current run's results for the units in the caller's scope, best first within each category."""
    return (UnitResult.objects.filter(run__cycle=cycle, run__is_current=True)
            .filter(scope_for(user).units_q("unit__")).select_related("unit", "run")
            .order_by("category", "group_id", "-composite"))


def unit_result_get(user: User, cycle: Cycle, unit_id: int) -> UnitResult:
    result = unit_results(user, cycle).filter(unit_id=unit_id).first()
    if result is None:
        raise NotFoundError(_("No appraisal result for unit %(id)s in your data scope.") % {"id": unit_id})
    return result


def unit_values(unit: Unit, year: int) -> QuerySet[UnitValue]:
    return UnitValue.objects.filter(unit=unit, year=year).order_by("code")


def leaders_of(unit: Unit) -> QuerySet[UnitLeader]:
    return UnitLeader.objects.filter(unit=unit, end__isnull=True).select_related("person")


@dataclass(frozen=True)
class CollectionRate:
    """How many of a unit's values of one indicator arrived automatically (feeds, QR, hotline, ballots…)."""

    code: str
    automatic: int
    total: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.automatic / self.total, 1) if self.total else 0.0

    @property
    def below_goal(self) -> bool:
        return self.total > 0 and self.percent < AUTOMATIC_GOAL


def collection_rates(user: User, unit: Unit, year: int) -> list[CollectionRate]:
    """Per indicator: values of the unit's people (and the unit's own) that arrived automatically."""
    if not scope_for(user).covers_path(unit.path):
        raise NotFoundError(_("No unit with id %(id)s in your data scope.") % {"id": unit.pk})
    automatic = Count("id", filter=Q(source__in=AUTOMATIC_SOURCES))
    rows = {r["code"]: (r["auto"], r["total"]) for r in IndicatorValue.objects.filter(
        year=year, person__unit__path__startswith=unit.path).values("code").annotate(auto=automatic, total=Count("id"))}
    for r in UnitValue.objects.filter(year=year, unit=unit).values("code").annotate(auto=automatic, total=Count("id")):
        before = rows.get(r["code"], (0, 0))
        rows[r["code"]] = (before[0] + r["auto"], before[1] + r["total"])
    return [CollectionRate(code, auto, total) for code, (auto, total) in sorted(rows.items())]


def overall_rate(rates: list[CollectionRate]) -> CollectionRate:
    return CollectionRate("", sum(r.automatic for r in rates), sum(r.total for r in rates))
