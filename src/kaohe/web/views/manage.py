"""Pages of the three separated administrators (三权分立), reachable only from the admin networks.

System administrator: user accounts. Security administrator: roles, scopes, unlocking. Audit
administrator: the audit log, its verification and signed checkpoints. None can do the others' work.
"""

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.models import RoleAssignment, User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.accounts.services import role_assign, role_revoke, user_create, user_deactivate, user_unlock
from kaohe.audit.checkpoints import checkpoint_create, checkpoints_export
from kaohe.audit.selectors import audit_search, require_auditor
from kaohe.audit.verify import verify_chain
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.core.pagination import keyset_page
from kaohe.org.models import CivilServant, Unit


def _require(user: User, role: str) -> None:
    if not scope_for(user, roles=[role]).has(role):
        raise PermissionDeniedError(_("This page belongs to another administrator role."))


def _user(user_id: str) -> User:
    found = User.objects.filter(pk=int(user_id) if user_id.isdigit() else 0).first()
    if found is None:
        raise NotFoundError(_("No such user."))
    return found


@login_required
def users(request: AuthedRequest) -> HttpResponse:
    """System administrator: create and end accounts (not roles, not policy, not audit)."""
    _require(request.user, Role.SYSTEM_ADMIN)
    context: dict[str, Any] = {}
    if request.method == "POST":
        try:
            person = None
            if request.POST.get("staff_no"):
                person = CivilServant.objects.filter(staff_no=request.POST["staff_no"].strip()).first()
                if person is None:
                    raise ApplicationError(_("No civil servant with this staff number."), field="staff_no")
            user_create(actor=request.user, username=request.POST.get("username", "").strip(),
                        password=request.POST.get("password", ""), display_name=request.POST.get("display_name", ""),
                        person=person)
            return redirect("web:manage_users")
        except ApplicationError as error:
            context.update(error=error.message, values=request.POST)
    query = request.GET.get("q", "").strip()
    found = User.objects.filter(username__icontains=query) if query else User.objects.all()
    rows, cursor = keyset_page(found, order=["id"], cursor=request.GET.get("cursor", ""), limit=100)
    context.update(users=rows, next_cursor=cursor, q=query)
    return render(request, "web/manage_users.html", context, status=400 if "error" in context else 200)


@login_required
@require_POST
def user_end(request: AuthedRequest, user_id: str) -> HttpResponse:
    user_deactivate(actor=request.user, user=_user(user_id))
    return redirect("web:manage_users")


@login_required
def roles(request: AuthedRequest) -> HttpResponse:
    """Security administrator: who holds which role over which units; unlocking accounts."""
    _require(request.user, Role.SECURITY_ADMIN)
    context: dict[str, Any] = {"roles": Role.choices}
    if request.method == "POST":
        try:
            target = User.objects.filter(username=request.POST.get("username", "").strip()).first()
            if target is None:
                raise ApplicationError(_("No user with this name."), field="username")
            unit = Unit.objects.filter(code=request.POST.get("unit_code", "").strip()).first()
            role_assign(actor=request.user, user=target, role=request.POST.get("role", ""), scope_unit=unit)
            return redirect("web:manage_roles")
        except ApplicationError as error:
            context.update(error=error.message, values=request.POST)
    context.update(
        assignments=RoleAssignment.objects.select_related("user", "scope_unit").order_by("user__username")[:500],
        locked=AccessAttempt.objects.order_by("-attempt_time")[:50],
    )
    return render(request, "web/manage_roles.html", context, status=400 if "error" in context else 200)


@login_required
@require_POST
def role_remove(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    _require(request.user, Role.SECURITY_ADMIN)
    assignment = RoleAssignment.objects.filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFoundError(_("No such role assignment."))
    role_revoke(actor=request.user, assignment=assignment)
    return redirect("web:manage_roles")


@login_required
@require_POST
def unlock(request: AuthedRequest, username: str) -> HttpResponse:
    target = User.objects.filter(username=username).first()
    if target is None:
        raise NotFoundError(_("No user with this name."))
    user_unlock(actor=request.user, user=target)
    return redirect("web:manage_roles")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def audit(request: AuthedRequest) -> HttpResponse:
    """Audit administrator: search the log (the search is audited), verify the chain, sign checkpoints."""
    require_auditor(request.user)
    filters = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "object_id")}
    found = audit_search(request.user, **filters, since=_date(request.GET.get("since", "")),
                         until=_date(request.GET.get("until", "")))
    rows = list(found[:200])
    context = {"events": rows, "filters": filters, "since": request.GET.get("since", ""),
               "until": request.GET.get("until", ""), "report": verify_chain() if request.GET.get("verify") else None}
    return render(request, "web/manage_audit.html", context)


@login_required
@require_POST
def audit_checkpoint(request: AuthedRequest) -> HttpResponse:
    require_auditor(request.user)
    checkpoint_create(reason="manual")
    response = HttpResponse(checkpoints_export(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-checkpoints.jsonl"'
    return response
