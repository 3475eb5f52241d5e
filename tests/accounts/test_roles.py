import pytest

from kaohe.accounts.models import RoleAssignment
from kaohe.accounts.roles import Role
from kaohe.accounts.services import role_assign, user_create
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("first", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR])
@pytest.mark.parametrize("second", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR])
def test_a_user_holds_at_most_one_admin_role(city, first, second):
    user = factories.user("admin1", role=first, scope=city.city)
    if first == second:
        role_assign(actor=None, user=user, role=second, scope_unit=city.city)
        assert RoleAssignment.objects.filter(user=user).count() == 1
        return
    with pytest.raises(ApplicationError, match="only one of the system, security and audit"):
        role_assign(actor=None, user=user, role=second, scope_unit=city.city)

    assert list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == [first]


def test_only_the_security_admin_assigns_roles(city):
    sysadmin = factories.user("sys", role=Role.SYSTEM_ADMIN, scope=city.city)
    target = factories.user("target")
    events_before = AuditEvent.objects.count()

    with pytest.raises(PermissionDeniedError):
        role_assign(actor=sysadmin, user=target, role=Role.APPRAISAL_OFFICE, scope_unit=city.city)

    assert not RoleAssignment.objects.filter(user=target).exists()
    assert AuditEvent.objects.count() == events_before


def test_security_admin_assigns_a_scoped_role_and_it_is_audited(city):
    secadmin = factories.user("sec", role=Role.SECURITY_ADMIN)
    target = factories.user("target")

    role_assign(actor=secadmin, user=target, role=Role.APPRAISAL_OFFICE, scope_unit=city.county_a)

    event = AuditEvent.objects.filter(action="accounts.role.assign").last()
    assert event.actor == "sec"
    assert event.object_id == str(target.pk)


def test_scoped_role_without_unit_is_refused(city):
    target = factories.user("target")

    with pytest.raises(ApplicationError, match="needs a unit"):
        role_assign(actor=None, user=target, role=Role.SUPERVISOR)


def test_weak_password_is_refused_with_the_reason():
    with pytest.raises(ApplicationError, match="at least 12"):
        user_create(actor=None, username="weak", password="short1A!")
