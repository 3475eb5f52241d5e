"""Killing the worker in the middle of a scoring run, or the run failing after its results were copied in,
leaves the previous results current and intact."""

import datetime as dt
import os
import signal

import pytest
from django.db import connection, transaction

from kaohe.appraisal import services
from kaohe.appraisal.models import RunResult, ScoringRun
from kaohe.appraisal.result_partitions import RunResultTable, partition_name
from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
from kaohe.appraisal.tasks import scoring_run_start
from kaohe.core.models import Job
from tests.appraisal.test_scoring_runs import AS_OF, _city_with_people
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def test_killing_the_worker_mid_run_keeps_the_previous_version_current():
    city = _city_with_people()
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    first = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=AS_OF)
    before = sorted(RunResult.objects.filter(run=first).values_list("person_id", "grade", "composite"))

    with celery_worker(KAOHE_FAULT_SCORING_PAUSE="30") as worker:
        with transaction.atomic():
            second = scoring_run_start(actor=None, cycle=cycle, as_of=dt.date(2026, 12, 31))
        wait_for(lambda: Job.objects.filter(pk=second.job_id, status="running", done__gte=1).exists())
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    assert list(ScoringRun.objects.filter(cycle=cycle, is_current=True)) == [first]
    assert sorted(RunResult.objects.filter(run=first).values_list("person_id", "grade", "composite")) == before
    assert RunResult.objects.filter(run=second).count() == 0
    assert ScoringRun.objects.get(pk=second.pk).status == "running"


def test_a_run_failing_after_its_results_were_copied_in_leaves_no_rows_and_no_table(monkeypatch):
    city = _city_with_people()
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    first = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=AS_OF)
    second = scoring_run_create(actor=None, cycle=cycle)
    copied = []
    attach = RunResultTable.attach

    def count_then_attach(table):
        if connection.vendor == "postgresql":
            copied.append(_table_rows(table.name))
        return attach(table)

    def rollups_out_of_memory(*args):
        raise MemoryError("the roll-ups found no memory")

    monkeypatch.setattr(RunResultTable, "attach", count_then_attach)
    monkeypatch.setattr(services, "rollups_compute", rollups_out_of_memory)  # its result is awaited after the attach
    with pytest.raises(MemoryError, match="no memory"):
        scoring_run_execute(run=second, as_of=AS_OF)

    assert list(ScoringRun.objects.filter(cycle=cycle, is_current=True)) == [first]
    assert RunResult.objects.filter(run=second).count() == 0
    assert RunResult.objects.filter(run=first).count() == first.people
    if connection.vendor == "postgresql":  # the rows were in, committed, in a table of their own; now gone
        assert copied == [first.people]
        assert _table_rows(partition_name(second.pk)) is None


def _table_rows(table):
    """Rows in a table, None if there is no such table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [table])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  # nosec B608: a name from partition_name
        return cursor.fetchone()[0]
