"""The administrator corrects and extends the working-day calendar; deadlines follow at once."""

import datetime as dt

import pytest

from kaohe.accounts.roles import Role
from kaohe.core.calendar import calendar_day_set, calendar_year_declare, work_calendar
from kaohe.core.errors import PermissionDeniedError
from kaohe.engine.calendar import UnknownYear
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_extra_holiday_entered_by_the_administrator_moves_deadlines(city):
    admin = factories.user("sys", role=Role.SYSTEM_ADMIN, scope=city.city)
    assert work_calendar().is_working_day(dt.date(2026, 6, 1))

    calendar_day_set(actor=admin, date=dt.date(2026, 6, 1), working=False, name="临时调整")

    assert not work_calendar().is_working_day(dt.date(2026, 6, 1))


def test_a_new_year_becomes_usable_only_when_declared(city):
    admin = factories.user("sys", role=Role.SYSTEM_ADMIN, scope=city.city)
    with pytest.raises(UnknownYear):
        work_calendar().is_working_day(dt.date(2031, 1, 5))

    calendar_day_set(actor=admin, date=dt.date(2031, 1, 1), working=False, name="元旦")
    calendar_year_declare(actor=admin, year=2031, source="国务院办公厅关于2031年部分节假日安排的通知")

    assert not work_calendar().is_working_day(dt.date(2031, 1, 1))
    assert work_calendar().is_working_day(dt.date(2031, 1, 2))


def test_only_the_system_administrator_edits_the_calendar(city):
    office = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)

    with pytest.raises(PermissionDeniedError):
        calendar_day_set(actor=office, date=dt.date(2026, 6, 1), working=False)

    assert work_calendar().is_working_day(dt.date(2026, 6, 1))
