"""Shared fixtures. Data is built through the real services (actor=None is the system)."""

import datetime as dt

import pytest
from django.utils import translation

from kaohe.audit import guard
from tests import factories


@pytest.fixture(autouse=True, scope="session")
def _audit_maintenance_for_flushes():
    """Test databases are flushed between transactional tests; tamper tests switch this off."""
    guard._purge_allowed["value"] = True


@pytest.fixture(autouse=True)
def _english_messages_outside_requests():
    """Service messages are asserted in English; pages get their language from the request."""
    with translation.override("en"):
        yield


@pytest.fixture
def city(db):
    return factories.small_city()


@pytest.fixture
def today():
    return dt.date(2026, 11, 22)
