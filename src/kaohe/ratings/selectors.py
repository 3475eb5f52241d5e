"""Reads of ratings and follow-ups, always through the caller's scope (`access` says which roles)."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.collection.sheets import SATISFACTION_SAMPLE_MIN
from kaohe.core.calendar import work_calendar
from kaohe.core.errors import NotFoundError
from kaohe.engine.calendar import UnknownYear
from kaohe.org.models import CivilServant, Unit
from kaohe.ratings.access import can_act_on, can_review, review_scopes, unit_scope
from kaohe.ratings.choices import ACTIVE_STATUSES, FollowUpStatus
from kaohe.ratings.models import FollowUp, RatingTarget, ServiceWindow
from kaohe.ratings.satisfaction import Satisfaction, satisfaction_of
from kaohe.ratings.tokens import Claim


def target_for_claim(claim: Claim) -> RatingTarget:
    """The target a valid token names, with what the citizen's page shows (public: no scope)."""
    target = (RatingTarget.objects.select_related("person__unit", "window__unit")
              .filter(pk=claim.target_id, kind=claim.kind).first())
    if target is None:
        raise NotFoundError(_("This rating code is not valid. Please scan the code again."))
    return target


def _paths_q(paths: Iterable[str], *, strictly_below: bool = False) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(unit__path__startswith=path) & ~Q(unit__path=path) if strictly_below else Q(unit__path__startswith=path)
    return q


def follow_ups_to_act_on(user: User, *, statuses: Iterable[str] = ACTIVE_STATUSES) -> QuerySet[FollowUp]:
    """Cases of the units the user answers for (appraisal office or supervisor scope)."""
    return (FollowUp.objects.filter(_paths_q(unit_scope(user).unit_paths), status__in=list(statuses))
            .select_related("unit", "rating__target__person", "rating__target__window"))


def contests_to_review(user: User) -> QuerySet[FollowUp]:
    """Contested cases the user may decide: discipline scope over the unit, or office scope above it."""
    discipline, office = review_scopes(user)
    q = _paths_q(discipline.unit_paths) | _paths_q(office.unit_paths, strictly_below=True)
    return (FollowUp.objects.filter(q, status=FollowUpStatus.CONTESTED)
            .select_related("unit", "rating__target__person", "rating__target__window"))


def follow_up_get(user: User, follow_up_id: int) -> FollowUp:
    """One case the user may act on or review; unknown and out-of-scope look the same."""
    case = (FollowUp.objects.select_related("unit", "rating__target__person", "rating__target__window")
            .filter(pk=follow_up_id).first())
    if case is None or not (can_act_on(user, case.unit) or can_review(user, case.unit)):
        raise NotFoundError(_("No follow-up case with id %(id)s in your data scope.") % {"id": follow_up_id})
    return case


def unit_for_codes(user: User, unit_id: int) -> Unit:
    """A unit whose codes the user may print."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not can_act_on(user, unit):
        raise NotFoundError(_("No unit with id %(id)s in your data scope.") % {"id": unit_id})
    return unit


def units_for_codes(user: User) -> QuerySet[Unit]:
    q = Q(pk__in=[])
    for path in unit_scope(user).unit_paths:
        q |= Q(path__startswith=path)
    return Unit.objects.filter(q).order_by("path")


def target_get(user: User, target_id: int) -> RatingTarget:
    target = RatingTarget.objects.select_related("person__unit", "window__unit").filter(pk=target_id).first()
    unit = None if target is None else (target.person.unit if target.person else target.window.unit)  # type: ignore[union-attr]
    if target is None or unit is None or not can_act_on(user, unit):
        raise NotFoundError(_("No rating code with id %(id)s in your data scope.") % {"id": target_id})
    return target


def windows_of(user: User, unit: Unit) -> QuerySet[ServiceWindow]:
    if not can_act_on(user, unit):
        return ServiceWindow.objects.none()
    return ServiceWindow.objects.filter(unit=unit).order_by("number")


def satisfaction_for(user: User, person_ids: Iterable[int], *, year: int, quarter: int = 0,
                     minimum: int = SATISFACTION_SAMPLE_MIN) -> dict[int, Satisfaction]:
    """Satisfaction of the people among `person_ids` that the user may read."""
    visible = CivilServant.objects.filter(scope_for(user).people_q(), pk__in=list(person_ids))
    return satisfaction_of(visible.values_list("id", flat=True), year=year, quarter=quarter, minimum=minimum)


def due_light(case: FollowUp, today: dt.date) -> str:
    """Warning colour of a case: red when overdue, orange on its last working day, else green; "" when
    the unit has nothing left to do."""
    if case.status not in ACTIVE_STATUSES:
        return ""
    if case.due_on < today:
        return "red"
    try:
        last_day = work_calendar().next_working_day(today) >= case.due_on
    except UnknownYear:
        last_day = case.due_on == today
    return "orange" if last_day else "green"
