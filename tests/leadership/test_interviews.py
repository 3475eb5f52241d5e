"""Individual interviews (个别谈话): committee members over the unit only, every read audited, notes encrypted
and never in the API."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from kaohe.accounts.roles import Role
from kaohe.accounts.services import role_assign
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.leadership import selectors
from kaohe.leadership.models import Interview
from kaohe.leadership.services import cadre_appraisal_open, interview_record
from tests import factories
from tests.leadership.conftest import YEAR

pytestmark = pytest.mark.django_db

NOTES = "谈话对象反映该局班子分工明确，但个别成员下基层调研不够。"


@pytest.fixture
def talk(lead):
    return interview_record(actor=lead.committee, unit=lead.bureau, year=YEAR, held_on=dt.date(2026, 11, 20),
                            notes=NOTES, interviewee=lead.city.sun_ba)


def _reads():
    return AuditEvent.objects.filter(action__in=["leadership.interview.list", "leadership.interview.read"]).count()


def test_notes_and_a_typed_interviewee_are_stored_encrypted(lead, talk):
    typed = interview_record(actor=lead.committee, unit=lead.bureau, year=YEAR, held_on=dt.date(2026, 11, 21),
                             notes=NOTES, interviewee_text="王某，社区居委会主任")
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes, interviewee_text FROM leadership_interview WHERE id = %s", [typed.pk])
        notes, name = cursor.fetchone()
    assert "班子" not in notes
    assert "王某" not in name
    event = AuditEvent.objects.filter(action="leadership.interview.record").last()
    assert "班子" not in event.detail
    assert "王某" not in event.detail


def test_the_office_and_the_cadre_may_neither_write_nor_read_interviews(lead, talk):
    lead_member_committee = factories.user("zhangsan_committee", role="committee", scope=lead.city.city,
                                           person=lead.city.zhao_liu)
    cadre_appraisal_open(actor=lead.office, leader=lead.head, kind="annual", start_year=YEAR)
    for actor in (lead.office, lead.cadre, lead.discipline, lead.other_committee):
        with pytest.raises(PermissionDeniedError):
            interview_record(actor=actor, unit=lead.bureau, year=YEAR, held_on=dt.date(2026, 11, 20), notes="x",
                             interviewee_text="某人")
        with pytest.raises(PermissionDeniedError):
            selectors.interviews_read(actor, lead.bureau, YEAR)
        with pytest.raises(NotFoundError):
            selectors.interview_get(actor, talk.pk)
    assert Interview.objects.count() == 1
    assert _reads() == 0
    assert selectors.interviews_read(lead_member_committee, lead.bureau, YEAR) == [talk]  # not on the team


def test_a_committee_member_on_the_team_is_refused_interviews_about_it(lead, talk):
    role_assign(actor=None, user=lead.cadre, role=Role.COMMITTEE, scope_unit=lead.city.city)
    conflicted = lead.cadre  # 张三 heads the bureau and now sits on the committee too
    with pytest.raises(PermissionDeniedError, match="回避"):
        selectors.interviews_read(conflicted, lead.bureau, YEAR)
    with pytest.raises(NotFoundError):
        selectors.interview_get(conflicted, talk.pk)


def test_every_read_by_the_committee_is_audited(lead, talk):
    assert [r.pk for r in selectors.interviews_read(lead.committee, lead.bureau, YEAR)] == [talk.pk]
    assert selectors.interview_get(lead.committee, talk.pk).notes == NOTES
    reads = AuditEvent.objects.filter(actor_id=lead.committee.pk, action__startswith="leadership.interview.")
    assert list(reads.order_by("seq").values_list("action", flat=True)) == [
        "leadership.interview.record", "leadership.interview.list", "leadership.interview.read"]


def test_the_pages_refuse_the_office_and_the_cadre(client, lead, talk):
    listing = reverse("leadership:interviews", args=[lead.bureau.pk, YEAR])
    detail = reverse("leadership:interview", args=[talk.pk])
    for user in (lead.office, lead.cadre):
        client.force_login(user)
        assert client.get(listing).status_code == 403
        assert client.get(detail).status_code == 404
        response = client.post(listing, {"interviewee_text": "某人", "held_on": "2026-11-20", "notes": "笔记"})
        assert response.status_code == 403
        assert NOTES not in client.get(detail).content.decode()
    assert Interview.objects.count() == 1
    assert _reads() == 0


def test_the_committee_reads_and_records_on_the_pages_and_each_read_is_audited(client, lead, talk):
    client.force_login(lead.committee)
    listing = reverse("leadership:interviews", args=[lead.bureau.pk, YEAR])
    assert "孙八" in client.get(listing).content.decode()
    assert NOTES in client.get(reverse("leadership:interview", args=[talk.pk])).content.decode()
    assert _reads() == 2
    response = client.post(listing, {"staff_no": lead.city.wang_wu.staff_no, "held_on": "2026-11-21",
                                     "notes": "第二次谈话记录"})
    assert response.status_code == 302
    assert Interview.objects.filter(interviewee=lead.city.wang_wu).exists()


def test_the_api_never_returns_interview_notes(client, lead, talk):
    cadre_appraisal_open(actor=lead.office, leader=lead.head, kind="annual", start_year=YEAR)
    client.force_login(lead.committee)
    for path in ("teams", "cadres", "distribution"):
        response = client.get(f"/api/leadership/cycles/{lead.cycle.pk}/{path}")
        assert response.status_code == 200
        assert "班子分工" not in response.content.decode()


def test_the_interviewee_on_file_lies_in_the_members_scope(lead):
    county_member = factories.user("committee_a", role=Role.COMMITTEE, scope=lead.city.county_a)
    with pytest.raises(NotFoundError):
        interview_record(actor=county_member, unit=lead.bureau, year=YEAR, held_on=dt.date(2026, 11, 20),
                         notes=NOTES, interviewee=lead.city.chen_qi)  # 青阳县: outside 临江区
    with pytest.raises(ApplicationError, match="not both"):
        interview_record(actor=county_member, unit=lead.bureau, year=YEAR, held_on=dt.date(2026, 11, 20),
                         notes=NOTES, interviewee=lead.city.sun_ba, interviewee_text="孙八，站长")
    assert not Interview.objects.exists()
