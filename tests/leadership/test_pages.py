"""Pages, export and API of leadership appraisal."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kaohe.audit.models import AuditEvent
from kaohe.leadership.export import CADRE_HEADERS, HIDDEN_ZH, SUMMARY_HEADERS, TEAM_HEADERS
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


def _team_url(lead):
    return reverse("leadership:team", args=[lead.cycle.pk, lead.bureau.pk])


def test_the_team_page_explains_the_gate_and_hides_a_small_sample(client, lead):
    grade_unit(lead, 3)
    team_democratic_record(actor=lead.office, unit=lead.bureau, year=YEAR, score=Decimal("93.75"), raters=3)
    client.force_login(lead.committee)
    page = client.get(_team_url(lead)).content.decode()
    assert 'data-testid="gated"' in page
    assert "cannot be 优秀 when its unit is graded 一般 or lower" in page
    assert "Sample too small" in page
    assert "93.75" not in page
    assert '<option value="1" disabled>' in page


def test_a_refused_decision_on_the_page_changes_nothing(client, lead):
    grade_unit(lead, 3)
    client.force_login(lead.committee)
    response = client.post(reverse("leadership:team_act", args=[lead.cycle.pk, lead.bureau.pk]),
                           {"action": "decide", "grade": "1", "reason": "班子团结，实绩突出"}, follow=True)
    assert "cannot be 优秀" in response.content.decode()
    assert not TeamAppraisal.objects.filter(decided_grade__isnull=False).exists()
    client.force_login(lead.office)
    response = client.post(reverse("leadership:team_act", args=[lead.cycle.pk, lead.bureau.pk]),
                           {"action": "decide", "grade": "2", "reason": ""})
    assert response.status_code == 403
    assert not TeamAppraisal.objects.exists()


def test_the_office_records_and_opens_the_cadre_writes_the_committee_decides_on_the_pages(client, lead):
    act = reverse("leadership:team_act", args=[lead.cycle.pk, lead.bureau.pk])
    client.force_login(lead.office)
    client.post(act, {"action": "democratic", "score": "91.5", "raters": "12"})
    client.post(act, {"action": "open", "leader": lead.head.pk, "kind": "annual", "start_year": str(YEAR)})
    appraisal = CadreAppraisal.objects.get(leader=lead.head)
    assert TeamAppraisal.objects.get(unit=lead.bureau).democratic_raters == 12
    cadre_page = reverse("leadership:cadre", args=[appraisal.pk])
    assert 'name="report"' not in client.get(cadre_page).content.decode()

    client.force_login(lead.cadre)
    assert 'name="report"' in client.get(cadre_page).content.decode()
    client.post(reverse("leadership:cadre_act", args=[appraisal.pk]), {"action": "report", "report": "我的述职述廉"})
    assert CadreAppraisal.objects.get(pk=appraisal.pk).report == "我的述职述廉"
    assert client.get(_team_url(lead)).status_code == 404  # a cadre does not read the team's appraisal

    client.force_login(lead.committee)
    decide = reverse("leadership:cadre_act", args=[appraisal.pk])
    refused = client.post(decide, {"action": "decide", "grade": "2", "reason": ""}, follow=True)
    assert "There is no proposal to follow" in refused.content.decode()  # no democratic score: no proposal
    assert CadreAppraisal.objects.get(pk=appraisal.pk).decided_grade is None
    client.post(decide, {"action": "decide", "grade": "2", "reason": "述职述廉报告全面，个别谈话评价好"})
    assert CadreAppraisal.objects.get(pk=appraisal.pk).decided_grade == 2


def _data(lead):
    grade_unit(lead, 3)
    team_democratic_record(actor=lead.office, unit=lead.bureau, year=YEAR, score=Decimal("93.75"), raters=4)
    team_grade_decide(actor=lead.committee, unit=lead.bureau, year=YEAR, grade=3)
    head = cadre_appraisal_open(actor=lead.office, leader=lead.head, kind="annual", start_year=YEAR)
    member = cadre_appraisal_open(actor=lead.office, leader=lead.member, kind="annual", start_year=YEAR)
    cadre_appraisal_open(actor=lead.office, leader=lead.head, kind="term", start_year=2021, end_year=YEAR)
    cadre_report_submit(actor=lead.cadre, appraisal=head, text="=HYPERLINK(\"http://x\")")
    cadre_democratic_record(actor=lead.office, appraisal=head, score=Decimal("88.40"), raters=9)
    cadre_democratic_record(actor=lead.office, appraisal=member, score=Decimal("77.70"), raters=2)
    cadre_grade_decide(actor=lead.committee, appraisal=head, grade=2, reason="=SUM(1,1) 依据述职述廉报告")
    return head, member


def test_the_analysis_page_shows_distributions_and_hidden_scores(client, lead):
    _data(lead)
    client.force_login(lead.office)
    page = client.get(reverse("leadership:analysis", args=[lead.cycle.pk])).content.decode()
    assert "88.40" in page
    assert "77.70" not in page
    assert "93.75" not in page
    assert page.count("Sample too small") == 1  # 李四's evaluation (the team's is not in the cadre table)
    client.force_login(lead.cadre)
    assert client.get(reverse("leadership:analysis", args=[lead.cycle.pk])).status_code == 403


def test_the_excel_export_has_chinese_headers_and_hides_small_samples(client, lead):
    _data(lead)
    client.force_login(lead.office)
    response = client.get(reverse("leadership:analysis_export", args=[lead.cycle.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["等次分布", "领导班子", "领导干部"]
    rows = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    assert list(rows["等次分布"][0]) == SUMMARY_HEADERS
    assert list(rows["领导班子"][0]) == TEAM_HEADERS == [
        "序号", "单位", "单位考核等次", "民主测评得分", "测评人数", "建议等次", "确定等次", "确定理由"]
    assert list(rows["领导干部"][0]) == CADRE_HEADERS
    assert rows["领导班子"][1][:7] == (1, "临江区民政局", "一般", HIDDEN_ZH, None, "一般", "一般")
    cadres = {(r[1], r[4]): r for r in rows["领导干部"][1:]}
    reason = next(c for c in book["领导干部"]["M"] if c.value and str(c.value).startswith("=SUM"))
    assert reason.data_type == "s"  # typed text is never written as a formula
    assert cadres[("张三", "年度考核")][6:12] == ("一般", "已提交", 88.4, 9, "称职", "称职")
    assert cadres[("李四", "年度考核")][8:10] == (HIDDEN_ZH, None)
    assert cadres[("张三", "任期考核")][5] == "2021—2026"
    assert rows["等次分布"][1] == ("领导班子", 0, 0, 1, 0, 2, 3)  # two teams not decided yet
    assert AuditEvent.objects.filter(action="leadership.analysis.export", actor_id=lead.office.pk).count() == 1


def test_the_api_lists_in_scope_and_hides_small_samples(client, lead):
    _data(lead)
    client.force_login(lead.committee)
    teams = client.get(f"/api/leadership/cycles/{lead.cycle.pk}/teams").json()
    assert [t["unit_name"] for t in teams] == ["临江区民政局", "临江区城关街道", "青阳县民政局"]
    bureau = teams[0]
    assert bureau["democratic"] == {"state": "hidden", "minimum": 5, "score": None, "raters": None}
    assert (bureau["unit_grade"], bureau["decided_grade"], bureau["gated"]) == (3, 3, True)
    cadres = client.get(f"/api/leadership/cycles/{lead.cycle.pk}/cadres").json()
    assert len(cadres) == 3
    assert all("report" not in c for c in cadres)
    assert client.get(f"/api/leadership/cycles/{lead.cycle.pk}/distribution").json()["teams"]["3"] == 1
    client.force_login(lead.other_committee)
    assert [t["unit_name"] for t in client.get(f"/api/leadership/cycles/{lead.cycle.pk}/teams").json()] == [
        "青阳县民政局"]
    assert client.get(f"/api/leadership/cycles/{lead.cycle.pk}/cadres").json() == []
    client.logout()
    assert client.get(f"/api/leadership/cycles/{lead.cycle.pk}/teams").status_code == 401


def test_the_index_and_cycle_pages_list_what_each_user_may_open(client, lead):
    head, _member = _data(lead)
    client.force_login(lead.office)
    assert lead.cycle.name in client.get(reverse("leadership:index")).content.decode()
    page = client.get(reverse("leadership:cycle", args=[lead.cycle.pk])).content.decode()
    assert "临江区民政局" in page
    assert "Sample too small" in page
    client.force_login(lead.cadre)
    mine = client.get(reverse("leadership:index")).content.decode()
    assert reverse("leadership:cadre", args=[head.pk]) in mine
    assert lead.cycle.name not in mine
    assert client.get(reverse("leadership:cycle", args=[lead.cycle.pk])).status_code == 403
