"""The daily signed checkpoint of the audit log, run by the worker's scheduler."""

from celery import shared_task

from kaohe.audit.checkpoints import checkpoint_create


@shared_task
def audit_checkpoint_daily() -> int:
    return checkpoint_create(reason="daily").size
