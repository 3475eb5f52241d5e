"""Template context: the navigation a role may see, computed once per request."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaohe.accounts.roles import PEOPLE_READER_ROLES, Role
from kaohe.accounts.scope import Scope, scope_for


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise


def request_scope(request: HttpRequest) -> Scope:
    cached = getattr(request, "_kaohe_scope", None)
    if cached is None:
        cached = scope_for(request.user)  # type: ignore[arg-type]
        request._kaohe_scope = cached  # type: ignore[attr-defined]
    return cached


def nav_items(scope: Scope) -> list[NavItem]:
    items = [NavItem("web:home", _("To do"))]
    if scope.has(*(PEOPLE_READER_ROLES - {Role.SYSTEM_ADMIN})):
        items += [NavItem("web:unit_tree", _("Units")), NavItem("web:people", _("People"))]
    if scope.has(Role.APPRAISAL_OFFICE, Role.COMMITTEE, Role.SUPERVISOR, Role.DISCIPLINE):
        items += [NavItem("web:cycles", _("Appraisal")), NavItem("web:library", _("Indicators")),
                  NavItem("web:schemes", _("Schemes"))]
    admin_pages = ((Role.SYSTEM_ADMIN, "web:manage_users", _("Users")),
                   (Role.SECURITY_ADMIN, "web:manage_roles", _("Roles and access")),
                   (Role.AUDITOR, "web:manage_audit", _("Audit log")))
    items += [NavItem(url, label) for role, url, label in admin_pages if scope.has(role)]
    if scope.has(Role.APPRAISAL_OFFICE, Role.COMMITTEE):
        items.append(NavItem("web:cases", _("Reviews and appeals")))
    if scope.has(Role.DISCIPLINE, Role.APPRAISAL_OFFICE, Role.CIVIL_SERVANT):
        items.append(NavItem("web:waivers", _("Fault tolerance")))
    if scope.has(Role.SUPERVISOR):
        items.append(NavItem("worklog:team", _("My team")))
    if scope.has(Role.SUPERVISOR, Role.APPRAISAL_OFFICE, Role.COMMITTEE):
        items.append(NavItem("worklog:board", _("Warnings")))
    if scope.has(Role.APPRAISAL_OFFICE, Role.SUPERVISOR):
        items.append(NavItem("ballots:rounds", _("Ballot rounds")))
    if scope.has(Role.CIVIL_SERVANT) and scope.own_person_id:
        items += [NavItem("worklog:mine", _("My work")), NavItem("web:workflow_mine", _("My appraisal")),
                  NavItem("ballots:my_ballots", _("My ballots")), NavItem("web:my_record", _("My record"))]
    return items


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)  # absent on errors raised before authentication ran
    if user is None or not user.is_authenticated:
        return {}
    scope = request_scope(request)
    return {"nav_items": nav_items(scope), "user_roles": sorted(str(Role(r).label) for r in scope.roles)}
