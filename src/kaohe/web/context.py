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


#: (group, roles that see it, url name, label); group "" = on the bar itself. Order is the bar's order.
APPRAISAL, COLLECTION, MINE = _("Appraisal"), _("Data"), _("Me")
LEADERS = (Role.APPRAISAL_OFFICE, Role.COMMITTEE, Role.SUPERVISOR, Role.DISCIPLINE)
NAV: tuple[tuple[str | Promise, tuple[str, ...], str, str | Promise], ...] = (
    ("", tuple(PEOPLE_READER_ROLES - {Role.SYSTEM_ADMIN}), "web:unit_tree", _("Units")),
    ("", tuple(PEOPLE_READER_ROLES - {Role.SYSTEM_ADMIN}), "web:people", _("People")),
    (APPRAISAL, LEADERS, "web:cycles", _("Cycles and results")),
    (APPRAISAL, LEADERS, "analytics:dashboard", _("Analysis")),
    (APPRAISAL, LEADERS, "web:library", _("Indicators")),
    (APPRAISAL, LEADERS, "web:schemes", _("Schemes")),
    (APPRAISAL, (Role.APPRAISAL_OFFICE, Role.SUPERVISOR), "ballots:rounds", _("Ballot rounds")),
    (APPRAISAL, (Role.APPRAISAL_OFFICE, Role.SUPERVISOR, Role.COMMITTEE), "unitratings:mine",
     _("Ratings between units")),
    (APPRAISAL, (Role.SUPERVISOR,), "worklog:team", _("My team")),
    (APPRAISAL, (Role.SUPERVISOR, Role.APPRAISAL_OFFICE, Role.COMMITTEE), "worklog:board", _("Warnings")),
    (APPRAISAL, (Role.APPRAISAL_OFFICE, Role.COMMITTEE, Role.DISCIPLINE), "leadership:index",
     _("Leadership appraisal")),
    (APPRAISAL, (Role.APPRAISAL_OFFICE, Role.COMMITTEE), "web:cases", _("Reviews and appeals")),
    (APPRAISAL, (Role.DISCIPLINE, Role.APPRAISAL_OFFICE), "web:waivers", _("Fault tolerance")),
    (COLLECTION, (Role.APPRAISAL_OFFICE,), "feeds:imports", _("Import indicator values")),
    (COLLECTION, LEADERS, "hotline:records", _("12345 hotline")),
    (COLLECTION, (Role.APPRAISAL_OFFICE, Role.SUPERVISOR), "ratings:follow_ups", _("Follow-ups of bad ratings")),
    (COLLECTION, (Role.APPRAISAL_OFFICE, Role.SUPERVISOR), "ratings:code_units", _("Rating codes")),
    (COLLECTION, (Role.DISCIPLINE, Role.APPRAISAL_OFFICE), "ratings:contests", _("Contests to decide")),
    (COLLECTION, (Role.SYSTEM_ADMIN,), "feeds:sources", _("Feed sources")),
    ("", (Role.SYSTEM_ADMIN,), "web:manage_users", _("Users")),
    ("", (Role.SECURITY_ADMIN,), "web:manage_roles", _("Roles and access")),
    ("", (Role.AUDITOR,), "web:manage_audit", _("Audit log")),
)
OWN = ((MINE, "worklog:mine", _("My work")), (MINE, "web:workflow_mine", _("My appraisal")),
       (MINE, "ballots:my_ballots", _("My ballots")), (MINE, "unitratings:mine", _("Ratings between units")),
       (MINE, "web:waivers", _("Fault tolerance")),
       (MINE, "web:my_record", _("My record")))


@dataclass(frozen=True)
class NavGroup:
    label: str | Promise
    items: list[NavItem]


def nav_items(scope: Scope) -> list[NavItem | NavGroup]:
    """The bar: To do, then the pages the roles may use, grouped; a civil servant's own pages last."""
    found = [(group, NavItem(url, label)) for group, roles, url, label in NAV if scope.has(*roles)]
    if scope.has(Role.CIVIL_SERVANT) and scope.own_person_id:
        found += [(group, NavItem(url, label)) for group, url, label in OWN]
    bar: list[NavItem | NavGroup] = [NavItem("web:home", _("To do"))]
    groups: dict[str, NavGroup] = {}
    for group, item in found:
        if not group:
            bar.append(item)
        elif str(group) not in groups:
            groups[str(group)] = NavGroup(group, [item])
            bar.append(groups[str(group)])
        elif item.url_name not in [i.url_name for i in groups[str(group)].items]:
            groups[str(group)].items.append(item)
    return bar


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)  # absent on errors raised before authentication ran
    if user is None or not user.is_authenticated:
        return {}
    scope = request_scope(request)
    bar = nav_items(scope)
    links = [sub for item in bar for sub in (item.items if isinstance(item, NavGroup) else [item])]
    return {"nav_items": bar, "nav_links": links[1:], "user_roles": sorted(str(Role(r).label) for r in scope.roles)}
