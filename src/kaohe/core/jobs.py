"""Starting jobs and reporting their progress. A job kind is a Celery task taking `job_id`."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.core.models import Job, JobStatus


def job_start(*, kind: str, title: str, task: Any, created_by: Any, params: dict[str, Any] | None = None) -> Job:
    """Record the job and enqueue `task` once the surrounding transaction commits."""
    job = Job.objects.create(kind=kind, title=title, params=params or {}, created_by=created_by)
    transaction.on_commit(lambda: task.delay(job_id=job.pk))
    return job


def job_progress(job: Job, *, done: int, total: int | None = None) -> None:
    job.done = done
    fields = ["done"]
    if total is not None:
        job.total = total
        fields.append("total")
    Job.objects.filter(pk=job.pk).update(**{f: getattr(job, f) for f in fields})


@contextmanager
def job_running(job_id: int) -> Iterator[Job]:
    """Mark the job running; on success mark it finished, on error record the reason and re-raise."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(), message="")
    try:
        yield job
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message=str(exc), finished_at=timezone.now())
        raise
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        done=job.done,
        total=job.total,
        result_file=job.result_file,
        message=job.message,
        finished_at=timezone.now(),
    )


