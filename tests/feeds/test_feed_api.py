"""The signed feed: authentication, replay, idempotency, per-record answers, limits — refusals change nothing."""

import json
import time

import pytest
from django.db import connection

from kaohe.audit.models import AuditEvent
from kaohe.collection.models import IndicatorValue
from kaohe.collection.services import ValueIn, content_hash
from kaohe.collection.sheets import sheet_matrix
from kaohe.feeds.models import FeedNonce, FeedRecord
from kaohe.feeds.services import feed_source_rotate, feed_source_set_active
from kaohe.hotline.models import HotlineRecord
from tests.feeds.conftest import URL, signed_post, value

pytestmark = pytest.mark.django_db


def _counts():
    return (IndicatorValue.objects.count(), FeedRecord.objects.count(), HotlineRecord.objects.count(),
            AuditEvent.objects.count())


def test_a_signed_batch_is_accepted_and_its_values_land_with_provenance(feed_client, one_net, content):
    zhang = content.zhang_san
    payload = {"batch_id": "2026-11-22.1", "records": [
        value("case-1", zhang.staff_no, "JI02", value=97.5),
        value("case-2", zhang.staff_no, "DE02", level="较好"),
        value("case-3", zhang.staff_no, "JI03", value=91.0, sample_size=130, quarter=3),
    ]}

    response = signed_post(feed_client, one_net, payload)

    body = response.json()
    assert response.status_code == 200, body
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (3, 0, 0)
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted", "accepted"]
    rows = list(IndicatorValue.objects.order_by("code").values_list("code", "source", "batch", "content_hash"))
    assert rows == [
        ("DE02", "feed", f"{one_net.source.key_id}:2026-11-22.1",
         content_hash(ValueIn(zhang.pk, "DE02", 2026, level="较好"))),
        ("JI02", "feed", f"{one_net.source.key_id}:2026-11-22.1", content_hash(ValueIn(zhang.pk, "JI02", 2026, 97.5))),
        ("JI03", "feed", f"{one_net.source.key_id}:2026-11-22.1",
         content_hash(ValueIn(zhang.pk, "JI03", 2026, 91.0, quarter=3, sample_size=130))),
    ]
    assert sheet_matrix(2026, person_ids=[zhang.pk]).column("JI02").tolist() == [97.5]
    assert FeedRecord.objects.filter(status="accepted").count() == 3
    assert AuditEvent.objects.filter(action="feeds.batch.receive").count() == 1


def test_a_bad_signature_is_refused_with_401_and_changes_nothing(feed_client, one_net, content):
    before = _counts()
    payload = {"batch_id": "b1", "records": [value("k1", content.zhang_san.staff_no, value=90.0)]}

    response = signed_post(feed_client, one_net, payload, signature="0" * 64)

    assert response.status_code == 401
    assert "signature does not match" in response.json()["detail"]
    assert _counts() == before
    assert FeedNonce.objects.count() == 0


def test_a_body_changed_after_signing_is_refused(feed_client, one_net, content):
    stamp = int(time.time())
    good = json.dumps({"batch_id": "b1", "records": [value("k1", content.zhang_san.staff_no, value=90.0)]}).encode()
    from kaohe.feeds.signing import sign

    signature = sign(one_net.secret, "POST", URL, str(stamp), good)

    response = signed_post(feed_client, one_net, None, timestamp=stamp, signature=signature,
                           body=good.replace(b"90.0", b"99.0"))

    assert response.status_code == 401
    assert IndicatorValue.objects.count() == 0


def test_an_unknown_key_is_refused_with_401(feed_client, one_net):
    response = signed_post(feed_client, one_net, {"batch_id": "b1", "records": []}, key="fk_nosuchkey")

    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown key fk_nosuchkey."


def test_missing_signing_headers_are_refused_with_401(feed_client, one_net):
    response = feed_client.post(URL, data=b"{}", content_type="application/json")

    assert response.status_code == 401
    assert "X-Kaohe-Signature" in response.json()["detail"]


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_timestamp_more_than_five_minutes_off_is_refused_and_changes_nothing(feed_client, one_net, content,
                                                                               offset):
    before = _counts()
    payload = {"batch_id": "b1", "records": [value("k1", content.zhang_san.staff_no, value=90.0)]}

    response = signed_post(feed_client, one_net, payload, timestamp=int(time.time()) + offset)

    assert response.status_code == 401
    assert "5 minutes" in response.json()["detail"]
    assert _counts() == before


def test_a_timestamp_within_five_minutes_is_accepted(feed_client, one_net, content):
    payload = {"batch_id": "b1", "records": [value("k1", content.zhang_san.staff_no, value=90.0)]}

    assert signed_post(feed_client, one_net, payload, timestamp=int(time.time()) - 290).status_code == 200


