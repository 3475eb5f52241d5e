"""The annual appraisal walked step by step through the services, with its guards."""

import datetime as dt

import pytest
from django.utils import timezone

from kaohe.accounts.roles import Role
from kaohe.appraisal import quarterly, timeline, workflow
from kaohe.appraisal.messages import GATES
from kaohe.appraisal.models import AnnualGrade, Appraisal, RunResult
from kaohe.appraisal.results import gate_failed
from kaohe.audit.models import AuditEvent
from kaohe.collection.sheets import sheet_matrix
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.models import Notification
from kaohe.engine.codes import Gate
from tests import factories

pytestmark = pytest.mark.django_db

SUMMARY = "本年度认真履职，完成了全部重点工作任务，群众满意度较高。"


@pytest.fixture
def team(scored):
    city = scored.city
    return {
        "office": scored.office,
        "committee": factories.user("committee", role=Role.COMMITTEE, scope=city.city),
        "supervisor": factories.user("boss", role=Role.SUPERVISOR, scope=city.bureau_a),
        "inspector": factories.user("inspector", role=Role.DISCIPLINE, scope=city.city),
        "zs": factories.user("zs", person=city.zhang_san),
    }


def _appraisal(scored, person):
    return Appraisal.objects.get(cycle=scored.cycle, person=person)


def test_the_whole_year_for_one_person_from_summary_to_filed(scored, team):
    city, cycle = scored.city, scored.cycle
    workflow.appraisals_start(actor=team["office"], cycle=cycle)
    zhang = _appraisal(scored, city.zhang_san)

    workflow.summary_submit(actor=team["zs"], appraisal=zhang, text=SUMMARY)
    workflow.votes_close(actor=team["office"], cycle=cycle, unit=city.bureau_a)
    workflow.supervisor_propose(actor=team["supervisor"], appraisal=zhang, grade=2, comment="工作扎实")
    workflow.proposals_attach(actor=team["office"], cycle=cycle)
    zhang.refresh_from_db()
    workflow.committee_review(actor=team["committee"], cycle=cycle, decisions={zhang.pk: (2, "同意建议等次")
                                                                                if zhang.engine_grade != 2 else
                                                                                (2, "")})
    workflow.decide(actor=team["committee"], appraisals=[_appraisal(scored, city.zhang_san)])
    workflow.acknowledge(actor=team["zs"], appraisal=_appraisal(scored, city.zhang_san), agrees=True, opinion="")

    final = _appraisal(scored, city.zhang_san)
    assert final.step == "filed"
    assert AnnualGrade.objects.get(person=city.zhang_san, year=2026).grade == 2
    assert sheet_matrix(2027, person_ids=[city.zhang_san.pk]).column("h1").tolist() == [2.0]
    assert AuditEvent.objects.filter(action__startswith="appraisal.annual", object_id=str(zhang.pk)).count() == 5


def test_a_step_cannot_be_skipped(scored, team):
    workflow.appraisals_start(actor=team["office"], cycle=scored.cycle)
    zhang = _appraisal(scored, scored.city.zhang_san)

    with pytest.raises(ApplicationError, match="at the step “self-summary”"):
        workflow.supervisor_propose(actor=team["supervisor"], appraisal=zhang, grade=2, comment="好")

    assert _appraisal(scored, scored.city.zhang_san).step == "self_summary"


def test_a_risk_post_goes_through_special_review_and_a_veto_forces_incompetent(scored, team):
    city, cycle = scored.city, scored.cycle
    position = city.li_si.position
    position.is_risk_post = True
    position.save()
    workflow.appraisals_start(actor=team["office"], cycle=cycle)
    li = _appraisal(scored, city.li_si)
    workflow.summary_submit(actor=factories.user("ls", person=city.li_si), appraisal=li, text=SUMMARY)
    workflow.votes_close(actor=team["office"], cycle=cycle, unit=city.bureau_a)

    workflow.supervisor_propose(actor=team["supervisor"], appraisal=li, grade=1, comment="表现突出")
    assert _appraisal(scored, city.li_si).step == "special_review"
    workflow.special_review_record(actor=team["inspector"], appraisal=li, veto=True, note="查实违规收受礼品")
    workflow.proposals_attach(actor=team["office"], cycle=cycle)

    assert _appraisal(scored, city.li_si).engine_grade == 4
    assert Notification.objects.filter(user=team["inspector"]).count() == 1


def test_the_committee_cannot_exceed_the_quota(scored, team):
    city, cycle = scored.city, scored.cycle
    workflow.appraisals_start(actor=team["office"], cycle=cycle)
    Appraisal.objects.filter(cycle=cycle).update(step="committee", engine_grade=2, votes_closed=True)
    people = list(Appraisal.objects.filter(cycle=cycle, person__unit=city.bureau_a))
    places = dict(RunResult.objects.filter(run=scored.run, group=city.bureau_a).values_list("pool", "pool_quota"))

    with pytest.raises(ApplicationError, match="优秀 for"):
        workflow.committee_review(actor=team["committee"], cycle=cycle,
                                  decisions={a.pk: (1, "全员优秀") for a in people})

    assert sum(places.values()) < len(people)
    assert not Appraisal.objects.filter(cycle=cycle, committee_grade__isnull=False).exists()


