"""The life of an import: upload → check (dry run) → confirm → commit, with permissions and exactly-once commit."""

import io

import pytest
from django.core.files.storage import default_storage

from kaohe.accounts.roles import Role
from kaohe.audit.models import AuditEvent
from kaohe.collection.models import IndicatorValue
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.models import Job
from kaohe.feeds import services
from kaohe.feeds.models import ImportStatus, ValueImport
from kaohe.org.services import person_transfer
from tests import factories
from tests.feeds.files import xlsx

pytestmark = pytest.mark.django_db


def _upload(actor, data: bytes, name: str = "values.xlsx") -> ValueImport:
    return services.value_import_upload(actor=actor, name=name, file=io.BytesIO(data), size=len(data))


def _run(job: Job | None) -> Job:
    assert job is not None
    job = Job.objects.get(pk=job.pk)
    return job


def _good(content) -> bytes:
    return xlsx([[content.zhang_san.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None],
                 [content.li_si.staff_no, "李四", "DE02", 2026, 0, None, "好", None]])


def test_uploading_keeps_the_file_and_queues_its_check(content, office):
    item = _upload(office, _good(content))

    assert (item.status, item.file_format, item.check_job.kind) == ("checking", "xlsx", "feeds.value_import_check")
    assert default_storage.exists(item.stored_file)
    assert AuditEvent.objects.filter(action="feeds.import.upload", object_id=str(item.pk)).count() == 1


def test_only_the_appraisal_office_may_upload_and_a_refusal_changes_nothing(content):
    supervisor = factories.user("boss", role=Role.SUPERVISOR, scope=content.county_a)
    before = (ValueImport.objects.count(), Job.objects.count(), AuditEvent.objects.count())

    with pytest.raises(PermissionDeniedError):
        _upload(supervisor, _good(content))

    assert (ValueImport.objects.count(), Job.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(("name", "data", "message"), [
    ("values.xls", b"PK\x03\x04", "Choose an Excel workbook (.xlsx) or a CSV file (.csv)."),
    ("values.xlsx", b"not a zip", "The file's content does not match its name (.xlsx)."),
    ("values.csv", b"\x00\x00", "The file's content does not match its name (.csv)."),
    ("values.csv", b"", "The file is empty."),
])
def test_a_file_of_the_wrong_kind_is_refused_at_upload(content, office, name, data, message):
    with pytest.raises(ApplicationError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        _upload(office, data, name)

    assert ValueImport.objects.count() == 0


def test_the_check_marks_a_clean_file_ready_with_a_preview(content, office):
    item = _upload(office, _good(content))

    services.value_import_check_run(_run(item.check_job))

    item.refresh_from_db()
    assert (item.status, item.rows, item.error_count) == ("ready", 2, 0)
    assert item.preview == {"people": 2, "codes": {"DE02": 1, "JI02": 1}, "years": [2026], "quarters": [0],
                            "rows": 2, "error_count": 0, "errors": []}
    assert IndicatorValue.objects.count() == 0


def test_the_check_marks_a_bad_file_invalid_with_its_error_report(content, office):
    item = _upload(office, xlsx([["S999999", "某某", "JI02", 2026, 0, 1, None, None]]))

    services.value_import_check_run(_run(item.check_job))

    item.refresh_from_db()
    assert (item.status, item.error_count) == ("invalid", 1)
    assert item.preview["errors"] == [{"row": 2, "column": "工号", "value": "S999999",
                                       "message": "No civil servant with this staff number in your data scope."}]
    assert default_storage.exists(item.error_file)
    with pytest.raises(ApplicationError, match="Only a checked file without errors"):
        services.value_import_confirm(actor=office, value_import=item)


def test_confirming_commits_everything_once(content, office):
    item = _upload(office, _good(content))
    services.value_import_check_run(_run(item.check_job))

    job = services.value_import_confirm(actor=office, value_import=item)
    with pytest.raises(ApplicationError, match="Only a checked file without errors"):
        services.value_import_confirm(actor=office, value_import=item)
    services.value_import_commit_run(_run(job))
    services.value_import_commit_run(_run(job))  # a redelivered task does nothing

    item.refresh_from_db()
    assert (item.status, item.committed_at is not None) == ("committed", True)
    assert sorted(IndicatorValue.objects.values_list("code", "batch")) == [("DE02", item.batch), ("JI02", item.batch)]
    assert AuditEvent.objects.filter(action="feeds.import.commit", object_id=str(item.pk)).count() == 1


def test_the_commit_checks_again_and_writes_nothing_when_the_data_changed(content, office, today):
    item = _upload(office, _good(content))
    services.value_import_check_run(_run(item.check_job))
    job = services.value_import_confirm(actor=office, value_import=item)
    person_transfer(actor=None, person=content.li_si, unit=content.bureau_b, on=today)

    services.value_import_commit_run(_run(job))

    item.refresh_from_db()
    assert (item.status, item.error_count) == ("invalid", 1)
    assert item.preview["errors"][0]["message"] == "No civil servant with this staff number in your data scope."
    assert IndicatorValue.objects.count() == 0


def test_someone_else_cannot_confirm_an_import(content, office):
    other = factories.user("office-2", role=Role.APPRAISAL_OFFICE, scope=content.county_a)
    item = _upload(office, _good(content))
    services.value_import_check_run(_run(item.check_job))

    with pytest.raises(PermissionDeniedError):
        services.value_import_confirm(actor=other, value_import=item)

    assert ValueImport.objects.get(pk=item.pk).status == ImportStatus.READY
