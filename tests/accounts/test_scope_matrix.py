"""Nobody sees people outside their scope: role × (own record, own unit, child, sibling, other county)."""

import pytest

from kaohe.accounts.roles import Role
from kaohe.core.errors import NotFoundError
from kaohe.org import selectors
from tests import factories

pytestmark = pytest.mark.django_db

TARGETS = ("zhang_san", "li_si", "sun_ba", "wang_wu", "zhao_liu", "chen_qi")


def _visible_names(user, city):
    return {name for name in TARGETS if selectors.people_visible(user).filter(pk=getattr(city, name).pk).exists()}


@pytest.mark.parametrize(
    ("_case", "role", "scope_name", "expected"),
    [
        ("civil servant sees only self", Role.CIVIL_SERVANT, None, {"zhang_san"}),
        ("supervisor of bureau sees bureau and its child", Role.SUPERVISOR, "bureau_a",
         {"zhang_san", "li_si", "sun_ba"}),
        ("office of county A sees county A only", Role.APPRAISAL_OFFICE, "county_a",
         {"zhang_san", "li_si", "sun_ba", "wang_wu", "zhao_liu"}),
        ("committee of the city sees everyone", Role.COMMITTEE, "city", set(TARGETS)),
        ("discipline of county B sees county B only", Role.DISCIPLINE, "county_b", {"chen_qi"}),
        ("system admin of township sees the township", Role.SYSTEM_ADMIN, "township_a", {"wang_wu"}),
        ("security admin sees no people", Role.SECURITY_ADMIN, None, set()),
        ("auditor sees no people", Role.AUDITOR, None, set()),
    ],
)
def test_people_visible_by_role_and_scope(city, _case, role, scope_name, expected):
    person = city.zhang_san if role == Role.CIVIL_SERVANT else None
    scope = getattr(city, scope_name) if scope_name else None
    user = factories.user(f"u-{role}", role=role, scope=scope, person=person)

    assert _visible_names(user, city) == expected


@pytest.mark.parametrize("target", ["li_si", "sun_ba", "wang_wu", "zhao_liu", "chen_qi"])
def test_civil_servant_reading_a_colleague_gets_not_found(city, target):
    user = factories.user("zs", person=city.zhang_san)

    with pytest.raises(NotFoundError):
        selectors.person_get(user, getattr(city, target).pk)


def test_inactive_user_sees_nobody(city):
    user = factories.user("gone", role=Role.APPRAISAL_OFFICE, scope=city.city)
    user.is_active = False
    user.save()

    assert selectors.people_visible(user).count() == 0


def test_units_visible_to_a_civil_servant_is_their_own_unit(city):
    user = factories.user("zs", person=city.zhang_san)

    assert list(selectors.units_visible(user)) == [city.bureau_a]
