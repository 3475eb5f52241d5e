"""The Celery app: Redis broker in production, a server-less filesystem broker by default."""

import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

from kaohe.core.memory import keep_freed_memory

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings.local")

app = Celery("kaohe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _keep_freed_memory(**_: object) -> None:
    """Scoring runs reuse their freed temporaries instead of faulting them in again (`core.memory`)."""
    keep_freed_memory()


worker_init.connect(_keep_freed_memory, weak=False)  # the solo pool's process, or the prefork parent
worker_process_init.connect(_keep_freed_memory, weak=False)  # each prefork child
