"""Follow-up cases: the unit visits and answers; a contest is decided by a reviewer above the unit."""

import datetime as dt

import pytest

from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.ratings import services
from kaohe.ratings.models import FollowUp, FollowUpStep, Rating
from kaohe.ratings.services import rating_submit
from tests.ratings.conftest import SEPT_30, visit_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(rated):
    rating_submit(item=visit_item(rated.zhang, "case-1", level=5, comment="等了两个小时 请回电 13900001111"),
                  today=SEPT_30)
    return FollowUp.objects.get()


def steps(case):
    return list(FollowUpStep.objects.filter(follow_up=case).values_list("action", "actor__username"))


def test_the_bureau_office_visits_then_rectifies(case, people):
    services.follow_up_visit(actor=people.bureau_office, follow_up=case, note="已电话回访，群众反映排队时间长",
                             on=dt.date(2026, 10, 8))
    services.follow_up_rectify(actor=people.bureau_leader, follow_up=case, note="增开午间窗口")

    case.refresh_from_db()
    assert case.status == "rectified"
    assert steps(case) == [("visit", "bureau-office"), ("rectify", "bureau-leader")]
    assert FollowUpStep.objects.get(follow_up=case, action="visit").note == "已电话回访，群众反映排队时间长"
    assert list(AuditEvent.objects.filter(action__startswith="ratings.follow_up").values_list("action", flat=True)) == [
        "ratings.follow_up.visit", "ratings.follow_up.rectify"]


def test_a_case_is_closed_after_the_visit_without_rectification(case, people):
    services.follow_up_visit(actor=people.bureau_office, follow_up=case, note="已解释政策")
    services.follow_up_close(actor=people.bureau_office, follow_up=case, note="群众表示理解")

    case.refresh_from_db()
    assert case.status == "closed"


def test_closing_before_the_visit_is_refused_and_changes_nothing(case, people):
    with pytest.raises(ApplicationError, match="cannot take the step"):
        services.follow_up_close(actor=people.bureau_office, follow_up=case, note="直接关闭")

    case.refresh_from_db()
    assert case.status == "open"
    assert steps(case) == []


def test_an_empty_note_is_refused(case, people):
    with pytest.raises(ApplicationError, match="cannot be empty"):
        services.follow_up_visit(actor=people.bureau_office, follow_up=case, note="   ")

    assert steps(case) == []


@pytest.mark.parametrize("who", ["other_office", "clerk", "inspector"])
def test_people_outside_the_unit_cannot_act_on_its_case(case, people, who):
    with pytest.raises(PermissionDeniedError):
        services.follow_up_visit(actor=getattr(people, who), follow_up=case, note="回访")

    case.refresh_from_db()
    assert case.status == "open"
    assert steps(case) == []
    assert not AuditEvent.objects.filter(action__startswith="ratings.follow_up").exists()


def test_a_contest_upheld_by_the_office_above_takes_the_rating_out_of_satisfaction(case, people):
    services.follow_up_contest(actor=people.bureau_office, follow_up=case, reason="同一号码当天连续差评，系恶意评价")
    services.follow_up_review(actor=people.county_office, follow_up=case, uphold=True, note="核实为恶意差评")

    case.refresh_from_db()
    assert case.status == "upheld"
    assert Rating.objects.get(pk=case.rating_id).counted is False
    assert steps(case) == [("contest", "bureau-office"), ("uphold", "county-office")]


def test_a_dismissed_contest_leaves_the_case_to_be_answered(case, people):
    services.follow_up_contest(actor=people.bureau_office, follow_up=case, reason="恶意评价")
    services.follow_up_review(actor=people.inspector, follow_up=case, uphold=False, note="未见恶意证据")
    services.follow_up_visit(actor=people.bureau_office, follow_up=case, note="已回访")
    services.follow_up_rectify(actor=people.bureau_office, follow_up=case, note="已整改")

    case.refresh_from_db()
    assert case.status == "rectified"
    assert Rating.objects.get(pk=case.rating_id).counted is True


def test_a_second_contest_after_a_dismissal_is_refused(case, people):
    services.follow_up_contest(actor=people.bureau_office, follow_up=case, reason="恶意评价")
    services.follow_up_review(actor=people.inspector, follow_up=case, uphold=False, note="驳回")

    with pytest.raises(ApplicationError, match="cannot take the step"):
        services.follow_up_contest(actor=people.bureau_office, follow_up=case, reason="再次申诉")


@pytest.mark.parametrize("who", ["bureau_office", "bureau_leader", "other_office", "clerk"])
def test_only_a_discipline_inspector_or_the_office_above_decides_a_contest(case, people, who):
    services.follow_up_contest(actor=people.bureau_leader, follow_up=case, reason="恶意评价")

    with pytest.raises(PermissionDeniedError):
        services.follow_up_review(actor=getattr(people, who), follow_up=case, uphold=True, note="同意")

    case.refresh_from_db()
    assert case.status == "contested"
    assert Rating.objects.get(pk=case.rating_id).counted is True


def test_the_person_who_contested_cannot_decide_even_with_a_reviewer_role(case, people):
    from kaohe.accounts.roles import Role
    from kaohe.accounts.services import role_assign

    role_assign(actor=None, user=people.county_office, role=Role.APPRAISAL_OFFICE, scope_unit=case.unit)
    services.follow_up_contest(actor=people.county_office, follow_up=case, reason="恶意评价")

    with pytest.raises(PermissionDeniedError, match="cannot decide"):
        services.follow_up_review(actor=people.county_office, follow_up=case, uphold=True, note="同意")

    case.refresh_from_db()
    assert case.status == "contested"


def test_a_decided_contest_cannot_be_decided_again(case, people):
    services.follow_up_contest(actor=people.bureau_office, follow_up=case, reason="恶意评价")
    services.follow_up_review(actor=people.inspector, follow_up=case, uphold=True, note="同意")

    with pytest.raises(ApplicationError, match="cannot take the step"):
        services.follow_up_review(actor=people.county_office, follow_up=case, uphold=False, note="改判")
