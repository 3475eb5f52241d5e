"""An import through a real Celery worker (Redis at 127.0.0.1:6379): check, confirm, commit; progress to 100%."""

import io

import pytest
from django.db import transaction

from kaohe.accounts.roles import Role
from kaohe.collection.models import IndicatorValue
from kaohe.core.models import Job
from kaohe.feeds import services
from kaohe.feeds.models import ValueImport
from kaohe.indicators.services import default_content_load
from tests import factories
from tests.feeds.files import xlsx
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def _finished(job_id: int) -> Job:
    return wait_for(lambda: Job.objects.filter(pk=job_id, status__in=["succeeded", "failed"]).first())


def test_an_import_is_checked_and_committed_by_the_worker_with_progress_to_100_percent():
    city = factories.small_city()
    default_content_load(actor=None, year=2026)
    office = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.county_a)
    data = xlsx([[city.zhang_san.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None],
                 [city.wang_wu.staff_no, "王五", "DE02", 2026, 0, None, "好", None]])

    with celery_worker():
        with transaction.atomic():
            item = services.value_import_upload(actor=office, name="values.xlsx", file=io.BytesIO(data),
                                                size=len(data))
        checked = _finished(item.check_job_id)
        item.refresh_from_db()
        assert (checked.status, checked.percent, item.status) == ("succeeded", 100, "ready"), checked.message
        with transaction.atomic():
            job = services.value_import_confirm(actor=office, value_import=item)
        committed = _finished(job.pk)

    item = ValueImport.objects.get(pk=item.pk)
    assert (committed.status, committed.done, committed.total, committed.percent) == ("succeeded", 100, 100, 100)
    assert (item.status, item.rows) == ("committed", 2)
    assert sorted(IndicatorValue.objects.filter(batch=item.batch).values_list("code", flat=True)) == ["DE02", "JI02"]
