"""Team and cadre appraisal through the services: the gate, hidden democratic scores, reasons, roles, and
refused writes that change nothing."""

from decimal import Decimal

import pytest
from django.db import connection

from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.leadership import selectors
from kaohe.leadership.models import CadreAppraisal, TeamAppraisal
from kaohe.leadership.services import (
    cadre_appraisal_open,
    cadre_democratic_record,
    cadre_grade_decide,
    cadre_report_submit,
    team_democratic_record,
    team_grade_decide,
)
from tests.leadership.conftest import YEAR, grade_unit

pytestmark = pytest.mark.django_db


def _events(action):
    return AuditEvent.objects.filter(action=action).count()


# Teams ----------------------------------------------------------------------------------------------------

def test_the_team_of_a_unit_graded_fair_cannot_be_excellent_even_with_a_reason(lead):
    grade_unit(lead, 3)
    team_democratic_record(actor=lead.office, unit=lead.bureau, year=YEAR, score=Decimal("96.5"), raters=12)
    row = selectors.team_get(lead.committee, lead.bureau, YEAR)
    assert (row.unit_grade, row.proposal.grade, row.proposal.gated) == (3, 3, True)
    with pytest.raises(ApplicationError, match=r"cannot be 优秀: 临江区民政局 itself is graded Fair \(一般\)") as exc:
        team_grade_decide(actor=lead.committee, unit=lead.bureau, year=YEAR, grade=1,
                          reason="班子团结，群众评价高，民主测评优秀")
    assert exc.value.field == "grade"
    appraisal = TeamAppraisal.objects.get(unit=lead.bureau, year=YEAR)
    assert appraisal.decided_grade is None
    assert appraisal.decision_reason == ""
    assert _events("leadership.team.decide") == 0
    decided = team_grade_decide(actor=lead.committee, unit=lead.bureau, year=YEAR, grade=2,
                                reason="民主测评较好，但单位考核一般")
    assert (decided.decided_grade, decided.proposed_grade, decided.unit_grade) == (2, 3, 3)
    assert _events("leadership.team.decide") == 1


def test_a_grade_other_than_the_proposal_needs_a_reason(lead):
    team_democratic_record(actor=lead.office, unit=lead.bureau, year=YEAR, score=95, raters=12)
    assert selectors.team_get(lead.office, lead.bureau, YEAR).proposal.grade == 2  # the unit is 良好
    with pytest.raises(ApplicationError, match=r"Give the reason for deciding Fair \(一般\) when the proposal is Good"):
        team_grade_decide(actor=lead.committee, unit=lead.bureau, year=YEAR, grade=3, reason="差")
    assert TeamAppraisal.objects.get(unit=lead.bureau, year=YEAR).decided_grade is None
    team_grade_decide(actor=lead.committee, unit=lead.bureau, year=YEAR, grade=2)  # the proposal: no reason needed
    team_grade_decide(actor=lead.committee, unit=lead.bureau, year=YEAR, grade=3, reason="个别谈话反映问题较多")
    assert TeamAppraisal.objects.get(unit=lead.bureau, year=YEAR).decided_grade == 3


@pytest.mark.parametrize(("raters", "state"), [(1, "hidden"), (4, "hidden"), (5, "shown"), (30, "shown")])
def test_the_democratic_score_is_shown_only_from_the_anonymity_minimum(lead, raters, state):
    team_democratic_record(actor=lead.office, unit=lead.bureau, year=YEAR, score=Decimal("97.00"), raters=raters)
    row = selectors.team_get(lead.committee, lead.bureau, YEAR)
    assert row.democratic.state == state
    assert row.democratic.minimum == 5  # the scheme's policy.anonymity_min, as for ballot rounds
    if state == "hidden":
        assert (row.democratic.score, row.democratic.raters, row.proposal.from_democratic) == (None, None, None)
    else:
        assert (row.democratic.score, row.democratic.raters, row.proposal.from_democratic) == (Decimal(97), raters, 1)
    assert row.proposal.grade == 2  # 良好 either way: the unit's grade


def test_only_the_committee_over_the_unit_decides_and_only_the_office_records(lead):
    for actor in (lead.office, lead.discipline, lead.other_committee, lead.cadre):
        with pytest.raises(PermissionDeniedError):
            team_grade_decide(actor=actor, unit=lead.bureau, year=YEAR, grade=2, reason="测试理由四字")
    for actor in (lead.committee, lead.cadre):
        with pytest.raises(PermissionDeniedError):
            team_democratic_record(actor=actor, unit=lead.bureau, year=YEAR, score=90, raters=10)
    assert not TeamAppraisal.objects.exists()
    assert _events("leadership.team.decide") == _events("leadership.team.democratic") == 0


@pytest.mark.parametrize(("score", "raters"), [(101, 10), (-1, 10), ("abc", 10), (90, 0), (90, True)])
def test_a_democratic_evaluation_out_of_range_is_refused(lead, score, raters):
    with pytest.raises(ApplicationError):
        team_democratic_record(actor=lead.office, unit=lead.bureau, year=YEAR, score=score, raters=raters)
    assert not TeamAppraisal.objects.exists()


def test_inputs_are_frozen_once_the_committee_has_decided(lead):
    team_democratic_record(actor=lead.office, unit=lead.bureau, year=YEAR, score=88, raters=10)
    team_grade_decide(actor=lead.committee, unit=lead.bureau, year=YEAR, grade=2)
    with pytest.raises(ApplicationError, match="already decided"):
        team_democratic_record(actor=lead.office, unit=lead.bureau, year=YEAR, score=99, raters=10)
    assert TeamAppraisal.objects.get(unit=lead.bureau, year=YEAR).democratic_score == Decimal(88)


