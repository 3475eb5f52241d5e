"""A real Celery worker process for tests, on the Redis at 127.0.0.1:6379, sharing the test database."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from kaohe import celery_app

REDIS_URL = os.environ.get("KAOHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(**extra_env: str) -> Iterator[subprocess.Popen]:
    """Start a worker on a queue of its own; tasks sent from this process go to that queue."""
    queue = f"kaohe-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kaohe.config.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "KAOHE_KEY_FILE": settings.KAOHE_KEY_FILE,
        "KAOHE_TEST_DIR": settings.KAOHE_TEST_DIR,
        **extra_env,
    }
    log = Path(settings.KAOHE_TEST_DIR) / f"{queue}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kaohe", "worker", "--pool=solo", "-Q", queue,
             "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    before = (celery_app.conf.broker_url, celery_app.conf.task_default_queue)
    celery_app.conf.broker_url, celery_app.conf.task_default_queue = REDIS_URL, queue
    try:
        _wait_until_ready(log)
        yield process
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_default_queue = before
        process.kill()
        process.wait(timeout=10)


def _wait_until_ready(log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "ready." in log.read_text():
            return
        time.sleep(0.2)
    raise AssertionError(f"The Celery worker did not start; its log:\n{log.read_text()}")


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError("Timed out waiting for the worker")
