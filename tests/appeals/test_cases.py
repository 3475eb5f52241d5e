"""Review and appeal: who may file what, deadlines, the odd committee, never worse, the re-run."""

import datetime as dt

import pytest
from django.utils import timezone

from kaohe.accounts.roles import Role
from kaohe.appeals.models import Case
from kaohe.appeals.services import case_accept, case_decide, case_file, overdue
from kaohe.appraisal import workflow
from kaohe.appraisal.models import Appraisal, ScoringRun
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(scored):
    """张三 notified with 不称职 (4) today; his account; the office and three committee members."""
    workflow.appraisals_start(actor=None, cycle=scored.cycle)
    Appraisal.objects.filter(cycle=scored.cycle).update(step="notice", final_grade=4, committee_grade=4,
                                                        notified_at=timezone.now())
    appraisal = Appraisal.objects.get(cycle=scored.cycle, person=scored.city.zhang_san)
    members = [factories.user(f"m{i}", role=Role.COMMITTEE, scope=scored.city.city) for i in range(3)]
    return appraisal, factories.user("zs", person=scored.city.zhang_san), members


def test_a_review_is_filed_with_its_deadlines(decided, django_capture_on_commit_callbacks):
    appraisal, zs, _members = decided

    case = case_file(actor=zs, appraisal=appraisal, kind="review", grounds="考核数据录入有误，请复核")

    assert case.kind == "review"
    assert case.filing_deadline > timezone.localdate()
    assert case.decision_due > case.filed_on


def test_filing_after_the_deadline_is_refused(decided):
    appraisal, zs, _members = decided
    Appraisal.objects.filter(pk=appraisal.pk).update(notified_at=timezone.now() - dt.timedelta(days=60))
    appraisal.refresh_from_db()

    with pytest.raises(ApplicationError, match="time to file ended"):
        case_file(actor=zs, appraisal=appraisal, kind="review", grounds="考核数据录入有误，请复核")

    assert not Case.objects.exists()


def test_only_the_appellant_files(decided):
    appraisal, _zs, _members = decided

    with pytest.raises(PermissionDeniedError):
        case_file(actor=factories.user("ls", person=appraisal.cycle.root.children.first().children.first()
                                       .people.exclude(pk=appraisal.person_id).first()),
                  appraisal=appraisal, kind="review", grounds="替别人申诉一下可以吗")


def test_the_committee_must_be_odd_and_exclude_the_appellant(decided):
    appraisal, zs, members = decided
    case = case_file(actor=zs, appraisal=appraisal, kind="review", grounds="考核数据录入有误，请复核")

    with pytest.raises(ApplicationError, match="odd number"):
        case_accept(actor=None, case=case, members=members[:2])
    with pytest.raises(ApplicationError, match="odd number"):
        case_accept(actor=None, case=case, members=[zs, *members[:2]])

    assert Case.objects.get(pk=case.pk).status == "filed"


def test_a_change_improves_the_grade_and_reruns_the_cycle_with_a_floor(decided, django_capture_on_commit_callbacks):
    appraisal, zs, members = decided
    case = case_file(actor=zs, appraisal=appraisal, kind="review", grounds="考核数据录入有误，请复核")
    case_accept(actor=None, case=case, members=members)

    with django_capture_on_commit_callbacks(execute=False):
        case_decide(actor=members[0], case=case, outcome="changed", new_grade=2, decision="经复核数据有误，改为称职")

    assert Appraisal.objects.get(pk=appraisal.pk).final_grade == 2
    rerun = ScoringRun.objects.filter(cycle=appraisal.cycle).order_by("-version").first()
    assert rerun.floor_people == [appraisal.person_id]
    assert "case" in rerun.reason


def test_a_change_can_never_worsen_the_grade(decided):
    appraisal, zs, members = decided
    Appraisal.objects.filter(pk=appraisal.pk).update(final_grade=2)
    appraisal.refresh_from_db()
    case = case_file(actor=zs, appraisal=appraisal, kind="review", grounds="希望评为优秀，请复核")
    case_accept(actor=None, case=case, members=members)

    with pytest.raises(ApplicationError, match="never worsens"):
        case_decide(actor=members[0], case=case, outcome="changed", new_grade=3, decision="复核后改为基本称职")

    assert Appraisal.objects.get(pk=appraisal.pk).final_grade == 2


def test_only_a_member_records_the_decision(decided):
    appraisal, zs, members = decided
    case = case_file(actor=zs, appraisal=appraisal, kind="review", grounds="考核数据录入有误，请复核")
    case_accept(actor=None, case=case, members=members)

    with pytest.raises(PermissionDeniedError):
        case_decide(actor=factories.user("outsider", role=Role.COMMITTEE, scope=appraisal.cycle.root),
                    case=case, outcome="upheld", decision="维持")


def test_a_case_past_its_decision_date_is_overdue(decided):
    appraisal, zs, _members = decided
    case = case_file(actor=zs, appraisal=appraisal, kind="review", grounds="考核数据录入有误，请复核")

    assert not overdue(case)
    assert overdue(case, today=case.decision_due + dt.timedelta(days=1))


def test_under_the_statutory_profile_only_incompetent_is_reviewed_others_object(decided):
    appraisal, zs, _members = decided
    cycle = appraisal.cycle
    cycle.schemes = {k: {**v, "profile": "statutory"} for k, v in cycle.schemes.items()}
    cycle.save()
    Appraisal.objects.filter(pk=appraisal.pk).update(final_grade=3)
    appraisal = Appraisal.objects.select_related("cycle", "person__unit").get(pk=appraisal.pk)

    case = case_file(actor=zs, appraisal=appraisal, kind="review", grounds="对基本称职等次有异议")

    assert case.kind == "objection"
