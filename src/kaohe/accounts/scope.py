"""Data scope: the one place that decides which units and people a user may read (访问控制)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from kaohe.accounts.models import RoleAssignment, User
from kaohe.accounts.roles import PEOPLE_READER_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """Unit subtrees (materialised paths) the user reads, and their own person id."""

    roles: frozenset[str]
    unit_paths: tuple[str, ...]
    own_person_id: int | None

    def people_q(self, prefix: str = "") -> Q:
        """A filter on civil servants; `prefix` reaches them through a relation ("person__")."""
        q = Q(pk__in=[])
        for path in self.unit_paths:
            q |= Q(**{f"{prefix}unit__path__startswith": path})
        if self.own_person_id is not None and Role.CIVIL_SERVANT in self.roles:
            q |= Q(**{f"{prefix}pk": self.own_person_id})
        return q

    def units_q(self, prefix: str = "") -> Q:
        """A filter on units; `prefix` reaches them through a relation ("unit__")."""
        q = Q(pk__in=[])
        for path in self.unit_paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def covers_path(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.unit_paths)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def _roots(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def scope_for(user: User, roles: Iterable[str] = PEOPLE_READER_ROLES) -> Scope:
    """The scope a user holds through the given roles (default: the roles that read people)."""
    if not user.is_authenticated or not user.is_active:
        return Scope(frozenset(), (), None)
    assignments = list(RoleAssignment.objects.filter(user=user).select_related("scope_unit"))
    wanted = set(roles)
    paths = [a.scope_unit.path for a in assignments if a.role in wanted and a.scope_unit is not None]
    return Scope(
        roles=frozenset(a.role for a in assignments),
        unit_paths=_roots(paths),
        own_person_id=user.person_id,
    )


def holders_over(path: str, role: str) -> list[int]:
    """Ids of the active users holding `role` over the unit at `path` (their scope contains it)."""
    assignments = RoleAssignment.objects.filter(role=role, user__is_active=True, scope_unit__isnull=False)
    return sorted({uid for uid, scope_path in assignments.values_list("user_id", "scope_unit__path")
                   if path.startswith(scope_path)})
