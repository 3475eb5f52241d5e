"""The working-day calendar the system uses: chinesecalendar's statutory holidays and 调休."""

from functools import cache

import chinese_calendar

from kaohe.engine.calendar import WorkCalendar


@cache
def work_calendar() -> WorkCalendar:
    years = {day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays}
    holidays = [day for day in chinese_calendar.holidays if day.weekday() < 5]
    return WorkCalendar.build(holidays, chinese_calendar.workdays, years)
