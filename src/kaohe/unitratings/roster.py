"""Who takes part: a government's departments, the units whose people rate them, and rateable units."""

from django.db.models import QuerySet

from kaohe.org.choices import Level, PersonStatus
from kaohe.org.models import CivilServant, Unit
from kaohe.units.scoring import is_government, unit_scheme_category


def is_department(unit: Unit) -> bool:
    """A government's department, appraised by a department scheme (`u_dept_*`)."""
    return (unit_scheme_category(unit) or "").startswith("u_dept_")


def is_appraised(unit: Unit) -> bool:
    """A unit appraised by a unit scheme: a township or a government's department."""
    return unit_scheme_category(unit) is not None


def departments_of(government: Unit) -> list[Unit]:
    """The government's departments, in tree order."""
    children = Unit.objects.filter(parent=government).select_related("parent__parent").order_by("path")
    return [unit for unit in children if is_department(unit)]


def rater_units(government: Unit) -> list[Unit]:
    """Townships and lower governments under the government: their people rate its departments."""
    below = (Unit.objects.filter(path__startswith=government.path).exclude(pk=government.pk)
             .select_related("parent").order_by("path"))
    return [unit for unit in below if unit.level == Level.TOWNSHIP or is_government(unit)]


def leading_staff(government: Unit) -> QuerySet[CivilServant]:
    """The active leading staff of the rater units: the default raters of a round."""
    return CivilServant.objects.filter(unit__in=rater_units(government), status=PersonStatus.ACTIVE,
                                       position__is_leading=True).order_by("pk")


def strangers(government: Unit, people: list[CivilServant]) -> list[CivilServant]:
    """The people who may not rate the government's departments (not active in a rater unit)."""
    allowed = {unit.pk for unit in rater_units(government)}
    return [p for p in people if p.unit_id not in allowed or p.status != PersonStatus.ACTIVE]
