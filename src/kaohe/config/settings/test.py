"""Settings for the test suite: fast hashing, an isolated var/ directory; the database comes from
DATABASE_URL (SQLite file by default, so a worker process can share it)."""

import os
import tempfile
from pathlib import Path

from kaohe.config.settings.base import *  # noqa: F403
from kaohe.config.settings.base import DATABASES, env

SECRET_KEY = "test-only-secret-key-that-is-long-enough-to-pass-the-checks-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Worker processes started by tests inherit these through the environment.
KAOHE_TEST_DIR = os.environ.setdefault("KAOHE_TEST_DIR", tempfile.mkdtemp(prefix="kaohe-test-"))
KAOHE_KEY_FILE = env.str("KAOHE_KEY_FILE", default=f"{KAOHE_TEST_DIR}/kaohe.keys")
KAOHE_CREATE_KEYS = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": env.str("KAOHE_TEST_SQLITE", default=f"{KAOHE_TEST_DIR}/test.sqlite3")}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
}
SILENCED_SYSTEM_CHECKS = ["axes.W006", "django_ratelimit.E003", "django_ratelimit.W001"]
CELERY_BROKER_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": f"{KAOHE_TEST_DIR}/media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = Path(KAOHE_TEST_DIR) / "static"
os.makedirs(STATIC_ROOT, exist_ok=True)
WHITENOISE_USE_FINDERS = True
KAOHE_FAULT_SCORING_PAUSE = env.float("KAOHE_FAULT_SCORING_PAUSE", default=0)
