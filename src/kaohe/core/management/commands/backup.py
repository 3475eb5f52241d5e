"""python manage.py backup [--output DIR]: an encrypted backup with a manifest of checksums."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kaohe.core.backup import backup_create


class Command(BaseCommand):
    help = "Write an encrypted backup (database, media, manifest). Keep the key file apart from it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=Path(settings.VAR_DIR) / "backups")

    def handle(self, *args: Any, **options: Any) -> None:
        result = backup_create(options["output"])
        rows = sum(result.manifest["counts"].values())
        self.stdout.write(f"Backup written: {result.path} ({rows} rows, audit log of "
                          f"{result.manifest['audit']['size']} events).")
