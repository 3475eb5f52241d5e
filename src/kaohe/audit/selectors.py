"""The auditor's reads of the audit log; each search is itself audited."""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.models import AuditEvent
from kaohe.audit.services import audit_append
from kaohe.core.errors import PermissionDeniedError


def require_auditor(user: User) -> None:
    if not scope_for(user, roles=[Role.AUDITOR]).has(Role.AUDITOR):
        raise PermissionDeniedError(_("Only the audit administrator reads the audit log."))


def audit_search(user: User, *, actor: str = "", action: str = "", object_id: str = "",
                 since: dt.date | None = None, until: dt.date | None = None) -> QuerySet[AuditEvent]:
    """Events matching the filters, newest first; the search is recorded before anything is shown."""
    require_auditor(user)
    found = AuditEvent.objects.all()
    if actor:
        found = found.filter(actor=actor)
    if action:
        found = found.filter(action__startswith=action)
    if object_id:
        found = found.filter(object_id=object_id)
    if since:
        found = found.filter(at__date__gte=since)
    if until:
        found = found.filter(at__date__lte=until)
    with transaction.atomic():
        audit_append(actor=user, action="audit.search", object_type="audit", detail={
            "actor": actor, "action_prefix": action, "object_id": object_id,
            "since": since.isoformat() if since else "", "until": until.isoformat() if until else ""})
    return found.order_by("-seq")
