"""Working-day arithmetic on the Chinese calendar (法定节假日 and 调休), pure and fail-closed.

A `WorkCalendar` knows, for each year it has data for, which weekdays are holidays and which
weekend days are make-up working days. Asking about a year it has no data for raises
`UnknownYear` naming the year: a deadline is refused, never guessed (DOMAIN.md "Workflow").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["UnknownYear", "WorkCalendar"]

ONE_DAY = dt.timedelta(days=1)


class UnknownYear(Exception):
    """The calendar has no holiday data for this year."""

    def __init__(self, year: int) -> None:
        super().__init__(f"No working-day calendar for {year}")
        self.year = year


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays on weekdays, make-up working days on weekends, and the years covered."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    years: frozenset[int]

    @classmethod
    def build(cls, holidays: Iterable[dt.date], workdays: Iterable[dt.date], years: Iterable[int]) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(workdays), frozenset(years))

    def is_working_day(self, day: dt.date) -> bool:
        """A working day: a weekday that is no holiday, or a weekend make-up day (调休)."""
        if day.year not in self.years:
            raise UnknownYear(day.year)
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_days(self, start: dt.date, end: dt.date) -> int:
        """Number of working days from `start` to `end`, both included."""
        count, day = 0, start
        while day <= end:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (`start` itself not counted)."""
        day, left = start, n
        while left > 0:
            day += ONE_DAY
            left -= self.is_working_day(day)
        return day

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_calendar_days(self, start: dt.date, n: int, *, roll_forward: bool = True) -> dt.date:
        """`start` + n days; with `roll_forward`, a deadline on a non-working day moves to the next one."""
        end = start + dt.timedelta(days=n)
        return self.next_working_day(end) if roll_forward else end


def period_end(calendar: WorkCalendar, start: dt.date, n: int, *, working: bool) -> dt.date:
    """The last day of a period of `n` days that starts on `start` (the start day counts), e.g. 公示
    "不少于5个工作日" from its first day."""
    if working:
        return calendar.add_working_days(start - ONE_DAY, n)
    return start + dt.timedelta(days=n - 1)


def due_after(calendar: WorkCalendar, event: dt.date, n: int, *, working: bool, roll_forward: bool = True) -> dt.date:
    """A deadline `n` days after an event; the event's own day is not counted (期间开始之日不计算在内).

    Calendar days ending on a non-working day roll to the next working day when `roll_forward`.
    """
    if working:
        return calendar.add_working_days(event, n)
    return calendar.add_calendar_days(event, n, roll_forward=roll_forward)
