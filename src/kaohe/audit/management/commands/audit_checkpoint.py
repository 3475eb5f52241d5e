"""python manage.py audit_checkpoint [--export FILE]: sign the log's tip; export all checkpoints."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaohe.audit.checkpoints import checkpoint_create, checkpoints_export


class Command(BaseCommand):
    help = "Sign a checkpoint of the audit log (run daily); optionally export all checkpoints as JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reason", default="daily")
        parser.add_argument("--export", type=Path, help="Write all checkpoints to this file (keep it elsewhere).")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = checkpoint_create(reason=options["reason"])
        self.stdout.write(f"Checkpoint signed: {checkpoint.size} rows, tip {checkpoint.root_hash[:16]}…")
        if options["export"]:
            options["export"].write_text(checkpoints_export())
            self.stdout.write(f"Checkpoints exported to {options['export']}")
