"""Scoring runs in the background worker, with progress on the run's job."""

import datetime as dt
import time

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.appraisal.models import Cycle, ScoringRun
from kaohe.appraisal.services import scoring_run_create, scoring_run_execute, scoring_run_fail
from kaohe.core.jobs import job_progress, job_running, job_start


def scoring_run_start(*, actor: User | None, cycle: Cycle, as_of: dt.date, reason: str = "",
                      floor_run: ScoringRun | None = None, floor_people: list[int] | None = None) -> ScoringRun:
    """Create the run and hand it to the worker once this transaction commits."""
    with transaction.atomic():
        run = scoring_run_create(actor=actor, cycle=cycle, reason=reason, floor_run=floor_run,
                                 floor_people=floor_people)
        run.job = job_start(kind="appraisal.scoring_run", task=scoring_run_task, created_by=actor,
                            title=_("Scoring run %(version)s of %(cycle)s") % {"version": run.version,
                                                                              "cycle": cycle.name},
                            params={"run_id": run.pk, "as_of": as_of.isoformat()})
        run.save(update_fields=["job"])
    return run


@shared_task(acks_late=True)
def scoring_run_task(job_id: int) -> None:
    with job_running(job_id) as job:
        run = ScoringRun.objects.select_related("cycle", "floor_run").get(pk=job.params["run_id"])
        pause = float(getattr(settings, "KAOHE_FAULT_SCORING_PAUSE", 0))

        def progress(done: int, total: int) -> None:
            job_progress(job, done=done, total=total)
            if pause:
                time.sleep(pause)  # fault injection for the crash test only (0 in every real setting)

        try:
            scoring_run_execute(run=run, as_of=dt.date.fromisoformat(job.params["as_of"]), progress=progress)
        except Exception as exc:
            scoring_run_fail(run=run, message=str(exc))
            raise
        job.done = job.total
