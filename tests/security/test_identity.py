"""Identity rules of 等保三级: password policy, lockout, throttling, timeouts, expiry and TOTP."""

import datetime as dt
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.services import user_unlock
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import PermissionDeniedError
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_every_accepted_password_is_long_and_mixed(password):
    try:
        validate_password(password)
    except ValidationError:
        return
    classes = sum(any(test(c) for c in password) for test in (str.isupper, str.islower, str.isdigit,
                                                               lambda c: not c.isalnum()))
    assert len(password) >= 12
    assert classes >= 3


@pytest.mark.parametrize("password", ["password1234", "Password1234", "aaaaaaaaaaaa", "123456789012", "Abc!1",
                                      "qwertyuiop12"])
def test_known_bad_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_built_from_ones_own_name_is_refused(city):
    user = factories.user("zs", person=city.zhang_san)

    with pytest.raises(ValidationError, match="name, ID number or phone"):
        validate_password("Zhangsan-2026!", user)


def test_five_failures_lock_the_account_even_for_the_right_password():
    factories.user("victim")
    client = Client()
    answers = [_login(client, "victim", "Wrong-password-2026").status_code for _ in range(5)]

    locked = _login(client, "victim", factories.PASSWORD)

    assert answers == [400, 400, 400, 400, 429]
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.login", outcome="failure").count() == 6
    assert AuditEvent.objects.filter(action="accounts.login", outcome="locked").count() == 2


def test_an_unknown_name_gets_the_same_lockout_answer():
    factories.user("victim")
    known, unknown = Client(), Client()
    for _ in range(5):
        _login(known, "victim", "Wrong-password-2026")
        _login(unknown, "nobody", "Wrong-password-2026")

    a, b = _login(known, "victim", "Wrong-password-2026"), _login(unknown, "nobody", "Wrong-password-2026")

    assert (a.status_code, b.status_code) == (429, 429)
    assert a.content.decode().count("locked") == b.content.decode().count("locked")


def test_the_lock_lifts_after_the_cool_off(settings):
    from axes.models import AccessAttempt

    factories.user("victim")
    client = Client()
    for _ in range(5):
        _login(client, "victim", "Wrong-password-2026")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert _login(client, "victim", factories.PASSWORD).status_code == 302


def test_an_administrator_stays_locked_for_30_minutes(city):
    from axes.models import AccessAttempt

    factories.user("sys", role=Role.SYSTEM_ADMIN, scope=city.city)
    client = Client()
    for _ in range(5):
        _login(client, "sys", "Wrong-password-2026")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert _login(client, "sys", factories.PASSWORD).status_code == 429


def test_only_the_security_administrator_unlocks_early(city):
    victim = factories.user("victim")
    security = factories.user("sec", role=Role.SECURITY_ADMIN)
    system = factories.user("sys", role=Role.SYSTEM_ADMIN, scope=city.city)
    client = Client()
    for _ in range(5):
        _login(client, "victim", "Wrong-password-2026")

    with pytest.raises(PermissionDeniedError):
        user_unlock(actor=system, user=victim)
    assert _login(client, "victim", factories.PASSWORD).status_code == 429
    user_unlock(actor=security, user=victim)

    assert _login(client, "victim", factories.PASSWORD).status_code == 302


def test_one_address_is_throttled_after_20_login_posts_a_minute(one_rate_window):
    client = Client()
    answers = [_login(client, f"user{i}", "Wrong-password-2026").status_code for i in range(21)]

    assert answers[:20] == [400] * 20
    assert answers[20] == 429


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


@pytest.mark.parametrize(("role", "idle_minutes", "still_in"), [
    (None, 29, True), (None, 31, False), (Role.APPRAISAL_OFFICE, 14, True), (Role.APPRAISAL_OFFICE, 16, False),
])
def test_idle_sessions_end_after_15_or_30_minutes(client, city, role, idle_minutes, still_in):
    user = factories.user("u", role=role, scope=city.city, person=None if role else city.zhang_san)
    client.force_login(user)
    client.get("/")
    _age_session(client, kaohe_seen_at=idle_minutes * 60)

    response = client.get("/")

    assert (response.status_code == 200) is still_in


def test_a_session_ends_after_8_hours_even_when_active(client, city):
    client.force_login(factories.user("zs", person=city.zhang_san))
    client.get("/")
    _age_session(client, kaohe_auth_at=8 * 3600 + 60, kaohe_seen_at=60)

    assert client.get("/").status_code == 302


def test_a_privileged_password_older_than_90_days_must_be_changed(client, city):
    user = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(user)

    response = client.get("/people/")
    changed = client.post(reverse("web:password_change"), {"old_password": factories.PASSWORD,
                                                           "new_password": "Brand-New-Pass-2027"})

    assert response["Location"].startswith(reverse("web:password_change"))
    assert changed.status_code == 302
    assert client.get("/people/").status_code == 200


def test_a_privileged_login_needs_the_second_factor(city):
    factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)
    client = Client()
    _login(client, "office", factories.PASSWORD)

    blocked = client.get("/people/")
    api = client.get("/api/org/people")

    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("web:otp"))
    assert api.status_code == 401


def _enrolled(username, city):
    user = factories.user(username, role=Role.APPRAISAL_OFFICE, scope=city.city)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    _login(client, username, factories.PASSWORD)
    return client, device


def _code(device, seconds_ago=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() - seconds_ago
    return f"{totp.token():06d}"


def test_the_current_code_opens_the_pages_and_cannot_be_used_twice(city):
    client, device = _enrolled("office", city)
    code = _code(device)

    first = client.post(reverse("web:otp"), {"token": code})
    other = Client()
    _login(other, "office", factories.PASSWORD)
    replay = other.post(reverse("web:otp"), {"token": code})

    assert first.status_code == 302
    assert client.get("/people/").status_code == 200
    assert replay.status_code == 400


def test_a_code_from_two_minutes_ago_is_refused(city):
    client, device = _enrolled("office", city)

    response = client.post(reverse("web:otp"), {"token": _code(device, seconds_ago=120)})

    assert response.status_code == 400
    assert client.get("/people/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.otp.verify", outcome="failure").count() == 1


def test_enrolment_shows_the_key_and_confirms_the_device(city):
    factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)
    client = Client()
    _login(client, "office", factories.PASSWORD)

    page = client.get(reverse("web:otp"))
    device = TOTPDevice.objects.get(user__username="office")
    confirmed = client.post(reverse("web:otp"), {"token": _code(device)})

    assert 'data-testid="otp-secret"' in page.content.decode()
    assert confirmed.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
