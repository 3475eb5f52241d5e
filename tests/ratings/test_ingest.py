"""The lean intake entry point (ASGI) answers the two submission operations exactly like the API.

The requests run as a server runs them: a single rating through the process's group commit, a batch
on a worker thread, so both write through their own database connections (committed test data)."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from kaohe.ratings import ingest
from kaohe.ratings.committer import committer
from kaohe.ratings.models import FollowUp, Rating
from kaohe.ratings.tokens import static_token, visit_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _threads_let_go_of_the_database(monkeypatch):
    batches = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(ingest, "_batches", batches)
    yield
    batches.submit(connections.close_all).result()
    batches.shutdown()
    committer.release()


def call(path, body=b"", method="POST", ip="198.51.100.5", headers=()):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    scope = {"type": "http", "method": method, "path": path, "client": (ip, 50000),
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                         *headers]}
    sent = []

    async def receive():
        return {"type": "http.request", "body": data, "more_body": False}

    async def send(message):
        sent.append(message)

    with ThreadPoolExecutor(max_workers=1) as server:  # its own thread: a browser test's loop may run in this one
        server.submit(asyncio.run, ingest.application(scope, receive, send)).result()
    start, body_message = sent
    answer = {name.decode(): value.decode() for name, value in start["headers"]}
    return start["status"], answer, json.loads(body_message["body"])


def test_a_visit_rating_is_stored_and_answered_201(rated):
    status, headers, body = call("/api/ratings/submit", {"token": visit_token("person", rated.zhang.pk, "L-1"),
                                                         "level": 4})

    rating = Rating.objects.get()
    assert (status, body["status"], body["id"]) == (201, "accepted", rating.pk)
    assert body["follow_up_due"] == str(FollowUp.objects.get().due_on)
    assert (headers["content-type"], headers["cache-control"]) == ("application/json", "no-store")


def test_a_batch_is_answered_record_by_record(rated):
    records = [{"token": visit_token("person", rated.zhang.pk, f"L-{i}"), "level": 1} for i in range(3)]

    status, _headers, body = call("/api/ratings/batch", {"ratings": [*records, records[0]]})

    assert (status, body["accepted"], body["rejected"]) == (200, 3, 1)
    assert body["results"][3]["reason"] == "already_stored"
    assert Rating.objects.count() == 3


def test_walk_ins_meet_the_same_network_limit(rated):
    token = static_token("person", rated.zhang.pk)

    answers = [call("/api/ratings/submit", {"token": token, "level": 1, "device": f"{i:032x}"})[0] for i in range(11)]

    assert answers == [201] * 10 + [429]


@pytest.mark.parametrize(("path", "method", "body", "status"), [
    ("/api/ratings/other", "POST", b"{}", 404),
    ("/api/ratings/submit", "GET", b"", 405),
    ("/api/ratings/submit", "POST", b"", 400),
    ("/api/ratings/submit", "POST", b"{not json", 422),
    ("/api/ratings/submit", "POST", b'{"token": "x", "level": 9}', 422),
])
def test_bad_requests_are_4xx_and_write_nothing(rated, path, method, body, status):
    assert call(path, body, method=method)[0] == status
    assert Rating.objects.count() == 0


def test_a_forged_code_is_400_with_its_reason(rated):
    status, _headers, body = call("/api/ratings/submit", {"token": "eyJ0IjoicCJ9:1vMr8c:forged", "level": 1})

    assert (status, body["reason"]) == (400, "invalid_token")


def test_behind_a_trusted_proxy_the_limit_counts_the_client_not_the_proxy(rated, settings):
    settings.KAOHE_TRUSTED_PROXIES = ["10.0.0.1"]
    token = static_token("person", rated.zhang.pk)

    def scan(i, client):
        forwarded = [(b"x-forwarded-for", client.encode())]
        return call("/api/ratings/submit", {"token": token, "level": 1, "device": f"{i:032x}"}, ip="10.0.0.1",
                    headers=forwarded)[0]

    assert [scan(i, "203.0.113.7") for i in range(11)] == [201] * 10 + [429]
    assert scan(11, "203.0.113.8") == 201
