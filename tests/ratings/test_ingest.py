"""The lean intake entry point answers the two submission operations exactly like the API."""

import io
import json

import pytest

from kaohe.ratings.ingest import application
from kaohe.ratings.models import FollowUp, Rating
from kaohe.ratings.tokens import static_token, visit_token

pytestmark = pytest.mark.django_db


def call(path, body=b"", method="POST", ip="198.51.100.5"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_LENGTH": str(len(data)),
               "CONTENT_TYPE": "application/json", "REMOTE_ADDR": ip, "wsgi.input": io.BytesIO(data),
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8001", "wsgi.url_scheme": "http"}
    started = {}
    chunks = application(environ, lambda status, headers: started.update(status=status, headers=dict(headers)))
    return int(started["status"].split()[0]), started["headers"], json.loads(b"".join(chunks))


def test_a_visit_rating_is_stored_and_answered_201(rated):
    status, headers, body = call("/api/ratings/submit", {"token": visit_token("person", rated.zhang.pk, "L-1"),
                                                         "level": 4})

    rating = Rating.objects.get()
    assert (status, body["status"], body["id"]) == (201, "accepted", rating.pk)
    assert body["follow_up_due"] == str(FollowUp.objects.get().due_on)
    assert (headers["Content-Type"], headers["Cache-Control"]) == ("application/json", "no-store")


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