def test_a_replayed_request_is_refused_with_409_and_changes_nothing(feed_client, one_net, content):
    stamp = int(time.time())
    payload = {"batch_id": "b1", "records": [value("k1", content.zhang_san.staff_no, value=90.0)]}
    assert signed_post(feed_client, one_net, payload, timestamp=stamp).status_code == 200
    before = _counts()

    replay = signed_post(feed_client, one_net, payload, timestamp=stamp)

    assert replay.status_code == 409
    assert "already received" in replay.json()["detail"]
    assert _counts() == before


def test_resending_a_batch_with_a_fresh_signature_changes_nothing(feed_client, one_net, content):
    payload = {"batch_id": "b1", "records": [value("k1", content.zhang_san.staff_no, value=90.0),
                                             value("k2", "NOBODY", value=80.0)]}
    first = signed_post(feed_client, one_net, payload, timestamp=int(time.time()) - 10).json()
    before = _counts()

    again = signed_post(feed_client, one_net, payload).json()

    assert [r["status"] for r in first["results"]] == ["accepted", "rejected"]
    assert [r["status"] for r in again["results"]] == ["duplicate", "rejected"]
    assert again["results"][1]["reason"] == first["results"][1]["reason"]
    assert _counts() == before


def test_a_key_accepted_before_with_other_content_is_rejected(feed_client, one_net, content):
    staff_no = content.zhang_san.staff_no
    signed_post(feed_client, one_net, {"batch_id": "b1", "records": [value("k1", staff_no, value=90.0)]},
                timestamp=int(time.time()) - 10)

    body = signed_post(feed_client, one_net, {"batch_id": "b2", "records": [value("k1", staff_no, value=10.0)]}).json()

    reason = "The idempotency key was already accepted with other content; use a new key."
    assert body["results"] == [{"index": 0, "key": "k1", "status": "rejected", "reason": reason}]
    assert list(IndicatorValue.objects.values_list("value", flat=True)) == [90.0]


def test_each_record_is_answered_on_its_own_and_only_the_good_ones_land(feed_client, one_net, content):
    zhang, chen = content.zhang_san, content.chen_qi
    payload = {"batch_id": "mixed", "records": [
        value("ok", zhang.staff_no, value=95.0),
        value("outside", chen.staff_no, value=95.0),
        value("not-allowed", zhang.staff_no, "JI05", value=95.0),
        value("bad-level", zhang.staff_no, "DE02", level="优"),
        value("no-number", zhang.staff_no, "JI02"),
        value("bad-quarter", zhang.staff_no, quarter=5, value=1.0),
        {"key": "no-type", "staff_no": zhang.staff_no},
        value("ok", zhang.staff_no, value=96.0),
        value("retired", zhang.staff_no, "QI04", value=1.0),
    ]}

    body = signed_post(feed_client, one_net, payload).json()

    assert [(r["key"], r["status"], r["reason"]) for r in body["results"]] == [
        ("ok", "accepted", ""),
        ("outside", "rejected", f"No civil servant with staff number {chen.staff_no} in this source's units."),
        ("not-allowed", "rejected", "This source may not send JI05."),
        ("bad-level", "rejected", "Give one of the levels of DE02: 好、较好、一般、较差."),
        ("no-number", "rejected", "JI02 needs a number."),
        ("bad-quarter", "rejected", "Invalid record: quarter: Input should be less than or equal to 4"),
        ("no-type", "rejected", "Invalid record: -: Unable to extract tag using discriminator 'type'"),
        ("ok", "rejected", "The idempotency key is repeated in this batch."),
        ("retired", "rejected", "This source may not send QI04."),
    ]
    assert list(IndicatorValue.objects.values_list("code", "value")) == [("JI02", 95.0)]
    assert FeedRecord.objects.filter(status="rejected").count() == 8
    assert FeedRecord.objects.get(status="rejected", idempotency_key="outside").reason.startswith("No civil servant")


def test_a_disabled_source_is_refused_with_403(feed_client, one_net, content):
    feed_source_set_active(actor=None, source=one_net.source, active=False)
    before = _counts()

    response = signed_post(feed_client, one_net, {"batch_id": "b", "records": [value("k", "x", value=1.0)]})

    assert response.status_code == 403
    assert _counts() == before


def test_a_rotated_secret_stops_the_old_one(feed_client, one_net, content):
    old = one_net.secret
    one_net.secret = feed_source_rotate(actor=None, source=one_net.source)
    payload = {"batch_id": "b", "records": [value("k", content.zhang_san.staff_no, value=1.0)]}

    assert signed_post(feed_client, one_net, payload).status_code == 200
    one_net.secret = old
    assert signed_post(feed_client, one_net, payload).status_code == 401


def test_more_than_ten_thousand_records_is_refused_with_413(feed_client, one_net, content):
    records = [value(f"k{i}", content.zhang_san.staff_no, value=1.0) for i in range(10_001)]

    response = signed_post(feed_client, one_net, {"batch_id": "big", "records": records})

    assert response.status_code == 413
    assert response.json()["detail"] == "A batch holds at most 10,000 records."
    assert FeedRecord.objects.count() == 0


