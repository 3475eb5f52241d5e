"""Working-day arithmetic on the Chinese calendar (chinesecalendar data), fail-closed on unknown years."""

import datetime as dt

import chinese_calendar
import pytest

from kaohe.engine.calendar import UnknownYear, WorkCalendar, due_after, period_end


@pytest.fixture(scope="module")
def calendar():
    years = {day.year for day in chinese_calendar.holidays}
    holidays = [day for day in chinese_calendar.holidays if day.weekday() < 5]
    return WorkCalendar.build(holidays, chinese_calendar.workdays, years)


def test_ten_working_days_after_2025_09_26_is_2025_10_16(calendar):
    assert due_after(calendar, dt.date(2025, 9, 26), 10, working=True) == dt.date(2025, 10, 16)


def test_a_five_working_day_publication_from_thursday_2026_02_12_ends_2026_02_25(calendar):
    assert period_end(calendar, dt.date(2026, 2, 12), 5, working=True) == dt.date(2026, 2, 25)


def test_thirty_calendar_days_from_2026_01_20_roll_out_of_the_spring_festival(calendar):
    plain = due_after(calendar, dt.date(2026, 1, 20), 30, working=False, roll_forward=False)

    assert plain == dt.date(2026, 2, 19)
    assert not calendar.is_working_day(plain)
    assert due_after(calendar, dt.date(2026, 1, 20), 30, working=False) == dt.date(2026, 2, 24)


def test_a_working_day_deadline_in_a_year_without_data_is_refused(calendar):
    with pytest.raises(UnknownYear) as refused:
        due_after(calendar, dt.date(2030, 3, 2), 10, working=True)

    assert refused.value.year == 2030
    assert "2030" in str(refused.value)


def test_a_make_up_saturday_is_a_working_day(calendar):
    assert calendar.is_working_day(dt.date(2026, 2, 14))
    assert not calendar.is_working_day(dt.date(2026, 2, 16))


def test_the_year_2026_has_248_working_days(calendar):
    assert calendar.working_days(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 248
