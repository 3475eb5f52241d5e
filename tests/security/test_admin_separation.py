"""三权分立: each administrator reaches only their own pages; the audit admin's reads are audited."""

import pytest
from django.test import override_settings
from django.urls import reverse

from kaohe.accounts.models import RoleAssignment, User
from kaohe.accounts.roles import Role
from kaohe.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ("web:manage_users", "web:manage_roles", "web:manage_audit")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.SYSTEM_ADMIN, "web:manage_users"),
        (Role.SECURITY_ADMIN, "web:manage_roles"),
        (Role.AUDITOR, "web:manage_audit"),
        (Role.APPRAISAL_OFFICE, None),
        (Role.CIVIL_SERVANT, None),
    ],
)
def test_each_administrator_reaches_only_their_own_page(client, city, role, allowed):
    person = city.zhang_san if role == Role.CIVIL_SERVANT else None
    client.force_login(factories.user("someone", role=role, scope=city.city if role != Role.AUDITOR and role !=
                                      Role.SECURITY_ADMIN else None, person=person))

    answers = {page: client.get(reverse(page)).status_code for page in PAGES}

    assert answers == {page: 200 if page == allowed else 403 for page in PAGES}


def test_the_system_admin_cannot_grant_roles_through_the_security_page(client, city):
    client.force_login(factories.user("sys", role=Role.SYSTEM_ADMIN, scope=city.city))
    target = factories.user("target")

    response = client.post(reverse("web:manage_roles"), {"username": "target", "role": "auditor"})

    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_the_security_admin_grants_a_role_but_not_a_second_admin_role(client, city):
    client.force_login(factories.user("sec", role=Role.SECURITY_ADMIN))
    factories.user("target", role=Role.AUDITOR)

    refused = client.post(reverse("web:manage_roles"), {"username": "target", "role": "system_admin",
                                                        "unit_code": city.city.code})
    granted = client.post(reverse("web:manage_roles"), {"username": "target", "role": "committee",
                                                        "unit_code": city.city.code})

    assert refused.status_code == 400
    assert granted.status_code == 302
    assert sorted(RoleAssignment.objects.filter(user__username="target").values_list("role", flat=True)) == [
        "auditor", "committee"]


def test_the_system_admin_creates_and_ends_accounts(client, city):
    client.force_login(factories.user("sys", role=Role.SYSTEM_ADMIN, scope=city.city))

    client.post(reverse("web:manage_users"), {"username": "newbie", "password": "Fresh-Start-2026!",
                                              "staff_no": city.li_si.staff_no})
    newbie = User.objects.get(username="newbie")
    client.post(reverse("web:manage_user_end", args=[newbie.pk]))

    assert newbie.person == city.li_si
    assert not User.objects.get(pk=newbie.pk).is_active


def test_an_ended_account_loses_its_open_session(client, city):
    staff = factories.user("zs", person=city.zhang_san)
    client.force_login(staff)
    User.objects.filter(pk=staff.pk).update(is_active=False)

    assert client.get("/").status_code == 302


def test_the_auditors_searches_are_themselves_audited(client):
    auditor = factories.user("aud", role=Role.AUDITOR)
    client.force_login(auditor)

    client.get(reverse("web:manage_audit"), {"action": "accounts"})

    assert AuditEvent.objects.filter(action="audit.search", actor="aud").count() == 1


def test_an_admin_reading_a_person_is_recorded(client, city):
    client.force_login(factories.user("sys", role=Role.SYSTEM_ADMIN, scope=city.city))

    client.get(reverse("web:person_detail", args=[city.zhang_san.pk]))

    assert AuditEvent.objects.filter(action="org.person.read", object_id=str(city.zhang_san.pk)).count() == 1


def test_admin_pages_are_closed_outside_the_admin_network(client):
    client.force_login(factories.user("aud", role=Role.AUDITOR))

    response = client.get(reverse("web:manage_audit"), REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="audit.search").exists()


@override_settings(KAOHE_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_reverse_proxy_the_admin_network_judges_the_forwarded_client(client):
    client.force_login(factories.user("aud", role=Role.AUDITOR))

    outside = client.get(reverse("web:manage_audit"), REMOTE_ADDR="127.0.0.1",
                         HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9")  # the first entry is the client's own word
    inside = client.get(reverse("web:manage_audit"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.5")

    assert (outside.status_code, inside.status_code) == (403, 200)


def test_a_forwarded_for_header_from_anyone_but_the_proxy_is_ignored(client):
    client.force_login(factories.user("aud", role=Role.AUDITOR))

    response = client.get(reverse("web:manage_audit"), REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert response.status_code == 403
