"""Reads of the organisation, always through the caller's data scope."""

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import ADMIN_ROLES, Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.services import audit_append
from kaohe.core.errors import NotFoundError
from kaohe.org.models import CivilServant, Unit


def people_visible(user: User) -> QuerySet[CivilServant]:
    return CivilServant.objects.filter(scope_for(user).people_q())


def person_get(user: User, person_id: int) -> CivilServant:
    """One person in the caller's scope; unknown and out-of-scope look the same (no probing)."""
    person = (
        people_visible(user)
        .select_related("unit", "department", "position")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFoundError(_("No person with id %(id)s in your data scope.") % {"id": person_id})
    if scope_for(user, roles=ADMIN_ROLES).has(*ADMIN_ROLES):
        with transaction.atomic():  # an administrator reading personal data is always recorded
            audit_append(actor=user, action="org.person.read", object_type="person", object_id=person.pk)
    return person


def people_search(user: User, *, query: str = "", unit: Unit | None = None) -> QuerySet[CivilServant]:
    """Search by name, full pinyin ("zhangsan") or pinyin initials ("zs")."""
    people = people_visible(user).select_related("unit", "department")
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    text = query.strip()
    if text:
        key = text.lower().replace(" ", "")
        people = people.filter(
            Q(name__contains=text) | Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
            | Q(staff_no=text)
        )
    return people


def units_visible(user: User) -> QuerySet[Unit]:
    """Units in the caller's subtrees; a civil servant sees the unit they work in."""
    scope = scope_for(user)
    q = scope.units_q()
    if scope.own_person_id is not None and scope.has(Role.CIVIL_SERVANT):
        q |= Q(people__pk=scope.own_person_id)
    return Unit.objects.filter(q).distinct()


def unit_get(user: User, unit_id: int) -> Unit:
    unit = units_visible(user).filter(pk=unit_id).select_related("parent").first()
    if unit is None:
        raise NotFoundError(_("No unit with id %(id)s in your data scope.") % {"id": unit_id})
    return unit


def unit_roots(user: User) -> QuerySet[Unit]:
    """The top units of the caller's scope: where the tree browser starts."""
    scope = scope_for(user)
    if scope.unit_paths:
        return Unit.objects.filter(path__in=scope.unit_paths)
    return units_visible(user)


def unit_children(user: User, unit: Unit) -> QuerySet[Unit]:
    return (
        units_visible(user)
        .filter(parent=unit)
        .annotate(child_count=Count("children", distinct=True))
        .order_by("code")
    )
