"""Killing the app server (gunicorn, SIGKILL) in the middle of a load of ratings: every rating it had
acknowledged is stored exactly once, and what was in flight is stored at most once after a resend."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count

from kaohe.ratings.models import Rating
from kaohe.ratings.tokens import visit_token
from tests.ratings.conftest import build_rated_city
from tests.worker import _database_url

pytestmark = pytest.mark.django_db(transaction=True)
GUNICORN = Path(sys.executable).parent / "gunicorn"
CLIENTS = 6


class AppServer:
    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kaohe.config.settings.test", "DATABASE_URL": _database_url(),
               "KAOHE_KEY_FILE": settings.KAOHE_KEY_FILE, "KAOHE_TEST_DIR": settings.KAOHE_TEST_DIR}
        log = (Path(settings.KAOHE_TEST_DIR) / f"gunicorn-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [str(GUNICORN), "kaohe.config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--threads", "4", "--worker-class", "gthread"], env=env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                status = answer(self.port, "GET", "/r/thanks/", b"")[0]
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def answer(port: int, method: str, path: str, body: bytes, connection=None) -> tuple[int, bytes]:
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, response.read()


def load(port: int, bodies: list[bytes], stop: threading.Event, sent: set[int]) -> dict[int, int]:
    """Send the bodies from CLIENTS threads until `stop`; the status of each answered one."""
    answers: dict[int, int] = {}
    next_body = iter(range(len(bodies)))
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            with lock:
                i = next(next_body, None)
            if i is None:
                return
            sent.add(i)
            try:
                answers[i] = answer(port, "POST", "/api/ratings/submit", bodies[i], connection)[0]
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                time.sleep(0.05)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_every_acknowledged_rating_survives_a_killed_server_exactly_once():
    rated = build_rated_city()
    refs = [f"crash-{i}" for i in range(20_000)]
    bodies = [json.dumps({"token": visit_token("person", rated.zhang.pk, ref), "level": 1 + i % 3}).encode()
              for i, ref in enumerate(refs)]
    server = AppServer()
    server.start()
    stop = threading.Event()
    result: dict[int, int] = {}
    sent: set[int] = set()
    loader = threading.Thread(target=lambda: result.update(load(server.port, bodies, stop, sent)))
    loader.start()
    time.sleep(2.0)
    server.kill()
    stop.set()
    loader.join(timeout=120)
    acknowledged = [refs[i] for i, status in result.items() if status == 201]
    in_flight = sorted(sent - set(result))

    server.start()
    try:
        resent = {i: answer(server.port, "POST", "/api/ratings/submit", bodies[i])[0] for i in in_flight}
    finally:
        server.stop()

    counts = dict(Rating.objects.filter(service_ref__in=refs).values("service_ref").annotate(n=Count("id"))
                  .values_list("service_ref", "n"))
    assert len(acknowledged) > 0
    assert [ref for ref in acknowledged if counts.get(ref) != 1] == []
    assert set(resent.values()) <= {201, 409}
    assert [refs[i] for i in in_flight if counts.get(refs[i]) != 1] == []
    assert max(counts.values()) == 1
    assert sum(counts.values()) == len(acknowledged) + len(in_flight)
