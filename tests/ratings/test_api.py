"""The rating API: single and batch submissions signed by rating codes, visit codes, follow-ups."""

import time

import pytest
from django.core import signing

from kaohe.audit.models import AuditEvent
from kaohe.ratings.models import FollowUp, Rating
from kaohe.ratings.tokens import static_token, visit_token
from tests.ratings.conftest import SEPT_30

pytestmark = pytest.mark.django_db


def post(client, path, body, **extra):
    return client.post(f"/api/ratings{path}", body, content_type="application/json", **extra)


def test_a_visit_rating_is_accepted_with_201(client, rated):
    response = post(client, "/submit", {"token": visit_token("person", rated.zhang.pk, "A-1"), "level": 1,
                                        "channel": "phone"})

    rating = Rating.objects.get()
    assert response.status_code == 201
    assert response.json() == {"status": "accepted", "id": rating.pk, "follow_up_due": None}
    assert (rating.channel, rating.service_ref) == ("phone", "A-1")


def test_a_bad_rating_answers_its_follow_up_due_date(client, rated):
    response = post(client, "/submit", {"token": visit_token("person", rated.zhang.pk, "A-2"), "level": 5})

    assert response.status_code == 201
    assert response.json()["follow_up_due"] == str(FollowUp.objects.get().due_on)


@pytest.mark.parametrize(("token", "status", "reason"), [
    ("forged:1vMr8c:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 400, "invalid_token"),
    (signing.dumps({"t": "p", "i": 1}, salt="other"), 400, "invalid_token"),
])
def test_a_forged_code_is_refused_with_a_reason_and_nothing_is_written(client, rated, token, status, reason):
    response = post(client, "/submit", {"token": token, "level": 1})

    assert response.status_code == status
    assert response.json()["reason"] == reason
    assert Rating.objects.count() == 0


def test_an_expired_code_is_410(client, rated, monkeypatch):
    token = visit_token("person", rated.zhang.pk, "A-3")
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 3 * 86400)

    response = post(client, "/submit", {"token": token, "level": 1})

    assert (response.status_code, response.json()["reason"]) == (410, "expired_token")


def test_a_level_out_of_range_is_422_and_nothing_is_written(client, rated):
    response = post(client, "/submit", {"token": visit_token("person", rated.zhang.pk, "A-4"), "level": 0})

    assert response.status_code == 422
    assert Rating.objects.count() == 0


def test_the_same_visit_twice_is_409(client, rated):
    body = {"token": visit_token("person", rated.zhang.pk, "A-5"), "level": 2}
    post(client, "/submit", body)

    again = post(client, "/submit", body)

    assert (again.status_code, again.json()["reason"]) == (409, "already_stored")
    assert Rating.objects.count() == 1


def test_walk_in_submissions_meet_the_network_limit_with_429(client, rated):
    token = static_token("person", rated.zhang.pk)

    answers = [post(client, "/submit", {"token": token, "level": 1, "device": f"{i:032x}"},
                    REMOTE_ADDR="198.51.100.9").status_code for i in range(11)]

    assert answers == [201] * 10 + [429]
    assert Rating.objects.count() == 10


def test_a_batch_answers_each_record_and_stores_the_good_ones_in_one_transaction(client, rated):
    zhang = rated.zhang.pk
    batch = {"ratings": [
        {"token": visit_token("person", zhang, "B-1"), "level": 1},
        {"token": visit_token("person", zhang, "B-2"), "level": 4, "comment": "态度差"},
        {"token": visit_token("person", zhang, "B-1"), "level": 3},
        {"token": static_token("person", zhang), "level": 1},
        {"token": "not-a-code", "level": 1},
        {"token": visit_token("window", rated.window_target.pk, "B-3"), "level": 2, "channel": "questionnaire"},
        {"token": visit_token("person", 999_999, "B-4"), "level": 1},
    ]}

    response = post(client, "/batch", batch)

    body = response.json()
    assert response.status_code == 200
    assert (body["accepted"], body["rejected"]) == (3, 4)
    assert [(r["status"], r["reason"]) for r in body["results"]] == [
        ("accepted", ""), ("accepted", ""), ("rejected", "duplicate"), ("rejected", "needs_visit_token"),
        ("rejected", "invalid_token"), ("accepted", ""), ("rejected", "unknown_target")]
    assert sorted(Rating.objects.values_list("service_ref", flat=True)) == ["B-1", "B-2", "B-3"]
    assert FollowUp.objects.count() == 1
    assert AuditEvent.objects.filter(action="ratings.batch.submit").count() == 1


