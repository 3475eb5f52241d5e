"""The tamper-evident audit log (安全审计): append-only rows chained by SM3 hashes."""

from django.db import models


class AuditEvent(models.Model):
    """One security event or write of appraisal data. Never updated, never deleted.

    `hash` = SM3(prev_hash ‖ canonical fields); `detail` is canonical JSON text so that the
    bytes hashed are the bytes stored. Never holds passwords, tokens or ballot content.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    outcome = models.CharField(max_length=16, default="success")
    ip = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    detail = models.TextField(default="{}")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["at"]), models.Index(fields=["actor_id", "at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's tip, one row, locked by each writer so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement of the log's size and tip hash at a moment (daily and at each cycle close).

    Exported and kept outside the system, it lets `audit_verify` detect a truncated tail or a chain
    rewritten by someone with database rights: the signature key is outside the database.
    """

    size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    reason = models.CharField(max_length=80, default="daily")
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["size"]

    def __str__(self) -> str:
        return f"checkpoint {self.size} {self.created_at:%Y-%m-%d}"
