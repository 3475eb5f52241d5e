"""Fixtures of the rating tests: a small city with rating targets, and the browser fixtures."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from kaohe.accounts.roles import Role
from kaohe.ratings.services import targets_ensure, window_create
from kaohe.ratings.store import RatingIn
from kaohe.ratings.tokens import Claim, read_token, static_token, visit_token
from tests import factories

SEPT_30 = dt.date(2026, 9, 30)  # a Wednesday before the National Day week (10月1日–7日, 10月10日 调休上班)
TODAY = dt.date(2026, 11, 23)  # a Monday whose follow-up deadlines fall in 2026 (the calendar's last year)


@pytest.fixture(autouse=True)
def _a_fixed_today(monkeypatch):
    """A bad rating's deadline needs the holiday calendar of the coming working days: pin "today" so
    the suite does not depend on the day it runs (a year without a calendar is refused, by design)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def build_rated_city():
    """The small city, a window at 临江区民政局, and rating targets for its people and window."""
    city = factories.small_city()
    window = window_create(actor=None, unit=city.bureau_a, number="3", name="社会救助")
    targets = {t.person_id or f"w{t.window_id}": t for t in targets_ensure(actor=None, unit=city.bureau_a)}
    targets_ensure(actor=None, unit=city.bureau_b)
    return SimpleNamespace(city=city, window=window, zhang=targets[city.zhang_san.pk], li=targets[city.li_si.pk],
                           window_target=targets[f"w{window.pk}"],
                           chen=city.chen_qi.rating_target)


@pytest.fixture
def rated(db):
    return build_rated_city()


@pytest.fixture
def people(rated):
    """Logins: the bureau's office, a supervisor there, the office of 青阳县 (other county), the office of
    临江区 (above the bureau), the bureau's own office, a discipline inspector of the city."""
    city = rated.city
    return SimpleNamespace(
        bureau_office=factories.user("bureau-office", role=Role.APPRAISAL_OFFICE, scope=city.bureau_a),
        bureau_leader=factories.user("bureau-leader", role=Role.SUPERVISOR, scope=city.bureau_a),
        other_office=factories.user("other-office", role=Role.APPRAISAL_OFFICE, scope=city.county_b),
        county_office=factories.user("county-office", role=Role.APPRAISAL_OFFICE, scope=city.county_a),
        inspector=factories.user("inspector", role=Role.DISCIPLINE, scope=city.city),
        clerk=factories.user("clerk", person=city.li_si),
    )


def visit_item(target, ref: str, level: int = 1, comment: str = "") -> RatingIn:
    return RatingIn(claim=read_token(visit_token(target.kind, target.pk, ref)), level=level, comment=comment)


def walkin_item(target, level: int = 1, device_hash: str = "d" * 64) -> RatingIn:
    return RatingIn(claim=Claim(kind=target.kind, target_id=target.pk), level=level, device_hash=device_hash)


def static_url(target) -> str:
    return f"/r/{static_token(target.kind, target.pk)}/"


def visit_url(target, ref: str) -> str:
    return f"/r/{visit_token(target.kind, target.pk, ref)}/"


@pytest.fixture(autouse=True)
def _one_counting_window(one_rate_window):
    """Every rating test counts its rate limits in one window (`one_rate_window`)."""