def test_an_override_needs_a_reason(scored, team):
    workflow.appraisals_start(actor=team["office"], cycle=scored.cycle)
    Appraisal.objects.filter(cycle=scored.cycle).update(step="committee", engine_grade=2)
    zhang = _appraisal(scored, scored.city.zhang_san)

    with pytest.raises(ApplicationError, match="give the reason"):
        workflow.committee_review(actor=team["committee"], cycle=scored.cycle, decisions={zhang.pk: (3, "")})


def test_a_proposed_excellent_waits_for_the_publication_and_its_objections(scored, team):
    city, cycle = scored.city, scored.cycle
    workflow.appraisals_start(actor=team["office"], cycle=cycle)
    Appraisal.objects.filter(cycle=cycle).update(step="committee", engine_grade=1)
    zhang = _appraisal(scored, city.zhang_san)
    workflow.committee_review(actor=team["committee"], cycle=cycle, decisions={zhang.pk: (1, "")})
    publication = workflow.publication_open(actor=team["office"], cycle=cycle, unit=city.bureau_a,
                                            start=timezone.localdate())

    with pytest.raises(ApplicationError, match="公示 period has not ended"):
        workflow.decide(actor=team["committee"], appraisals=[_appraisal(scored, city.zhang_san)])
    objection = workflow.objection_file(actor=factories.user("ls", person=city.li_si), publication=publication,
                                        about=city.zhang_san, text="该同志本年度有迟到早退情况")
    publication.start_date = publication.end_date = timezone.localdate() - dt.timedelta(days=1)
    publication.save()
    with pytest.raises(ApplicationError, match="objections are still open"):
        workflow.decide(actor=team["committee"], appraisals=[_appraisal(scored, city.zhang_san)])
    workflow.objection_resolve(actor=team["committee"], objection=objection, resolution="经核实为公务外出，不影响")
    workflow.decide(actor=team["committee"], appraisals=[_appraisal(scored, city.zhang_san)])

    assert _appraisal(scored, city.zhang_san).step == "notice"


def test_a_publication_runs_five_working_days_across_a_holiday(scored, team):
    publication = workflow.publication_open(actor=team["office"], cycle=scored.cycle, unit=scored.city.bureau_a,
                                            start=dt.date(2026, 2, 12))

    assert publication.end_date == dt.date(2026, 2, 25)


def test_someone_else_cannot_sign_my_notice(scored, team):
    workflow.appraisals_start(actor=team["office"], cycle=scored.cycle)
    Appraisal.objects.filter(cycle=scored.cycle).update(step="notice", final_grade=2)

    with pytest.raises(PermissionDeniedError):
        workflow.acknowledge(actor=factories.user("ls", person=scored.city.li_si),
                             appraisal=_appraisal(scored, scored.city.zhang_san), agrees=True, opinion="")


def test_the_timeline_of_a_year_lists_each_step_in_date_order(scored, team, client):
    city = scored.city
    quarterly.quarter_grade(actor=team["supervisor"], person=city.zhang_san, year=2026, quarter=1, grade=2,
                            comment="按时完成")
    workflow.appraisals_start(actor=team["office"], cycle=scored.cycle)
    zhang = _appraisal(scored, city.zhang_san)
    Appraisal.objects.filter(pk=zhang.pk).update(step="notice", final_grade=2, decided_at=timezone.now())
    workflow.acknowledge(actor=team["zs"], appraisal=_appraisal(scored, city.zhang_san), agrees=True, opinion="")

    titles = [e.title for e in timeline.person_year(city.zhang_san.pk, 2026)]
    assert titles == ["Q1 graded 较好", "Grade decided: Competent (称职)", "Notice signed: agrees"]

    client.force_login(team["zs"])
    page = client.get(f"/people/{city.zhang_san.pk}/year/2026/")
    assert "已签署通知" in page.content.decode()
    assert client.get(f"/people/{city.li_si.pk}/year/2026/").status_code == 404  # not mine to read


def test_performance_and_potential_are_rated_one_to_three(scored, team):
    with pytest.raises(ApplicationError):
        quarterly.quarter_grade(actor=team["supervisor"], person=scored.city.zhang_san, year=2026, quarter=1,
                                grade=2, potential=5)
    assert not scored.city.zhang_san.quarter_grades.exists()


def test_the_committee_cannot_make_excellent_someone_a_gate_blocks(scored, team):
    cycle = scored.cycle
    workflow.appraisals_start(actor=team["office"], cycle=cycle)
    Appraisal.objects.filter(cycle=cycle).update(step="committee", engine_grade=2)
    blocked, gate = next((r, g) for r in RunResult.objects.filter(run=scored.run).select_related("person")
                         for g in Gate if gate_failed(r.gates, g))
    appraisal = _appraisal(scored, blocked.person)

    with pytest.raises(ApplicationError, match=f"{blocked.person.name} cannot be 优秀: {GATES[gate]}"):
        workflow.committee_review(actor=team["committee"], cycle=cycle, decisions={appraisal.pk: (1, "表现突出")})

    assert Appraisal.objects.get(pk=appraisal.pk).committee_grade is None
