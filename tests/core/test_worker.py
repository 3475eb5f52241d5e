"""A real job through a real Celery worker on the Redis at 127.0.0.1:6379."""

import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from kaohe.accounts.roles import Role
from kaohe.audit.models import AuditEvent
from kaohe.core.models import Job, JobStatus
from kaohe.org.tasks import people_export_start
from tests import factories
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def test_people_export_runs_in_the_worker_and_produces_a_masked_excel_file():
    city = factories.small_city()
    office = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.county_a)

    with celery_worker():
        with transaction.atomic():
            job = people_export_start(actor=office, query="", unit=None)
        finished = wait_for(lambda: Job.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).first())

    assert finished.status == JobStatus.SUCCEEDED, finished.message
    assert (finished.done, finished.total, finished.percent) == (5, 5, 100)
    sheet = openpyxl.load_workbook(io.BytesIO(default_storage.open(finished.result_file).read())).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("工号", "姓名")
    assert {r[1] for r in rows[1:]} == {"张三", "李四", "孙八", "王五", "赵六"}
    assert all("*" in r[4] for r in rows[1:])
    assert AuditEvent.objects.filter(action="org.people.export", actor="office").count() == 1
