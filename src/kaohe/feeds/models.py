"""Signed feeds from source systems and Excel/CSV imports of indicator values.

A `FeedSource` is one source system (一网通办, 12345, 互联网+监管, …) with its own signing key; every
record it sends is answered individually and kept as a `FeedRecord` (idempotency key, batch, received
time, content hash). A `FeedNonce` remembers each accepted signature for the replay window. A
`ValueImport` is one uploaded Excel/CSV file on its way from dry run to commit. The values themselves
live in `collection` (provenance rows and value sheets).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.core.fields import EncryptedTextField
from kaohe.core.models import Job
from kaohe.org.models import Unit


class FeedKind(models.TextChoices):
    ONE_NET = "one_net", _("Online government services (一网通办)")
    HOTLINE = "hotline", _("12345 hotline")
    SUPERVISION = "supervision", _("Internet + regulation (互联网+监管)")
    VALUES = "values", _("Other indicator values")


class RecordType(models.TextChoices):
    VALUE = "value", _("Indicator value")
    HOTLINE = "hotline", _("12345 hotline record")


class RecordStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class FeedSource(models.Model):
    """A source system allowed to push records, with its signing key (HMAC-SM3, see `feeds.signing`).

    The secret is stored encrypted (it must be read back to check signatures); `scope_unit` bounds the
    people the source may send values about; `allowed_codes` lists the indicator codes it may send.
    """

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=FeedKind.choices)
    key_id = models.CharField(max_length=40, unique=True)
    secret = EncryptedTextField(context="feeds.feedsource.secret")
    allowed_codes = models.JSONField(default=list, blank=True)
    scope_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"


class FeedRecord(models.Model):
    """One record received from a source and how it was answered (append-only).

    An accepted idempotency key is unique per source: sending it again is answered "duplicate" and
    changes nothing. Rejected records are kept with their reason and may be sent again, corrected.
    """

    source = models.ForeignKey(FeedSource, on_delete=models.PROTECT, related_name="records")
    idempotency_key = models.CharField(max_length=128)
    record_type = models.CharField(max_length=16, choices=RecordType.choices)
    batch = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=RecordStatus.choices)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "idempotency_key"], condition=models.Q(status="accepted"),
                                    name="feed_record_key_accepted_once"),
        ]
        indexes = [models.Index(fields=["source", "idempotency_key"]), models.Index(fields=["source", "batch"])]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.idempotency_key} {self.status}"


class FeedNonce(models.Model):
    """A signature already used; refused again until it expires (the replay window)."""

    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.source_id}:{self.signature[:12]}…"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to import")
    COMMITTING = "committing", _("Being imported")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")


class ValueImport(models.Model):
    """An uploaded Excel/CSV file of indicator values: checked first (dry run), then committed whole.

    `preview` keeps what the check found (counts by indicator, years, the first errors) for the page;
    the full error report is the .xlsx at `error_file`. `parsed_file` holds the cells as read (Arrow
    IPC, header at `first_row`), so the commit checks them again without parsing the workbook again.
    `batch` is the provenance batch of its values.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    stored_file = models.CharField(max_length=255)
    parsed_file = models.CharField(max_length=255, blank=True)
    first_row = models.PositiveIntegerField(default=1)
    file_format = models.CharField(max_length=8)
    file_hash = models.CharField(max_length=64)
    batch = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    error_file = models.CharField(max_length=255, blank=True)
    check_job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    commit_job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
