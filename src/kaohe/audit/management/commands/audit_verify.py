"""python manage.py audit_verify: check the audit chain and the signed checkpoints."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kaohe.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and signed checkpoints; name the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Audit log broken at row {report.first_broken_seq}: {report.reason} "
                               f"({report.checked} rows verified before it).")
        self.stdout.write(f"Audit log intact: {report.checked} rows verified.")