def test_a_team_decided_excellent_before_its_unit_was_graded_fair_shows_the_conflict(lead):
    team_grade_decide(actor=lead.committee, unit=lead.bureau, year=YEAR, grade=1, reason="班子实绩突出，群众公认")
    assert not selectors.team_get(lead.committee, lead.bureau, YEAR).conflict
    grade_unit(lead, 3)
    assert selectors.team_get(lead.committee, lead.bureau, YEAR).conflict


# Cadres ---------------------------------------------------------------------------------------------------

def _annual(lead, leader=None):
    return cadre_appraisal_open(actor=lead.office, leader=leader or lead.head, kind="annual", start_year=YEAR)


def test_only_the_cadre_submits_the_report_and_it_is_stored_encrypted(lead):
    appraisal = _annual(lead)
    text = "本年度认真履行主要负责人职责，严格遵守廉洁自律各项规定。"
    for actor in (lead.member_user, lead.office, lead.committee):
        with pytest.raises(PermissionDeniedError, match="Only 张三 may submit"):
            cadre_report_submit(actor=actor, appraisal=appraisal, text=text)
    assert CadreAppraisal.objects.get(pk=appraisal.pk).report_submitted_at is None
    cadre_report_submit(actor=lead.cadre, appraisal=appraisal, text=text)
    assert CadreAppraisal.objects.get(pk=appraisal.pk).report == text
    with connection.cursor() as cursor:
        cursor.execute("SELECT report FROM leadership_cadreappraisal WHERE id = %s", [appraisal.pk])
        stored = cursor.fetchone()[0]
    assert "履行" not in stored
    assert stored
    event = AuditEvent.objects.get(action="leadership.cadre.report")
    assert "履行" not in event.detail


def test_the_committee_decides_only_after_the_report(lead):
    appraisal = _annual(lead, lead.member)
    with pytest.raises(ApplicationError, match="has not submitted the 述职述廉 report"):
        cadre_grade_decide(actor=lead.committee, appraisal=appraisal, grade=2, reason="测试理由四字")
    cadre_report_submit(actor=lead.member_user, appraisal=appraisal, text="述职述廉报告")
    cadre_democratic_record(actor=lead.office, appraisal=appraisal, score=Decimal("91.2"), raters=15)
    decided = cadre_grade_decide(actor=lead.committee, appraisal=appraisal, grade=1)  # the proposal
    assert (decided.decided_grade, decided.proposed_grade) == (1, 1)
    with pytest.raises(ApplicationError, match="already decided"):
        cadre_report_submit(actor=lead.member_user, appraisal=appraisal, text="改写")


def test_the_head_of_a_unit_graded_fair_is_not_excellent_in_the_annual_appraisal_but_a_member_may_be(lead):
    grade_unit(lead, 3)
    head, member = _annual(lead), _annual(lead, lead.member)
    cadre_report_submit(actor=lead.cadre, appraisal=head, text="述职述廉报告")
    cadre_report_submit(actor=lead.member_user, appraisal=member, text="述职述廉报告")
    for appraisal in (head, member):
        cadre_democratic_record(actor=lead.office, appraisal=appraisal, score=95, raters=20)
    with pytest.raises(ApplicationError, match="as head of 临江区民政局"):
        cadre_grade_decide(actor=lead.committee, appraisal=head, grade=1, reason="工作实绩突出，群众公认")
    assert CadreAppraisal.objects.get(pk=head.pk).decided_grade is None
    assert selectors.cadre_get(lead.committee, head.pk).proposal.grade == 2
    assert cadre_grade_decide(actor=lead.committee, appraisal=member, grade=1).decided_grade == 1


def test_a_term_appraisal_covers_years_on_the_team(lead):
    term = cadre_appraisal_open(actor=lead.office, leader=lead.head, kind="term", start_year=2021, end_year=YEAR)
    assert (term.start_year, term.end_year) == (2021, YEAR)
    with pytest.raises(ApplicationError, match="was not on the leadership team"):
        cadre_appraisal_open(actor=lead.office, leader=lead.member, kind="term", start_year=2019, end_year=2022)
    with pytest.raises(ApplicationError, match="A term runs"):
        cadre_appraisal_open(actor=lead.office, leader=lead.head, kind="term", start_year=YEAR, end_year=YEAR)
    with pytest.raises(ApplicationError, match="already open"):
        cadre_appraisal_open(actor=lead.office, leader=lead.head, kind="term", start_year=2021, end_year=YEAR)
    with pytest.raises(PermissionDeniedError):
        cadre_appraisal_open(actor=lead.committee, leader=lead.head, kind="annual", start_year=YEAR)
    assert CadreAppraisal.objects.count() == 1


def test_the_cadre_reads_their_own_appraisal_and_nobody_elses(lead):
    own, other = _annual(lead), _annual(lead, lead.member)
    assert selectors.cadre_get(lead.cadre, own.pk).appraisal.pk == own.pk
    with pytest.raises(ApplicationError, match="No leading-cadre appraisal"):
        selectors.cadre_get(lead.cadre, other.pk)
    assert [r.appraisal.pk for r in selectors.my_cadre_appraisals(lead.cadre)] == [own.pk]
    assert selectors.cadre_rows(lead.cadre, lead.cycle) == []
    assert [t.unit.name for t in selectors.team_rows(lead.other_committee, lead.cycle)] == ["青阳县民政局"]
