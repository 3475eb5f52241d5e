"""The working-day calendar the system uses: chinesecalendar's statutory holidays and 调休, corrected
and extended by administrators (`core.CalendarDay`, `core.CalendarYear`)."""

import datetime as dt
from typing import Any

import chinese_calendar
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import audit_append
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.models import CalendarDay, CalendarYear
from kaohe.engine.calendar import UnknownYear, WorkCalendar

_built: dict[int, WorkCalendar] = {}


def _version() -> int:
    return int(cache.get("kaohe.calendar.version", 0))


def work_calendar() -> WorkCalendar:
    """The current calendar (rebuilt in every process when an administrator has changed it)."""
    version = _version()
    if version not in _built:
        _built.clear()
        _built[version] = _build()
    return _built[version]


def _build() -> WorkCalendar:
    years = {d.year for d in chinese_calendar.holidays} | set(CalendarYear.objects.values_list("year", flat=True))
    holidays = {d for d in chinese_calendar.holidays if d.weekday() < 5}
    workdays = set(chinese_calendar.workdays)
    for date, working in CalendarDay.objects.values_list("date", "working"):
        (workdays if working else holidays).add(date)
        (holidays if working else workdays).discard(date)
    return WorkCalendar.build(holidays, workdays, years)


def unknown_year_message(error: UnknownYear) -> str:
    return _("There is no working-day calendar for %(year)s yet: the administrator must enter that year's "
             "holidays first.") % {"year": error.year}


def _require_system_admin(actor: Any) -> None:
    from kaohe.accounts.roles import Role
    from kaohe.accounts.scope import scope_for

    if actor is not None and not scope_for(actor, roles=[Role.SYSTEM_ADMIN]).has(Role.SYSTEM_ADMIN):
        raise PermissionDeniedError(_("Only the system administrator maintains the calendar."))


def calendar_day_set(*, actor: Any, date: dt.date, working: bool, name: str = "") -> CalendarDay:
    """Record a holiday or make-up working day (system administrator's job; audited)."""
    _require_system_admin(actor)
    with transaction.atomic():
        day, _created = CalendarDay.objects.update_or_create(date=date, defaults={"working": working, "name": name})
        audit_append(actor=actor, action="core.calendar.set", object_type="date", object_id=date.isoformat(),
                     detail={"working": working, "name": name})
    cache.set("kaohe.calendar.version", _version() + 1, None)
    return day


def calendar_year_declare(*, actor: Any, year: int, source: str) -> CalendarYear:
    """Declare a year's holidays complete, so deadlines in it can be counted."""
    _require_system_admin(actor)
    if not source.strip():
        raise ApplicationError(_("Name the notice the holidays come from."), field="source")
    with transaction.atomic():
        declared, _created = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
        audit_append(actor=actor, action="core.calendar.year", object_type="year", object_id=year,
                     detail={"source": source})
    cache.set("kaohe.calendar.version", _version() + 1, None)
    return declared
