"""Reads of daily work within scope, and the warning lights of targets (绿黄橙红)."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.models import QuarterGrade
from kaohe.engine.warnings import Light, expected_progress, inflation_alarm, progress_light
from kaohe.hotline.models import HotlineRecord
from kaohe.worklog.models import CommitmentStatus, CommitmentTask, SpecialTask


@dataclass(frozen=True)
class TargetLight:
    kind: str  # "commitment" or "special"
    title: str
    who: str
    unit_id: int
    deadline: dt.date
    expected: Decimal
    actual: Decimal
    light: Light


def target_lights(user: User, today: dt.date, *, yellow: Decimal = Decimal(10),
                  orange: Decimal = Decimal(20)) -> list[TargetLight]:
    """Every open target in the caller's scope with its light: approved commitment tasks and special tasks."""
    scope = scope_for(user)
    lights = []
    tasks = CommitmentTask.objects.filter(scope.people_q("commitment__person__"), commitment__superseded=False,
                                          commitment__status=CommitmentStatus.APPROVED, progress__lt=100
                                          ).select_related("commitment__person")
    for task in tasks:
        expected = expected_progress(task.start, task.deadline, today)
        lights.append(TargetLight("commitment", task.title, task.commitment.person.name,
                                  task.commitment.person.unit_id, task.deadline, expected, Decimal(task.progress),
                                  progress_light(Decimal(task.progress), expected, yellow=yellow, orange=orange)))
    for special in SpecialTask.objects.filter(scope.units_q("unit__"), progress__lt=100).select_related("unit"):
        expected = expected_progress(special.start, special.deadline, today)
        lights.append(TargetLight("special", special.title, special.unit.name, special.unit_id, special.deadline,
                                  expected, Decimal(special.progress),
                                  progress_light(Decimal(special.progress), expected, yellow=yellow, orange=orange)))
    return sorted(lights, key=lambda t: (-list(Light).index(t.light), t.deadline))



QUARTER_POINTS = {1: 100.0, 2: 85.0, 3: 70.0, 4: 50.0}  # 好/较好/一般/较差 as points, for unit means


@dataclass(frozen=True)
class InflationAlarm:
    """A unit whose internal quarter grades rose while its 12345 complaints rose too (评分虚高预警)."""

    unit: str
    score_before: float
    score_now: float
    complaints_before: int
    complaints_now: int


def _quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def _previous(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def inflation_alarms(user: User, year: int, quarter: int) -> list[InflationAlarm]:
    """Units in the caller's scope whose mean 平时 grade (as points) rose from the previous quarter while
    the complaints against them or their people rose as well."""
    scope, periods = scope_for(user), (_previous(year, quarter), (year, quarter))
    scores: dict[tuple[int, tuple[int, int]], list[float]] = defaultdict(list)
    names: dict[int, str] = {}
    grades = QuarterGrade.objects.filter(scope.people_q("person__"), grade__isnull=False).filter(
        Q(year=year, quarter=quarter) | Q(year=periods[0][0], quarter=periods[0][1]))
    for unit, name, y, q, grade in grades.values_list("person__unit_id", "person__unit__name", "year", "quarter",
                                                      "grade").iterator():
        scores[unit, (y, q)].append(QUARTER_POINTS[int(grade or 0)])
        names[unit] = name
    complaints: Counter[tuple[int, tuple[int, int]]] = Counter()
    records = HotlineRecord.objects.filter(scope.people_q("person__") | scope.units_q("unit__"),
                                           classification="complaint", received_on__gte=_quarter_start(*periods[0]),
                                           received_on__lt=_quarter_start(*_next(year, quarter)))
    for person_unit, unit, day in records.values_list("person__unit_id", "unit_id", "received_on").iterator():
        complaints[person_unit or unit, (day.year, (day.month - 1) // 3 + 1)] += 1
    alarms = []
    for unit in sorted(names, key=names.__getitem__):
        then, now = (scores.get((unit, period)) for period in periods)
        if not now or not then:
            continue
        mean_then, mean_now = sum(then) / len(then), sum(now) / len(now)
        c_then, c_now = (complaints[unit, period] for period in periods)
        if inflation_alarm(mean_then, mean_now, c_then, c_now):
            alarms.append(InflationAlarm(names[unit], round(mean_then, 1), round(mean_now, 1), c_then, c_now))
    return alarms


def _next(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)
