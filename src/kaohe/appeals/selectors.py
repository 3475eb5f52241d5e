"""Scoped reads of fault-tolerance waivers: the applicant, and roles over the subject's unit."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appeals.models import Waiver
from kaohe.core.errors import NotFoundError

WAIVER_READERS = (Role.DISCIPLINE, Role.APPRAISAL_OFFICE, Role.COMMITTEE, Role.SUPERVISOR, Role.CIVIL_SERVANT)


def waivers_visible(user: User) -> QuerySet[Waiver]:
    scope = scope_for(user, roles=WAIVER_READERS)
    visible = scope.people_q("person__") | scope.units_q("unit__") | Q(filed_by=user)
    return Waiver.objects.filter(visible).select_related("person__unit", "unit").distinct()


def waiver_get(user: User, waiver_id: int) -> Waiver:
    waiver = waivers_visible(user).filter(pk=waiver_id).first()
    if waiver is None:
        raise NotFoundError(_("No 容错免责 application %(id)s in your data scope.") % {"id": waiver_id})
    return waiver
