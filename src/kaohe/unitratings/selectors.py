"""Reads of ratings between units, each within the caller's role and scope.

- the appraisal office over a round's government (or a task's unit) manages it: progress (counts only)
  and results;
- supervisors and committee members whose scope covers it read closed rounds and tasks;
- a rater sees the rounds they rate in and whether they have rated — never a score;
- a unit's head or office sees the open tasks in which it rates others.
Published reverse means always come out of `ballots.suppression.tally`, the same for every viewer.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.ballots.choices import RoundStatus
from kaohe.ballots.suppression import Cell, half_up
from kaohe.core.errors import NotFoundError, PermissionDeniedError
from kaohe.indicators.choices import Source
from kaohe.org.models import Unit
from kaohe.unitratings.models import (
    CollaborationRating,
    CollaborationTask,
    ReverseParticipation,
    ReverseRound,
    TaskStatus,
)
from kaohe.unitratings.services import (
    COLLABORATION_CODE,
    REVERSE_CODE,
    RaterRights,
    rater_rights,
    reverse_tables,
    round_voter_hash,
)
from kaohe.units.models import UnitValue

READERS = (Role.SUPERVISOR, Role.COMMITTEE)


def _paths_q(paths: tuple[str, ...], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__path__startswith": path})
    return q


def _visible_q(user: User, field: str, closed: str) -> Q:
    office = _paths_q(scope_for(user, roles=[Role.APPRAISAL_OFFICE]).unit_paths, field)
    return office | (_paths_q(scope_for(user, roles=READERS).unit_paths, field) & Q(status=closed))


def manages(user: User, unit: Unit) -> bool:
    return scope_for(user, roles=[Role.APPRAISAL_OFFICE]).covers_path(unit.path)


def _require_manager(user: User, unit: Unit) -> None:
    if not manages(user, unit):
        raise PermissionDeniedError(_("Only the appraisal office of %(unit)s may do this.") % {"unit": unit.name})


# Reverse evaluation ---------------------------------------------------------------------------------------

def reverse_rounds_visible(user: User) -> QuerySet[ReverseRound]:
    """Rounds the caller manages, and closed rounds of governments in their supervisor or committee scope."""
    return (ReverseRound.objects.filter(_visible_q(user, "government", RoundStatus.CLOSED))
            .select_related("government"))


def reverse_round_get(user: User, round_id: int) -> ReverseRound:
    rnd = reverse_rounds_visible(user).filter(pk=round_id).first()
    if rnd is None:
        raise NotFoundError(_("No reverse evaluation round %(id)s in your data scope.") % {"id": round_id})
    return rnd


@dataclass(frozen=True)
class Progress:
    """How many of the expected have taken part: counts only, never who."""

    expected: int
    done: int


def reverse_progress(user: User, rnd: ReverseRound) -> Progress:
    _require_manager(user, rnd.government)
    return Progress(rnd.raters.count(), rnd.participations.count())


@dataclass(frozen=True)
class ReverseResult:
    """A department's published cell: `state` shown, hidden (too few raters) or empty; stats only if shown."""

    department: Unit
    cell: Cell

    @property
    def mean(self) -> Decimal | None:
        return self.cell.stats.mean if self.cell.stats else None

    @property
    def n(self) -> int | None:
        return self.cell.stats.n if self.cell.stats else None


def reverse_results(user: User, rnd: ReverseRound) -> list[ReverseResult]:
    """The suppressed means of a closed round, for a caller who may read the round."""
    if rnd.status != RoundStatus.CLOSED:
        raise PermissionDeniedError(_("Results are released only when the round is closed."))
    reverse_round_get(user, rnd.pk)
    tables = reverse_tables(rnd)
    return [ReverseResult(d, tables[d.pk][0]) for d in rnd.departments.order_by("path")]


@dataclass(frozen=True)
class MyRound:
    round: ReverseRound
    departments: int
    voted: bool


def has_rated(user: User, rnd: ReverseRound) -> bool:
    if user.person_id is None or not rnd.secret:
        return False
    return ReverseParticipation.objects.filter(round=rnd, voter_hash=round_voter_hash(rnd, user.person_id)).exists()


def my_reverse_rounds(user: User) -> list[MyRound]:
    """Open and closed rounds in which the caller is a rater, newest first."""
    if user.person_id is None:
        return []
    rounds = (ReverseRound.objects.filter(raters__person_id=user.person_id).exclude(status=RoundStatus.DRAFT)
              .select_related("government").order_by("-year", "-pk"))
    return [MyRound(r, r.departments.count(), has_rated(user, r)) for r in rounds]


