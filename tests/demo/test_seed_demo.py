import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory

from kaohe.accounts.models import User
from kaohe.appraisal.models import QuarterGrade, RunResult, ScoringRun
from kaohe.demo.management.commands.seed_demo import DEMO_LOGINS, DEMO_PASSWORD
from kaohe.org.models import CivilServant, Unit
from kaohe.org.selectors import people_visible
from kaohe.units.models import UnitResult
from kaohe.worklog.models import Commitment

pytestmark = pytest.mark.django_db

TODAY = "2026-11-22"


class _Rollback(Exception):
    pass


def _snapshot():
    return (
        list(Unit.objects.order_by("code").values_list("code", "name", "category")),
        list(CivilServant.objects.order_by("staff_no").values_list("staff_no", "name", "birth_date", "unit__code")),
    )


def test_the_same_seed_builds_the_same_city():
    try:
        with transaction.atomic():
            call_command("seed_demo", people=120, seed=7, today=dt.date.fromisoformat(TODAY))
            first = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    call_command("seed_demo", people=120, seed=7, today=dt.date.fromisoformat(TODAY))

    assert _snapshot() == first
    assert len(first[1]) == 120


def test_every_demo_login_works_and_sees_what_its_role_should():
    call_command("seed_demo", people=120, seed=1, today=dt.date.fromisoformat(TODAY))

    for username, *_ in DEMO_LOGINS:
        request = RequestFactory().post("/login/", {"username": username})
        assert authenticate(request=request, username=username, password=DEMO_PASSWORD) is not None, username
    assert people_visible(User.objects.get(username="office")).count() == 120
    assert people_visible(User.objects.get(username="staff")).count() == 1
    assert people_visible(User.objects.get(username="auditor")).count() == 0
    leader_scope = people_visible(User.objects.get(username="leader"))
    assert 0 < leader_scope.count() < 120


def test_demo_city_is_loaded_only_into_an_empty_database():
    call_command("seed_demo", people=60, seed=1, today=dt.date.fromisoformat(TODAY))

    call_command("seed_demo", people=60, seed=1, if_empty=True)
    with pytest.raises(CommandError, match="already holds units"):
        call_command("seed_demo", people=60, seed=1)

    assert CivilServant.objects.count() == 60


def test_privileged_demo_logins_have_an_authenticator_whose_code_works():
    from io import StringIO

    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("seed_demo", people=60, seed=1, today=dt.date.fromisoformat(TODAY))
    out = StringIO()
    call_command("demo_otp", "office", stdout=out)

    device = TOTPDevice.objects.get(user__username="office")
    assert device.verify_token(out.getvalue().strip())
    assert not TOTPDevice.objects.filter(user__username="staff").exists()


def test_the_demo_city_comes_with_a_year_scored_for_people_and_units(client):
    call_command("seed_demo", people=120, seed=3, today=dt.date.fromisoformat(TODAY))

    run = ScoringRun.objects.get(is_current=True)
    assert RunResult.objects.filter(run=run, grade__gt=0).count() > 60
    unit_results = UnitResult.objects.filter(run__is_current=True)
    assert unit_results.filter(grade__gt=0).count() == unit_results.count() > 3
    assert QuarterGrade.objects.filter(potential__isnull=False).exists()
    assert Commitment.objects.get(person__user__username="staff").status == "approved"
    client.force_login(User.objects.get(username="office"))
    township = unit_results.filter(unit__level="township").first()
    page = client.get(f"/cycles/{run.cycle_id}/units/{township.unit_id}/")
    assert page.status_code == 200
