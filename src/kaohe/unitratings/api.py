"""API of ratings between units: reverse rounds and collaboration tasks in scope, and their published results.

Read-only on purpose: reverse scores are cast on the rating page only (its request body is kept out of
every log), and a reverse result carries exactly what the page shows (a withheld department without numbers).
"""

from decimal import Decimal

from ninja import Router, Schema

from kaohe.accounts.http import AuthedRequest
from kaohe.unitratings import selectors
from kaohe.unitratings.models import CollaborationTask, ReverseRound

router = Router(tags=["unit ratings"])


class ReverseRoundOut(Schema):
    id: int
    name: str
    year: int
    government_id: int
    status: str
    anonymity_min: int


class ReverseResultOut(Schema):
    department_id: int
    department_name: str
    state: str
    n: int | None
    mean: Decimal | None


class TaskOut(Schema):
    id: int
    name: str
    year: int
    unit_id: int
    status: str
    participants: list[int]


class TaskResultOut(Schema):
    unit_id: int
    unit_name: str
    n: int
    mean: Decimal | None


def _round(rnd: ReverseRound) -> ReverseRoundOut:
    return ReverseRoundOut(id=rnd.pk, name=rnd.name, year=rnd.year, government_id=rnd.government_id,
                           status=rnd.status, anonymity_min=rnd.anonymity_min)


def _task(task: CollaborationTask) -> TaskOut:
    return TaskOut(id=task.pk, name=task.name, year=task.year, unit_id=task.unit_id, status=task.status,
                   participants=sorted(u.pk for u in task.participants.all()))


@router.get("/reverse/rounds", response=list[ReverseRoundOut])
def reverse_rounds(request: AuthedRequest) -> list[ReverseRoundOut]:
    return [_round(r) for r in selectors.reverse_rounds_visible(request.user).order_by("-year", "-pk")[:500]]


@router.get("/reverse/rounds/{round_id}/results", response=list[ReverseResultOut])
def reverse_results(request: AuthedRequest, round_id: int) -> list[ReverseResultOut]:
    rnd = selectors.reverse_round_get(request.user, round_id)
    return [ReverseResultOut(department_id=r.department.pk, department_name=r.department.name, state=r.cell.state,
                             n=r.n, mean=r.mean) for r in selectors.reverse_results(request.user, rnd)]


@router.get("/collaboration/tasks", response=list[TaskOut])
def tasks(request: AuthedRequest) -> list[TaskOut]:
    return [_task(t) for t in selectors.tasks_visible(request.user).prefetch_related("participants")
                              .order_by("-year", "-pk")[:500]]


@router.get("/collaboration/tasks/{task_id}/results", response=list[TaskResultOut])
def task_results(request: AuthedRequest, task_id: int) -> list[TaskResultOut]:
    task = selectors.task_get(request.user, task_id)
    return [TaskResultOut(unit_id=r.unit.pk, unit_name=r.unit.name, n=r.n, mean=r.mean)
            for r in selectors.task_results(request.user, task)]