def my_reverse_round_get(user: User, round_id: int) -> ReverseRound:
    rnd = next((m.round for m in my_reverse_rounds(user) if m.round.pk == round_id), None)
    if rnd is None:
        raise NotFoundError(_("You are not a rater in reverse evaluation round %(id)s.") % {"id": round_id})
    return rnd


def rating_sheet(rnd: ReverseRound) -> QuerySet[Unit]:
    """The departments a rater scores (the roster is not secret; scores are)."""
    return rnd.departments.order_by("path")


# Collaboration --------------------------------------------------------------------------------------------

def tasks_visible(user: User) -> QuerySet[CollaborationTask]:
    """Tasks the caller manages, and closed tasks of units in their supervisor or committee scope."""
    return CollaborationTask.objects.filter(_visible_q(user, "unit", TaskStatus.CLOSED)).select_related("unit")


def task_get(user: User, task_id: int) -> CollaborationTask:
    task = tasks_visible(user).filter(pk=task_id).first() or next(
        (t for t in my_tasks(user) if t.pk == task_id), None)
    if task is None:
        raise NotFoundError(_("No collaboration task %(id)s in your data scope.") % {"id": task_id})
    return task


def task_progress(user: User, task: CollaborationTask) -> Progress:
    """Ratings given of those expected (each participant rates every other)."""
    _require_manager(user, task.unit)
    n = task.participants.count()
    return Progress(n * (n - 1), task.ratings.count())


@dataclass(frozen=True)
class TaskResult:
    """What a unit received in one task: how many ratings and their mean (None without any)."""

    unit: Unit
    n: int
    mean: Decimal | None


def task_results(user: User, task: CollaborationTask) -> list[TaskResult]:
    """Per participant, the ratings it received in a closed task."""
    if task.status != TaskStatus.CLOSED:
        raise PermissionDeniedError(_("Results are released only when the task is closed."))
    if not tasks_visible(user).filter(pk=task.pk).exists():
        raise NotFoundError(_("No collaboration task %(id)s in your data scope.") % {"id": task.pk})
    received: dict[int, list[int]] = {}
    for ratee, score in task.ratings.values_list("ratee_unit_id", "score"):
        received.setdefault(ratee, []).append(score)
    return [TaskResult(u, len(received.get(u.pk, [])), _mean(received.get(u.pk, [])))
            for u in task.participants.order_by("path")]


def _mean(scores: list[int]) -> Decimal | None:
    return half_up(Decimal(sum(scores)) / len(scores)) if scores else None


@dataclass(frozen=True)
class SheetLine:
    """One rating the caller may give: for `rater` of `ratee`, with the current rating if any."""

    rater: Unit
    ratee: Unit
    rating: CollaborationRating | None


def _sheet(rights: RaterRights, task: CollaborationTask) -> list[SheetLine]:
    units = list(task.participants.order_by("path"))
    given = {(r.rater_unit_id, r.ratee_unit_id): r for r in task.ratings.all()}
    return [SheetLine(rater, ratee, given.get((rater.pk, ratee.pk)))
            for rater in units for ratee in units if rater.pk != ratee.pk and rights.allows(rater, ratee)]


def task_sheet(user: User, task: CollaborationTask) -> list[SheetLine]:
    """The ratings the caller may give in the task (as head or office of a participant)."""
    return _sheet(rater_rights(user), task)


def my_tasks(user: User) -> list[CollaborationTask]:
    """Open tasks in which the caller rates for a participating unit."""
    rights = rater_rights(user)
    joined = Q(participants__in=list(rights.headed)) | _paths_q(rights.office.unit_paths, "participants")
    tasks = (CollaborationTask.objects.filter(joined, status=TaskStatus.OPEN).distinct()
             .select_related("unit").order_by("-year", "-pk"))
    return [t for t in tasks if _sheet(rights, t)]


# Results of the year --------------------------------------------------------------------------------------

def year_values(user: User, year: int) -> QuerySet[UnitValue]:
    """The UD04/UD05 values recorded from reverse evaluation and collaboration for units in the caller's scope."""
    return (UnitValue.objects.filter(year=year, code__in=[REVERSE_CODE, COLLABORATION_CODE],
                                     source__in=[Source.REVERSE, Source.COLLABORATION])
            .filter(scope_for(user).units_q("unit__")).select_related("unit").order_by("unit__path", "code"))
