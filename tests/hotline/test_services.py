"""Hotline records through the services: stored classified and attributed, corrected by people, fed into
indicators through `values_record`; reads are scoped. Refusals change nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.accounts.roles import Role
from kaohe.audit.models import AuditEvent
from kaohe.collection.models import IndicatorValue
from kaohe.collection.sheets import sheet_matrix
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.hotline import selectors
from kaohe.hotline.models import HotlineRecord
from kaohe.hotline.services import (
    HotlineIn,
    hotline_indicators_feed,
    hotline_problems,
    hotline_record_reclassify,
    hotline_record_substantiate,
    hotline_records_store,
    indicator_values,
)
from kaohe.indicators.services import default_content_load
from kaohe.org.services import person_transfer
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(city):
    default_content_load(actor=None, year=2026)
    return city


@pytest.fixture
def office(content):
    return factories.user("office", role=Role.APPRAISAL_OFFICE, scope=content.city)


def _item(case_no: str, text: str, day: dt.date = dt.date(2026, 2, 10), **fields) -> HotlineIn:
    return HotlineIn(case_no, day, text, **fields)


def _store(content, *items: HotlineIn, unit=None) -> list[HotlineRecord]:
    return hotline_records_store(actor=None, items=list(items), scope_unit=unit or content.city, source="manual",
                                 batch="b1")


def test_stored_records_are_classified_attributed_and_audited(content):
    created = _store(content,
                     _item("C1", "投诉临江区民政局张三态度恶劣，材料交了两个月没有回复。"),
                     _item("C2", "感谢城关街道王五同志帮我们解决了停车难的问题！"),
                     _item("C3", "请问社保卡丢了怎么补办？联系电话13812345678"))

    rows = [(r.case_no, r.classification, r.person.name if r.person else None, r.unit.name if r.unit else None)
            for r in created]
    assert rows == [("C1", "complaint", "张三", "临江区民政局"), ("C2", "praise", "王五", "临江区城关街道"),
                    ("C3", "neutral", None, None)]
    assert "-态度恶劣" in created[0].rule
    assert AuditEvent.objects.filter(action="hotline.records.store", object_id="b1").count() == 1


def test_after_a_transfer_a_complaint_naming_the_person_counts_for_the_new_unit(content):
    _store(content, _item("T1", "投诉张三态度恶劣，材料交了两个月没有回复。"))
    person_transfer(actor=None, person=content.zhang_san, unit=content.bureau_b, on=dt.date(2026, 3, 1))

    later = _store(content, _item("T2", "投诉张三态度恶劣，材料交了两个月没有回复。", day=dt.date(2026, 3, 10)))

    assert (later[0].person.name, later[0].unit.name) == ("张三", "青阳县民政局")


def test_a_person_outside_the_sources_units_is_not_attributed(content):
    (record,) = _store(content, _item("C1", "投诉临江区民政局张三态度恶劣。"), unit=content.county_b)

    assert (record.classification, record.person_id, record.unit_id) == ("complaint", None, None)


def test_problems_are_found_per_record_and_a_bad_batch_stores_nothing(content):
    _store(content, _item("C1", "请问怎么办理居住证？"))
    items = [_item("C1", "重复"), _item("C2", " "), _item("C3", "请问", dt.date(2099, 1, 1)),
             _item("C4", "请问", channel="fax"), _item("C5", "请问", resolution_hours=-1.0), _item("C6", "请问")]

    assert hotline_problems(items) == [
        "This case number is already recorded.", "The text must have 1 to 5000 characters.",
        "The date received lies in the future.", "Unknown channel fax.",
        "The resolution time must be between 0 and 100,000 hours.", ""]
    with pytest.raises(ApplicationError, match="already recorded"):
        _store(content, *items)
    assert HotlineRecord.objects.count() == 1


def _complaints(content):
    return _store(content,
                  _item("C1", "投诉张三同志态度恶劣。", dt.date(2026, 1, 5), resolution_hours=20.0),
                  _item("C2", "张三同志推诿扯皮，不作为。", dt.date(2026, 2, 5), resolution_hours=100.0),
                  _item("C3", "张三同志拖延办理，至今没有结果。", dt.date(2026, 5, 5), resolution_hours=130.0),
                  _item("C4", "张三同志向我索要好处费，请纪委调查。", dt.date(2026, 6, 5)),
                  _item("C5", "感谢张三同志耐心细致！", dt.date(2026, 6, 6), resolution_hours=1.0),
                  _item("C6", "孙八同志办事拖拉，很不满意。", dt.date(2025, 6, 6), resolution_hours=1.0))


def test_complaints_give_the_on_time_share_per_quarter_and_substantiated_probity_complaints(content):
    discipline = factories.user("jw", role=Role.DISCIPLINE, scope=content.city)
    records = _complaints(content)
    hotline_record_substantiate(actor=discipline, record=records[3], substantiated=True)
    zhang = content.zhang_san.pk

    values = indicator_values(list(HotlineRecord.objects.filter(received_on__year=2026)), 2026)

    assert [(v.person_id, v.code, v.quarter, v.value) for v in values] == [
        (zhang, "JI05", 0, 66.67), (zhang, "JI05", 1, 100.0), (zhang, "JI05", 2, 0.0), (zhang, "LI03", 0, 1.0)]


def test_feeding_indicators_records_the_values_through_values_record(content, office):
    _complaints(content)

    count = hotline_indicators_feed(actor=office, year=2026)

    assert count == 3
    assert sorted(IndicatorValue.objects.values_list("code", "quarter", "value", "source")) == [
        ("JI05", 0, 66.67, "hotline"), ("JI05", 1, 100.0, "hotline"), ("JI05", 2, 0.0, "hotline")]
    assert sheet_matrix(2026, person_ids=[content.zhang_san.pk]).column("JI05").tolist() == [66.67]
    assert AuditEvent.objects.filter(action="hotline.indicators.feed").count() == 1


def test_feeding_indicators_outside_the_office_scope_is_refused_and_changes_nothing(content):
    _complaints(content)
    office_b = factories.user("office-b", role=Role.APPRAISAL_OFFICE, scope=content.county_b)
    supervisor = factories.user("boss", role=Role.SUPERVISOR, scope=content.city)
    before = (IndicatorValue.objects.count(), AuditEvent.objects.count())

    with pytest.raises(ApplicationError, match="No complaint of 2026 in your scope"):
        hotline_indicators_feed(actor=office_b, year=2026)
    with pytest.raises(PermissionDeniedError):
        hotline_indicators_feed(actor=supervisor, year=2026)

    assert (IndicatorValue.objects.count(), AuditEvent.objects.count()) == before


def test_only_the_discipline_office_over_the_person_may_find_a_probity_complaint_substantiated(content, office):
    records = _complaints(content)
    outsider = factories.user("jw-b", role=Role.DISCIPLINE, scope=content.county_b)
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDeniedError):
        hotline_record_substantiate(actor=office, record=records[3], substantiated=True)
    with pytest.raises(PermissionDeniedError):
        hotline_record_substantiate(actor=outsider, record=records[3], substantiated=True)

    assert HotlineRecord.objects.get(pk=records[3].pk).substantiated is None
    assert AuditEvent.objects.count() == before


def test_a_reclassification_needs_a_reason_and_keeps_the_proposal(content, office):
    (record,) = _store(content, _item("C1", "张三同志办事拖拉。"))

    with pytest.raises(ApplicationError, match="Give the reason"):
        hotline_record_reclassify(actor=office, record=record, classification="neutral", reason=" ")
    hotline_record_reclassify(actor=office, record=record, classification="neutral", reason="咨询被误判")

    saved = HotlineRecord.objects.get(pk=record.pk)
    assert (saved.classification, saved.proposed) == ("neutral", "complaint")
    assert AuditEvent.objects.filter(action="hotline.record.reclassify").count() == 1


def test_monthly_counts_stay_within_the_readers_scope(content, office):
    _complaints(content)
    _store(content, _item("Q1", "陈七同志态度恶劣，很不满意。", dt.date(2026, 3, 1)))
    office_b = factories.user("office-b", role=Role.APPRAISAL_OFFICE, scope=content.county_b)

    by_person = selectors.monthly_counts(office, year=2026, by="person")
    in_b = selectors.monthly_counts(office_b, year=2026, by="unit")

    assert [(e["name"], e["complaint"], e["praise"]) for e in by_person] == [("张三", 4, 1), ("陈七", 1, 0)]
    assert by_person[0]["months"][6] == {"praise": 1, "complaint": 1}
    assert [(e["name"], e["complaint"]) for e in in_b] == [("青阳县民政局", 1)]


def test_the_hotline_page_shows_counts_and_masks_phone_numbers(client, content, office):
    _store(content, _item("C1", "投诉张三同志态度恶劣，我的电话13812345678。", dt.date(2026, 3, 1)))
    client.force_login(office)

    page = client.get(reverse("hotline:records"), {"year": 2026, "by": "person"}).content.decode()
    detail = client.get(reverse("hotline:record_detail", args=[HotlineRecord.objects.get().pk])).content.decode()

    assert "138****5678" in page
    assert "13812345678" not in page + detail
    assert 'data-testid="monthly-counts"' in page
    assert "<td>张三</td>" in page


def test_feeding_indicators_from_the_page(client, content, office):
    _complaints(content)
    client.force_login(office)

    response = client.post(reverse("hotline:indicators_feed"), {"year": 2026})

    assert response.status_code == 302
    assert IndicatorValue.objects.filter(source="hotline").count() == 3


def test_the_api_lists_scoped_records_without_their_text(client, content, office):
    _complaints(content)
    _store(content, _item("Q1", "陈七同志态度恶劣，很不满意。", dt.date(2026, 3, 1)))
    office_b = factories.user("office-b", role=Role.APPRAISAL_OFFICE, scope=content.county_b)
    client.force_login(office_b)

    body = client.get("/api/hotline/records", {"year": 2026}).json()

    assert [(r["case_no"], r["classification"]) for r in body["items"]] == [("Q1", "complaint")]
    assert "text" not in body["items"][0]
    assert body["next_before"] is None
