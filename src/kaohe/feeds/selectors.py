"""Reads of the feeds app, always through the caller's data scope."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.core.errors import NotFoundError
from kaohe.feeds.models import FeedSource, ValueImport
from kaohe.org.models import CivilServant

IMPORT_ROLES = (Role.APPRAISAL_OFFICE,)


def importable_people(user: User) -> QuerySet[CivilServant]:
    """The people whose values `user` may import: the appraisal office's unit subtrees."""
    return CivilServant.objects.filter(scope_for(user, roles=IMPORT_ROLES).people_q())


def source_people(source: FeedSource) -> QuerySet[CivilServant]:
    """The people a feed source may send values about: its unit subtree."""
    return CivilServant.objects.filter(unit__path__startswith=source.scope_unit.path)


def imports_of(user: User) -> QuerySet[ValueImport]:
    """The user's own imports, newest first."""
    return ValueImport.objects.filter(created_by=user).select_related("check_job", "commit_job")


def import_get(user: User, import_id: int) -> ValueImport:
    """One of the user's own imports; someone else's looks like one that does not exist."""
    found = imports_of(user).filter(pk=import_id).first()
    if found is None:
        raise NotFoundError(_("No import %(id)s of yours.") % {"id": import_id})
    return found


def sources_visible(user: User) -> QuerySet[FeedSource]:
    """Feed sources whose unit lies in the system administrator's scope."""
    q = Q(pk__in=[])
    for path in scope_for(user, roles=[Role.SYSTEM_ADMIN]).unit_paths:
        q |= Q(scope_unit__path__startswith=path)
    return FeedSource.objects.filter(q).select_related("scope_unit")
