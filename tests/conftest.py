"""Shared fixtures. Data is built through the real services (actor=None is the system)."""

import datetime as dt

import django_ratelimit.core
import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.audit import guard
from tests import factories
from tests.browser import browser, page, phone_page  # noqa: F401  (one browser for the whole session)


@pytest.fixture(autouse=True, scope="session")
def _audit_maintenance_for_flushes():
    """Test databases are flushed between transactional tests; tamper tests switch this off."""
    guard._purge_allowed["value"] = True


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rate-limit counters and cached pages never leak from one test into the next."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _english_messages_outside_requests():
    """Service messages are asserted in English; pages get their language from the request."""
    with translation.override("en"):
        yield


class VerifiedClient(Client):
    """A test client whose force_login also completes the second factor (as a real TOTP login would)."""

    def force_login(self, user, backend="django.contrib.auth.backends.ModelBackend"):
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client():
    return VerifiedClient()


@pytest.fixture
def city(db):
    return factories.small_city()


@pytest.fixture
def today():
    return dt.date(2026, 11, 22)


@pytest.fixture
def one_rate_window(monkeypatch):
    """django-ratelimit counts in fixed windows (a minute, a day) that start at a per-key offset; a slow
    test run must not see its requests split across two windows."""
    monkeypatch.setattr(django_ratelimit.core, "_get_window", lambda value, period: 1_800_000_000)
