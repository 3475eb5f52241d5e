"""Fixtures of the feeds tests: the small city with the 2026 library, feed sources and signed posts."""

import json
import time
from dataclasses import dataclass

import pytest
from django.test import Client

from kaohe.accounts.roles import Role
from kaohe.feeds.models import FeedSource
from kaohe.feeds.services import feed_source_create
from kaohe.feeds.signing import sign
from kaohe.indicators.services import default_content_load
from tests import factories

URL = "/api/feeds/records"


@dataclass
class Source:
    source: FeedSource
    secret: str


@pytest.fixture
def content(city):
    default_content_load(actor=None, year=2026)
    return city


@pytest.fixture
def one_net(content):
    """一网通办 for county A: on-time rate, online rate, a rubric and the QR praise rate."""
    source, secret = feed_source_create(actor=None, name="一网通办", kind="one_net", scope_unit=content.county_a,
                                        allowed_codes=["JI02", "JI10", "DE02", "JI03"], year=2026)
    return Source(source, secret)


@pytest.fixture
def hotline_source(content):
    source, secret = feed_source_create(actor=None, name="12345", kind="hotline", scope_unit=content.city,
                                        allowed_codes=["JI05"], year=2026)
    return Source(source, secret)


@pytest.fixture
def feed_client():
    """Like a source system: no session, and CSRF checks on (the signed endpoint must not need them).
    Answers come in Chinese by default; these tests ask for English through the language cookie."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def office(content):
    return factories.user("office", role=Role.APPRAISAL_OFFICE, scope=content.county_a)


def signed_post(client, source: Source, payload, *, timestamp: int | None = None, signature: str | None = None,
                key: str | None = None, body: bytes | None = None):
    data = body if body is not None else json.dumps(payload, ensure_ascii=False).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "HTTP_X_KAOHE_KEY": source.source.key_id if key is None else key,
        "HTTP_X_KAOHE_TIMESTAMP": stamp,
        "HTTP_X_KAOHE_SIGNATURE": signature or sign(source.secret, "POST", URL, stamp, data),
    }
    return client.post(URL, data=data, content_type="application/json", **headers)


def value(key: str, staff_no: str, code: str = "JI02", **fields):
    return {"key": key, "type": "value", "staff_no": staff_no, "code": code, "year": 2026, **fields}
