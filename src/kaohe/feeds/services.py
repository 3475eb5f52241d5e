"""Writes of the feeds app: feed sources and their keys, and the life of a value import
(upload → check in the worker → confirm → commit in the worker). Each checks, writes and audits."""

import hashlib
import io
import secrets
import uuid
from collections.abc import Callable, Iterable
from typing import IO

import polars as pl
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.services import audit_append
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.jobs import job_progress, job_start
from kaohe.core.models import Job
from kaohe.feeds import tasks
from kaohe.feeds.imports import ImportCheck, preview, values_check
from kaohe.feeds.models import FeedKind, FeedSource, ImportStatus, ValueImport
from kaohe.feeds.reading import Table
from kaohe.feeds.values import values_record_frame
from kaohe.indicators.adapter import library_for_year
from kaohe.indicators.excel import error_report
from kaohe.org.models import Unit

MAX_UPLOAD = 100 * 1024 * 1024
FORMATS = {"xlsx": b"PK\x03\x04", "csv": b""}


# --- feed sources ----------------------------------------------------------------------------------


def _require_system_admin(actor: User | None, unit: Unit) -> None:
    """Sources are set up by a system administrator whose scope covers the source's unit (None: system)."""
    if actor is not None and not scope_for(actor, roles=[Role.SYSTEM_ADMIN]).covers_path(unit.path):
        raise PermissionDeniedError(_("Only a system administrator over this unit may manage its feed sources."))


def require_source_admin(actor: User) -> None:
    """The feed sources page is a system administrator's."""
    if not scope_for(actor, roles=[Role.SYSTEM_ADMIN]).unit_paths:
        raise PermissionDeniedError(_("Only a system administrator may manage feed sources."))


def _checked_codes(codes: Iterable[str], year: int) -> list[str]:
    wanted = sorted({c.strip().upper() for c in codes if c.strip()})
    known = set(library_for_year(year).values_list("code", flat=True))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ApplicationError(_("%(code)s is not an indicator of %(year)s.") % {"code": unknown[0], "year": year},
                               field="allowed_codes")
    return wanted


def feed_source_create(*, actor: User | None, name: str, kind: str, scope_unit: Unit, allowed_codes: Iterable[str],
                       year: int | None = None) -> tuple[FeedSource, str]:
    """A new source with a fresh key; returns the secret, shown only once (stored encrypted)."""
    _require_system_admin(actor, scope_unit)
    if kind not in FeedKind.values:
        raise ApplicationError(_("Unknown kind of feed source %(kind)s.") % {"kind": kind}, field="kind")
    if not name.strip() or FeedSource.objects.filter(name=name.strip()).exists():
        raise ApplicationError(_("Give the source a name no other source has."), field="name")
    codes = _checked_codes(allowed_codes, year or timezone.localdate().year)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        source = FeedSource.objects.create(name=name.strip(), kind=kind, key_id="fk_" + secrets.token_hex(8),
                                           secret=secret, allowed_codes=codes, scope_unit=scope_unit)
        audit_append(actor=actor, action="feeds.source.create", object_type="feed_source", object_id=source.pk,
                     detail={"name": source.name, "kind": kind, "unit_id": scope_unit.pk, "codes": codes})
    return source, secret


def feed_source_rotate(*, actor: User | None, source: FeedSource) -> str:
    """A new secret for the source (the old one stops working at once); returns it, shown only once."""
    _require_system_admin(actor, source.scope_unit)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        FeedSource.objects.filter(pk=source.pk).update(secret=secret, rotated_at=timezone.now())
        audit_append(actor=actor, action="feeds.source.rotate", object_type="feed_source", object_id=source.pk)
    source.refresh_from_db()
    return secret


def feed_source_set_active(*, actor: User | None, source: FeedSource, active: bool) -> None:
    _require_system_admin(actor, source.scope_unit)
    with transaction.atomic():
        FeedSource.objects.filter(pk=source.pk).update(active=active)
        audit_append(actor=actor, action="feeds.source.activate" if active else "feeds.source.deactivate",
                     object_type="feed_source", object_id=source.pk)
    source.active = active


