"""The audit log is append-only and tamper-evident; a broken row is named exactly."""

import pytest
from django.db import DatabaseError, connection, transaction

from kaohe.audit.guard import purge_allowed
from kaohe.audit.models import AuditEvent
from kaohe.audit.services import audit_append
from kaohe.audit.verify import verify_chain
from kaohe.core.errors import ApplicationError
from kaohe.org.models import CivilServant
from kaohe.org.services import person_set_status

pytestmark = pytest.mark.django_db


def _events(n):
    for i in range(n):
        audit_append(actor=None, action="test.event", object_type="thing", object_id=i, detail={"i": i})


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_chain_verifies():
    _events(5)

    report = verify_chain()

    assert report.ok
    assert report.checked == 5


def test_changed_content_is_detected_at_that_row():
    _events(5)
    _sql("UPDATE audit_auditevent SET object_id = 'forged' WHERE seq = 3")

    report = verify_chain()

    assert (report.ok, report.first_broken_seq) == (False, 3)


def test_deleted_row_is_detected_where_it_was():
    _events(5)
    _sql("DELETE FROM audit_auditevent WHERE seq = 2")

    assert verify_chain().first_broken_seq == 2


def test_swapped_rows_are_detected():
    _events(5)
    a, b = AuditEvent.objects.get(seq=2), AuditEvent.objects.get(seq=4)
    _sql("UPDATE audit_auditevent SET object_id = %s, detail = %s WHERE seq = 2", [b.object_id, b.detail])
    _sql("UPDATE audit_auditevent SET object_id = %s, detail = %s WHERE seq = 4", [a.object_id, a.detail])

    assert verify_chain().first_broken_seq == 2


def test_truncated_tail_is_detected_against_the_head():
    _events(5)
    _sql("DELETE FROM audit_auditevent WHERE seq >= 4")

    report = verify_chain()

    assert (report.ok, report.first_broken_seq) == (False, 4)


def test_inserted_row_is_detected():
    _events(3)
    row = AuditEvent.objects.get(seq=3)
    _sql("UPDATE audit_auditevent SET seq = 5 WHERE seq = 3")
    AuditEvent.objects.create(seq=3, at=row.at, action="forged", prev_hash=row.prev_hash, hash=row.hash)

    assert verify_chain().first_broken_seq == 3


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET action = 'x'",
    "DELETE FROM audit_auditevent",
])
def test_the_database_refuses_to_change_audit_rows(statement):
    _events(2)

    with purge_allowed(False), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql(statement)

    assert verify_chain().ok


def test_a_failing_audit_write_rolls_back_the_change(city, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr("kaohe.org.services.audit_append", broken)

    with pytest.raises(DatabaseError):
        person_set_status(actor=None, person=city.zhang_san, status="retired")

    assert CivilServant.objects.get(pk=city.zhang_san.pk).status == "active"


def test_secrets_never_enter_the_audit_detail():
    with pytest.raises(ValueError, match="secrets"):
        audit_append(actor=None, action="x", detail={"password": "hunter2"})


def test_unknown_status_is_refused_before_anything_is_written(city):
    before = AuditEvent.objects.count()

    with pytest.raises(ApplicationError):
        person_set_status(actor=None, person=city.zhang_san, status="flying")

    assert AuditEvent.objects.count() == before


def test_a_tail_cut_together_with_the_head_is_caught_by_the_signed_checkpoint():
    from kaohe.audit.checkpoints import checkpoint_create
    from kaohe.audit.models import AuditHead

    _events(5)
    checkpoint_create()
    _sql("DELETE FROM audit_auditevent WHERE seq >= 4")
    row3 = AuditEvent.objects.get(seq=3)
    AuditHead.objects.filter(pk=1).update(seq=3, hash=row3.hash)

    report = verify_chain()

    assert (report.ok, report.first_broken_seq) == (False, 4)
    assert "tail was cut" in report.reason


def test_a_forged_checkpoint_is_refused():
    from kaohe.audit.checkpoints import checkpoint_create
    from kaohe.audit.models import AuditCheckpoint

    _events(2)
    checkpoint = checkpoint_create()
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(signature="0" * 64)

    assert "not signed" in verify_chain().reason


def test_audit_verify_command_names_the_broken_row():
    from django.core.management import CommandError, call_command

    _events(3)
    _sql("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = 2")

    with pytest.raises(CommandError, match="broken at row 2"):
        call_command("audit_verify")


def test_retention_below_six_months_fails_the_system_check(settings):
    from kaohe.audit.checks import retention_check

    settings.AUDIT_RETENTION_DAYS = 90

    assert [e.id for e in retention_check(None)] == ["kaohe.E001"]