def test_sending_a_batch_again_stores_nothing_more(client, rated):
    batch = {"ratings": [{"token": visit_token("person", rated.zhang.pk, f"C-{i}"), "level": 1 + i % 5}
                         for i in range(500)]}
    first = post(client, "/batch", batch).json()

    again = post(client, "/batch", batch).json()

    assert (first["accepted"], again["accepted"], again["rejected"]) == (500, 0, 500)
    assert {r["reason"] for r in again["results"]} == {"already_stored"}
    assert Rating.objects.count() == 500
    assert FollowUp.objects.count() == 200


def test_a_batch_of_501_is_refused_whole(client, rated):
    batch = {"ratings": [{"token": visit_token("person", rated.zhang.pk, f"D-{i}"), "level": 1}
                         for i in range(501)]}

    response = post(client, "/batch", batch)

    assert response.status_code == 422
    assert Rating.objects.count() == 0


def test_the_bureau_office_issues_visit_codes_and_another_county_cannot(client, rated, people):
    client.force_login(people.bureau_office)
    issued = post(client, "/visit-codes", {"target_id": rated.zhang.pk, "service_refs": ["E-1", "E-2"]})
    client.force_login(people.other_office)
    refused = post(client, "/visit-codes", {"target_id": rated.zhang.pk, "service_refs": ["E-3"]})

    tokens = issued.json()["tokens"]
    assert issued.status_code == 200
    assert len(tokens) == 2
    assert refused.status_code == 404
    assert post(client, "/submit", {"token": tokens[1], "level": 1}).status_code == 201
    assert Rating.objects.get().service_ref == "E-2"


def test_follow_ups_are_listed_in_scope_and_stepped_through_the_api(client, rated, people):
    from kaohe.ratings.services import rating_submit
    from tests.ratings.conftest import visit_item

    rating_submit(item=visit_item(rated.zhang, "F-1", level=4), today=SEPT_30)
    case = FollowUp.objects.get()
    client.force_login(people.other_office)
    outside = client.get("/api/ratings/follow-ups").json()
    client.force_login(people.bureau_office)
    listed = client.get("/api/ratings/follow-ups").json()
    stepped = post(client, f"/follow-ups/{case.pk}/steps", {"action": "visit", "note": "已回访"})

    assert outside["items"] == []
    assert [(c["id"], c["due_on"], c["overdue"]) for c in listed["items"]] == [(case.pk, "2026-10-13", True)]
    assert (stepped.status_code, stepped.json()["status"]) == (200, "visited")


def test_the_follow_up_api_needs_a_login(client, rated):
    assert client.get("/api/ratings/follow-ups").status_code == 401


def test_satisfaction_is_read_through_the_api_within_scope(client, rated, people):
    from kaohe.ratings.store import store_ratings
    from tests.ratings.conftest import visit_item

    store_ratings([visit_item(rated.zhang, f"S-{i}", level=2) for i in range(100)], action="ratings.batch.submit",
                  today=SEPT_30)
    client.force_login(people.bureau_office)
    mine = client.get("/api/ratings/satisfaction", {"person_ids": [rated.zhang.person_id, rated.chen.person_id],
                                                    "year": 2026, "quarter": 3}).json()
    short = client.get("/api/ratings/satisfaction", {"person_ids": [rated.zhang.person_id], "year": 2026,
                                                     "quarter": 3, "minimum": 101}).json()

    assert mine == [{"person_id": rated.zhang.person_id, "year": 2026, "quarter": 3, "sample_size": 100,
                     "status": "measured", "mean": "80.00", "praise_rate": "100.00"}]
    assert [(s["status"], s["mean"]) for s in short] == [("insufficient_sample", None)]


def test_pushing_satisfaction_needs_the_office_over_the_unit(client, rated, people):
    client.force_login(people.bureau_leader)

    response = post(client, "/satisfaction/record", {"unit_id": rated.city.bureau_a.pk, "year": 2026})

    assert response.status_code == 403


def test_a_database_that_cannot_commit_answers_503_so_the_client_sends_again(client, rated, monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("kaohe.ratings.services.store_ratings", down)

    response = post(client, "/submit", {"token": visit_token("person", rated.zhang.pk, "G-1"), "level": 1})

    assert (response.status_code, response.json()["reason"]) == (503, "unavailable")
    assert Rating.objects.count() == 0


def test_the_openapi_schema_lists_the_rating_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert {"/api/ratings/submit", "/api/ratings/batch", "/api/ratings/visit-codes", "/api/ratings/follow-ups",
            "/api/ratings/satisfaction"} <= set(paths)
