"""Encrypted backups with a manifest of checksums, and their restore (等保 F1; restore drill tested).

A backup is one file: the encrypted (SM4-GCM/AES-GCM through the crypto provider) tar of the
database dump (`pg_dump -Fc`, or a consistent SQLite copy through its backup API), the media files
(run snapshots, exports) and `manifest.json` (SHA-256 of every member, row counts of every table and
the audit chain's size and tip). Keys are NOT in the backup: keep the key file apart, as safely.
"""

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection

from kaohe.audit.models import AuditHead
from kaohe.core.crypto import provider

CONTEXT = "kaohe.backup.v1"
DUMP = "database.dump"


class BackupError(Exception):
    """The backup cannot be made or read back: the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if model._meta.managed and not model._meta.proxy and table not in counts:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
                counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or ""]
    env = {"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return args, env


def _dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        command = ["pg_dump", "-Fc", *args, "-f", str(target), connection.settings_dict["NAME"]]
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def backup_create(directory: Path) -> BackupResult:
    """Write an encrypted backup into `directory`; returns its path and manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="kaohe-backup-") as work:
        root = Path(work)
        _dump_database(root / DUMP)
        media = Path(default_storage.location)  # type: ignore[attr-defined]
        if media.exists():
            shutil.copytree(media, root / "media")
        head = AuditHead.objects.filter(pk=1).first()
        manifest = {
            "created_at": stamp, "vendor": connection.vendor, "counts": table_counts(),
            "audit": {"size": head.seq if head else 0, "tip": head.hash if head else ""},
            "files": {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()},
        }
        (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as archive:
            archive.add(root, arcname="kaohe")
    path = directory / f"kaohe-{stamp}.kbk"
    path.write_bytes(provider().encrypt_bytes(buffer.getvalue(), context=CONTEXT))
    path.with_suffix(".sha256").write_text(f"{_sha256(path)}  {path.name}\n")
    return BackupResult(path, manifest)


def _unpack(path: Path, into: Path) -> dict[str, Any]:
    try:
        data = provider().decrypt_bytes(path.read_bytes(), context=CONTEXT)
    except Exception as exc:
        raise BackupError(f"{path.name} cannot be decrypted with this system's keys: {exc}") from exc
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(into, filter="data")
    root = into / "kaohe"
    manifest: dict[str, Any] = json.loads((root / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        if _sha256(root / name) != digest:
            raise BackupError(f"{name} does not match its checksum in the manifest")
    return manifest


def _restore_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        connection.close()
        _restore_postgresql(dump)
        return
    connection.ensure_connection()
    with sqlite3.connect(dump) as source:
        source.backup(connection.connection)


def _restore_postgresql(dump: Path) -> None:
    """The dump's SQL after a fresh schema, in one transaction: all of it or nothing. (`pg_restore --clean`
    cannot drop the results' partitions: it drops their inherited keys one by one, which PostgreSQL refuses.)"""
    args, env = _pg_env()
    script = subprocess.Popen(["pg_restore", "--no-owner", "-f", "-", str(dump)],  # noqa: S603, S607
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    psql = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", *args,  # noqa: S603, S607
                             "-d", connection.settings_dict["NAME"]],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    into = cast(IO[bytes], psql.stdin)  # both pipes, as asked
    into.write(b"DROP SCHEMA public CASCADE; CREATE SCHEMA public;\n")
    shutil.copyfileobj(cast(IO[bytes], script.stdout), into)
    into.close()
    errors = [(name, process.wait(), process.stderr.read().decode().strip() if process.stderr else "")
              for name, process in (("pg_restore", script), ("psql", psql))]
    for name, code, message in errors:
        if code:
            raise BackupError(f"{name} failed: {message}")


def backup_restore(path: Path) -> dict[str, Any]:
    """Restore a backup over the current database and media; returns the manifest it was checked against."""
    with tempfile.TemporaryDirectory(prefix="kaohe-restore-") as work:
        manifest = _unpack(path, Path(work))
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"The backup is of {manifest['vendor']}; this system runs {connection.vendor}.")
        _restore_database(Path(work) / "kaohe" / DUMP)
        media = Path(work) / "kaohe" / "media"
        if media.exists():
            target = Path(default_storage.location)  # type: ignore[attr-defined]
            shutil.copytree(media, target, dirs_exist_ok=True)
    return manifest