# --- value imports ---------------------------------------------------------------------------------


def require_importer(actor: User) -> None:
    """Importing values is the appraisal office's job, over the units of its scope."""
    if not scope_for(actor, roles=[Role.APPRAISAL_OFFICE]).unit_paths:
        raise PermissionDeniedError(_("Only the appraisal office may import indicator values."))


def _file_format(name: str, head: bytes) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in FORMATS:
        raise ApplicationError(_("Choose an Excel workbook (.xlsx) or a CSV file (.csv)."), field="file")
    if not head.startswith(FORMATS[extension]) or (extension == "csv" and b"\x00" in head):
        raise ApplicationError(_("The file's content does not match its name (.%(ext)s).") % {"ext": extension},
                               field="file")
    return extension


def _digest(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


def value_import_upload(*, actor: User, name: str, file: IO[bytes], size: int) -> ValueImport:
    """Keep the uploaded file and start its check (a dry run) in the worker; returns the import."""
    require_importer(actor)
    if size > MAX_UPLOAD:
        raise ApplicationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD // 1024**2}, field="file")
    if size == 0:
        raise ApplicationError(_("The file is empty."), field="file")
    file.seek(0)
    file_format = _file_format(name, file.read(4096))
    file_hash = _digest(file)
    batch = f"import-{uuid.uuid4().hex}"
    stored = default_storage.save(f"imports/values-{batch}.{file_format}", File(file))
    with transaction.atomic():
        item = ValueImport.objects.create(created_by=actor, file_name=name[:200], stored_file=stored,
                                          file_format=file_format, file_hash=file_hash, batch=batch)
        item.check_job = job_start(kind="feeds.value_import_check", title=_("Check of %(name)s") % {"name": name[:100]},
                                   task=tasks.value_import_check, created_by=actor, params={"import_id": item.pk})
        item.save(update_fields=["check_job"])
        audit_append(actor=actor, action="feeds.import.upload", object_type="value_import", object_id=item.pk,
                     detail={"file": item.file_name, "bytes": size, "sha256": file_hash})
    return item


def value_import_confirm(*, actor: User, value_import: ValueImport) -> Job:
    """Start the commit of a checked, clean import (once: a second confirmation is refused)."""
    require_importer(actor)
    with transaction.atomic():
        item = ValueImport.objects.select_for_update().get(pk=value_import.pk)
        if item.created_by_id != actor.pk:
            raise PermissionDeniedError(_("You can confirm only your own imports."))
        if item.status != ImportStatus.READY:
            raise ApplicationError(_("Only a checked file without errors can be imported (this one is: %(status)s).")
                                   % {"status": item.get_status_display()})
        title = _("Import of %(name)s") % {"name": item.file_name[:100]}
        job = job_start(kind="feeds.value_import_commit", title=title, task=tasks.value_import_commit,
                        created_by=actor, params={"import_id": item.pk})
        item.status, item.commit_job = ImportStatus.COMMITTING, job
        item.save(update_fields=["status", "commit_job"])
        audit_append(actor=actor, action="feeds.import.confirm", object_type="value_import", object_id=item.pk,
                     detail={"rows": item.rows})
    value_import.refresh_from_db()
    return job


STAGES = {"read": _("Reading the file"), "checked": _("Checked"), "prepared": _("Writing the values")}


def _job_progress(job: Job) -> Callable[[str, float], None]:
    """Progress of a job in percent, with the stage as its message (outside the write transaction)."""
    def report(stage: str, share: float) -> None:
        job_progress(job, done=int(share * 100), total=100)
        Job.objects.filter(pk=job.pk).update(message=str(STAGES.get(stage, stage)))

    return report


def _stored(item: ValueImport) -> bytes:
    with default_storage.open(item.stored_file, "rb") as file:
        data: bytes = file.read()
    return data


def _parsed(item: ValueImport) -> Table | None:
    """The cells the check read (Arrow IPC), or None to read the uploaded file again."""
    if not item.parsed_file or not default_storage.exists(item.parsed_file):
        return None
    with default_storage.open(item.parsed_file, "rb") as file:
        return Table(pl.read_ipc(file.read()), item.first_row)


def _keep_parsed(item: ValueImport, table: Table | None) -> None:
    if table is None:
        return
    buffer = io.BytesIO()
    table.frame.write_ipc(buffer, compression="lz4")
    item.parsed_file = default_storage.save(f"imports/values-{item.batch}.arrow", ContentFile(buffer.getvalue()))
    item.first_row = table.first_row
    item.save(update_fields=["parsed_file", "first_row"])


def _save_check(item: ValueImport, check: ImportCheck, status: str) -> None:
    """Keep what a check found on the import (and the error report file when there are errors)."""
    item.rows, item.error_count, item.preview, item.status = check.rows, check.error_count, preview(check), status
    if check.errors:
        name = f"imports/value-errors-{item.batch}.xlsx"
        if default_storage.exists(name):
            default_storage.delete(name)
        item.error_file = default_storage.save(name, ContentFile(error_report(check.errors)))
    item.save(update_fields=["rows", "error_count", "preview", "status", "error_file"])


def _finish(job: Job, check: ImportCheck) -> None:
    job.done, job.total = 100, 100
    job.message = _("%(rows)s rows, %(errors)s errors.") % {"rows": f"{check.rows:,}",
                                                              "errors": f"{check.error_count:,}"}


def value_import_check_run(job: Job) -> None:
    """The worker's dry run: read and check the file, keep the preview and the error report."""
    item = ValueImport.objects.select_related("created_by").get(pk=job.params["import_id"])
    check = values_check(actor=item.created_by, data=_stored(item), file_format=item.file_format,
                         progress=_job_progress(job))
    with transaction.atomic():
        _keep_parsed(item, check.table if check.clean else None)
        _save_check(item, check, ImportStatus.READY if check.clean else ImportStatus.INVALID)
        audit_append(actor=item.created_by, action="feeds.import.check", object_type="value_import",
                     object_id=item.pk, detail={"rows": check.rows, "errors": check.error_count})
    _finish(job, check)


def value_import_commit_run(job: Job) -> None:
    """The worker's commit: check again (the data may have changed) and write every value, or nothing.

    Reading and checking happen before the write transaction, so the page sees their progress. A
    redelivered task finds the import committed and does nothing (exactly-once effect).
    """
    item = ValueImport.objects.select_related("created_by").get(pk=job.params["import_id"])
    if item.status == ImportStatus.COMMITTED:
        return
    if item.status != ImportStatus.COMMITTING:
        raise ApplicationError(_("This import is not waiting to be committed."))
    progress = _job_progress(job)
    table = _parsed(item)
    check = values_check(actor=item.created_by, data=b"" if table else _stored(item), file_format=item.file_format,
                         table=table, progress=progress)
    if check.clean:
        progress("prepared", 0.7)
    with transaction.atomic():
        locked = ValueImport.objects.select_for_update().get(pk=item.pk)
        if locked.status != ImportStatus.COMMITTING:
            return
        if check.clean and check.values is not None:
            values_record_frame(actor=item.created_by, frame=check.values, source="import", batch=item.batch)
            locked.committed_at = timezone.now()
            locked.save(update_fields=["committed_at"])
        _save_check(locked, check, ImportStatus.COMMITTED if check.clean else ImportStatus.INVALID)
        audit_append(actor=item.created_by, action="feeds.import.commit", object_type="value_import",
                     object_id=item.pk, outcome="success" if check.clean else "failure",
                     detail={"rows": check.rows, "errors": check.error_count, "batch": item.batch})
    _finish(job, check)


def value_import_failed(import_id: int) -> None:
    """Mark an import whose job crashed (the job keeps the reason); a committed one stays committed."""
    with transaction.atomic():
        changed = ValueImport.objects.filter(pk=import_id).exclude(status=ImportStatus.COMMITTED).update(
            status=ImportStatus.FAILED)
        if changed:
            audit_append(actor=None, action="feeds.import.fail", object_type="value_import", object_id=import_id)
