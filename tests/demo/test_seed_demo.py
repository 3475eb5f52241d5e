import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory

from kaohe.accounts.models import User
from kaohe.appraisal.models import QuarterGrade, RunResult, ScoringRun
from kaohe.ballots.choices import RoundStatus
from kaohe.ballots.models import BallotRound
from kaohe.ballots.selectors import round_aggregates
from kaohe.collection.models import IndicatorValue
from kaohe.demo.management.commands.seed_demo import DEMO_LOGINS, DEMO_PASSWORD
from kaohe.hotline.models import Classification, HotlineRecord
from kaohe.org.models import CivilServant, Unit
from kaohe.org.selectors import people_visible
from kaohe.ratings.choices import BAD_LEVEL_FROM, FollowUpStatus
from kaohe.ratings.models import FollowUp, Rating, RatingTarget
from kaohe.ratings.selectors import satisfaction_for
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
        list(Rating.objects.order_by("service_ref").values_list("service_ref", "target__person__staff_no", "level")),
        [(r.case_no, r.text, r.classification, r.person_id and r.person.staff_no)
         for r in HotlineRecord.objects.select_related("person").order_by("case_no")],
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
    # the outside sources of the year, from the same city
    office = User.objects.get(username="office")
    _qr_ratings_give_measured_and_insufficient_satisfaction(client, office, run.cycle.year)
    _a_closed_ballot_round_hides_its_small_groups(client, office)
    _hotline_records_are_classified_and_attributed(client, run.cycle.year)


def _qr_ratings_give_measured_and_insufficient_satisfaction(client, office, year):
    rated = list(RatingTarget.objects.filter(person__isnull=False, ratings__isnull=False).distinct()
                 .values_list("person_id", flat=True))
    first_quarter = satisfaction_for(office, rated, year=year, quarter=1).values()
    assert {s.status for s in first_quarter} == {"measured", "insufficient_sample"}
    assert all(s.sample_size >= 100 and 60 < s.mean <= 100 for s in first_quarter if s.measured)
    assert IndicatorValue.objects.filter(source="qr_rating", sample_size__gte=100).exists()  # fed into the scores
    cases = FollowUp.objects.select_related("rating")
    assert cases.exists()
    assert all(case.rating.level >= BAD_LEVEL_FROM for case in cases)
    assert {FollowUpStatus.OPEN, FollowUpStatus.RECTIFIED, FollowUpStatus.UPHELD} <= set(
        cases.values_list("status", flat=True))
    page = client.get("/r/follow-ups/")
    assert page.status_code == 200
    assert b'data-testid="case-' in page.content


def _a_closed_ballot_round_hides_its_small_groups(client, office):
    rounds = list(BallotRound.objects.order_by("pk"))
    assert len(rounds) == 3
    assert {r.status for r in rounds} == {RoundStatus.CLOSED}
    states = {cell.state for rnd in rounds for row in round_aggregates(office, rnd) for cell in row.roles}
    assert {"shown", "hidden"} <= states
    page = client.get(f"/ballots/rounds/{rounds[0].pk}/")
    assert page.status_code == 200
    assert b'data-state="shown"' in page.content
    assert b'data-state="hidden"' in page.content


def _hotline_records_are_classified_and_attributed(client, year):
    records = HotlineRecord.objects.select_related("person__unit")
    assert records.count() >= 150
    assert set(records.values_list("classification", flat=True)) == set(Classification.values)
    named = [r for r in records if r.person_id]
    assert len(named) > records.count() // 2
    assert all(r.person.name in r.text and r.person.unit.name in r.text for r in named)
    assert IndicatorValue.objects.filter(source="hotline", code="JI05").exists()
    page = client.get(f"/hotline/?year={year}&by=person")
    assert page.status_code == 200
    assert named[0].person.name.encode() in page.content
