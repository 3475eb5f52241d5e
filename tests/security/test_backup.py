"""The restore drill: back up, change data, restore, verify row counts, the audit chain and a page."""

import pytest
from django.core.management import CommandError, call_command

from kaohe.audit.models import AuditEvent
from kaohe.core.backup import backup_create, table_counts
from kaohe.core.management.commands.restore import restore_check
from kaohe.org.models import CivilServant
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_restore_drill_brings_back_the_data_and_the_chain(tmp_path):
    city = factories.small_city()
    before = table_counts()
    result = backup_create(tmp_path)
    factories.person("新来的", city.bureau_a)
    assert CivilServant.objects.count() == 7

    call_command("restore", str(result.path), "--yes")

    assert CivilServant.objects.count() == 6
    assert table_counts() == before
    assert restore_check(result.manifest) == []
    assert not CivilServant.objects.filter(name="新来的").exists()


def test_the_backup_file_is_ciphertext(tmp_path):
    city = factories.small_city()

    result = backup_create(tmp_path)

    content = result.path.read_bytes()
    assert city.zhang_san.staff_no.encode() not in content
    assert b"SQLite format" not in content
    assert b"PGDMP" not in content
    assert result.manifest["audit"]["size"] == AuditEvent.objects.count()


def test_a_tampered_backup_is_refused_and_nothing_changes(tmp_path):
    factories.small_city()
    result = backup_create(tmp_path)
    data = bytearray(result.path.read_bytes())
    data[-20] ^= 0xFF
    result.path.write_bytes(bytes(data))
    factories.user("still-here")

    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("restore", str(result.path), "--yes")

    assert table_counts()["accounts_user"] == 1


def test_restore_needs_confirmation(tmp_path):
    result = backup_create(tmp_path)

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(result.path))


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore", str(tmp_path / "nothing.kbk"), "--yes")


def test_the_restore_drill_brings_back_a_runs_results_on_their_own_partition(tmp_path):
    import datetime as dt

    from kaohe.appraisal.models import RunResult
    from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
    from tests.appraisal.test_scoring_runs import _city_with_people

    city = _city_with_people(2)
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=dt.date(2026, 12, 31))
    grades = sorted(RunResult.objects.filter(run=run).values_list("person_id", "grade"))
    result = backup_create(tmp_path)
    RunResult.objects.filter(run=run).delete()

    call_command("restore", str(result.path), "--yes")

    assert sorted(RunResult.objects.filter(run=run).values_list("person_id", "grade")) == grades
    assert restore_check(result.manifest) == []
