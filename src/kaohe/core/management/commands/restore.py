"""python manage.py restore FILE --yes: restore a backup, then verify rows, the audit chain and a page."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client

from kaohe.audit.verify import verify_chain
from kaohe.core.backup import BackupError, backup_restore, table_counts


class Command(BaseCommand):
    help = "Restore an encrypted backup over this system's database and files, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="Confirm: the current data is replaced.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].is_file():
            raise CommandError(f"There is no backup file at {options['file']}.")
        if not options["yes"]:
            raise CommandError("Restoring replaces all current data; run again with --yes to confirm.")
        try:
            manifest = backup_restore(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        problems = restore_check(manifest)
        if problems:
            raise CommandError("Restored, but the checks failed: " + "; ".join(problems))
        self.stdout.write(f"Restored {options['file'].name}: row counts, audit chain and the login page verified.")


def restore_check(manifest: dict[str, Any]) -> list[str]:
    """The restore drill's checks: every table's row count, the audit chain, a page that answers."""
    counts = table_counts()
    problems = [f"{table}: {counts.get(table)} rows, expected {n}" for table, n in manifest["counts"].items()
                if counts.get(table) != n]
    report = verify_chain()
    if not report.ok:
        problems.append(f"audit chain broken at row {report.first_broken_seq}: {report.reason}")
    status = Client(HTTP_HOST="127.0.0.1").get("/login/").status_code
    if status != 200:
        problems.append(f"the login page answered {status}")
    return problems
