"""Who may do what with ratings: the one place that maps roles and scopes to follow-up actions.

- Act on a unit's follow-ups, print its codes, issue visit tokens: its appraisal office or a
  supervisor whose data scope covers the unit.
- Review a contest: a discipline inspector whose scope covers the unit, or an appraisal office
  whose scope covers the unit's parent (strictly above the unit); never the person who contested.
`None` as actor is the system itself (management commands, imports), as in every service.
"""

from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import Scope, scope_for
from kaohe.core.errors import PermissionDeniedError
from kaohe.org.models import Unit

UNIT_ROLES = (Role.APPRAISAL_OFFICE, Role.SUPERVISOR)


def parent_path(path: str) -> str:
    """"/1/7/42/" → "/1/7/"; "" for a root unit."""
    parts = [p for p in path.split("/") if p]
    return "/" + "".join(f"{p}/" for p in parts[:-1]) if len(parts) > 1 else ""


def unit_scope(actor: User) -> Scope:
    return scope_for(actor, roles=UNIT_ROLES)


def review_scopes(actor: User) -> tuple[Scope, Scope]:
    """(discipline scope, appraisal-office scope) of a possible reviewer."""
    return scope_for(actor, roles=[Role.DISCIPLINE]), scope_for(actor, roles=[Role.APPRAISAL_OFFICE])


def can_act_on(actor: User | None, unit: Unit) -> bool:
    return actor is None or unit_scope(actor).covers_path(unit.path)


def can_review(actor: User | None, unit: Unit) -> bool:
    if actor is None:
        return True
    discipline, office = review_scopes(actor)
    above = parent_path(unit.path)
    return discipline.covers_path(unit.path) or bool(above and office.covers_path(above))


def require_unit_actor(actor: User | None, unit: Unit) -> None:
    if not can_act_on(actor, unit):
        raise PermissionDeniedError(
            _("Only the appraisal office or a supervisor of %(unit)s may do this.") % {"unit": unit.name})


def require_reviewer(actor: User | None, unit: Unit) -> None:
    if not can_review(actor, unit):
        raise PermissionDeniedError(_("Only a discipline inspector, or the appraisal office above %(unit)s, may "
                                      "decide a contest of its ratings.") % {"unit": unit.name})
