"""The Celery app: Redis broker in production, a server-less filesystem broker by default."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings.local")

app = Celery("kaohe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
