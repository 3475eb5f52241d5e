"""Background work of the feeds app: checking and committing value imports (each a `core.Job`)."""

from celery import shared_task

from kaohe.core.jobs import job_running


@shared_task(acks_late=True)
def value_import_check(job_id: int) -> None:
    """Dry run of an uploaded file: counts, the first errors and the error report."""
    from kaohe.feeds import services

    with job_running(job_id) as job:
        try:
            services.value_import_check_run(job)
        except Exception:
            services.value_import_failed(job.params["import_id"])
            raise


@shared_task(acks_late=True)
def value_import_commit(job_id: int) -> None:
    """All-or-nothing commit of a checked file."""
    from kaohe.feeds import services

    with job_running(job_id) as job:
        try:
            services.value_import_commit_run(job)
        except Exception:
            services.value_import_failed(job.params["import_id"])
            raise
