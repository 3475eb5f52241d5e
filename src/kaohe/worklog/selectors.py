"""Reads of daily work within scope, and the warning lights of targets (绿黄橙红)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.engine.warnings import Light, expected_progress, progress_light
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