def test_a_body_over_the_size_limit_is_refused_with_413_before_it_is_read(feed_client, one_net, monkeypatch):
    from kaohe.feeds import intake

    monkeypatch.setattr(intake, "MAX_BODY", 100)

    response = signed_post(feed_client, one_net, {"batch_id": "b", "records": [{"pad": "x" * 200}]})

    assert response.status_code == 413


@pytest.mark.parametrize(
    ("_case", "body", "detail"),
    [
        ("not JSON", b"{records", "The body is not JSON in UTF-8."),
        ("a lone surrogate", b'{"batch_id": "b", "records": [{"key": "\\ud800"}]}', "The body is not JSON in UTF-8."),
        ("not an object", b"[1, 2]", 'The body must be an object with "batch_id" and a list "records".'),
        ("bad batch id", b'{"batch_id": "a b", "records": [{}]}',
         "The batch_id must be 1 to 40 letters, digits or . _ : -"),
        ("no records", b'{"batch_id": "b", "records": []}', "The batch has no records."),
    ],
)
def test_a_body_that_is_not_a_batch_is_refused_with_422(feed_client, one_net, _case, body, detail):
    response = signed_post(feed_client, one_net, None, body=body)

    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert (FeedRecord.objects.count(), AuditEvent.objects.filter(action="feeds.batch.receive").count()) == (0, 0)


def test_expired_signatures_are_forgotten(feed_client, one_net, content):
    import datetime as dt

    from django.utils import timezone

    FeedNonce.objects.create(source=one_net.source, signature="f" * 64,
                             expires_at=timezone.now() - dt.timedelta(seconds=1))
    payload = {"batch_id": "b1", "records": [value("k1", content.zhang_san.staff_no, value=90.0)]}

    signed_post(feed_client, one_net, payload)

    assert list(FeedNonce.objects.values_list("signature", flat=True)) != ["f" * 64]
    assert FeedNonce.objects.count() == 1


def test_hotline_records_are_stored_classified_and_attributed(feed_client, hotline_source, content):
    payload = {"batch_id": "h1", "records": [
        {"key": "12345-0001", "type": "hotline", "case_no": "JZ2026110001", "received_on": "2026-11-02",
         "text": "投诉临江区民政局张三，办理低保时态度恶劣，至今没有回复。", "resolution_hours": 30},
        {"key": "12345-0002", "type": "hotline", "case_no": "JZ2026110002", "received_on": "2026-11-03",
         "text": "感谢临江区城关街道王五同志耐心细致，帮我们解决了停车难的问题！", "channel": "wechat"},
        {"key": "12345-0003", "type": "hotline", "case_no": "JZ2026110003", "received_on": "2099-01-01",
         "text": "请问社保卡怎么补办？"},
    ]}

    body = signed_post(feed_client, hotline_source, payload).json()

    assert [(r["status"], r["reason"]) for r in body["results"]] == [
        ("accepted", ""), ("accepted", ""), ("rejected", "The date received lies in the future.")]
    rows = list(HotlineRecord.objects.order_by("case_no").values_list("classification", "person__name", "unit__name"))
    assert rows == [("complaint", "张三", "临江区民政局"), ("praise", "王五", "临江区城关街道")]
    assert HotlineRecord.objects.get(case_no="JZ2026110001").text.startswith("投诉临江区民政局张三")


def test_the_hotline_text_is_stored_encrypted(feed_client, hotline_source, content):
    payload = {"batch_id": "h1", "records": [{"key": "k", "type": "hotline", "case_no": "C1",
                                              "received_on": "2026-11-02", "text": "请问社保卡怎么补办？"}]}
    signed_post(feed_client, hotline_source, payload)

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM hotline_hotlinerecord")
        (raw,) = cursor.fetchone()

    assert raw.startswith("v1.")
    assert "社保" not in raw


def test_a_value_source_may_not_send_hotline_records(feed_client, one_net):
    payload = {"batch_id": "h", "records": [{"key": "k", "type": "hotline", "case_no": "C1",
                                             "received_on": "2026-11-02", "text": "请问社保卡怎么补办？"}]}

    body = signed_post(feed_client, one_net, payload).json()

    assert body["results"][0]["reason"] == "This source may not send 12345 hotline records."
    assert HotlineRecord.objects.count() == 0


def test_the_feed_secret_is_stored_encrypted(one_net):
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM feeds_feedsource")
        (raw,) = cursor.fetchone()

    assert raw.startswith("v1.")
    assert one_net.secret not in raw


def test_answers_are_in_chinese_by_default(one_net, content):
    from django.test import Client

    payload = {"batch_id": "zh", "records": [value("k1", content.zhang_san.staff_no, "JI02")]}

    body = signed_post(Client(enforce_csrf_checks=True), one_net, payload).json()

    assert body["results"][0]["reason"] == "JI02 需要填写数值。"


def test_the_openapi_schema_documents_the_signed_endpoint_without_session_or_token(client):
    operation = client.get("/api/openapi.json").json()["paths"]["/api/feeds/records"]["post"]

    assert operation["security"] == []
    assert sorted(operation["responses"]) == ["200", "401", "403", "409", "413", "422"]
