"""Signed checkpoints of the audit log: (size, root hash, time) bound together with HMAC-SM3."""

import hmac
import json
from datetime import UTC, datetime

from django.db import transaction

from kaohe.audit.chain import GENESIS
from kaohe.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from kaohe.core.crypto import provider


def _key() -> bytes:
    """The signing key, derived from the key ring outside the database (never stored in it)."""
    ring = getattr(provider(), "ring", None)
    if ring is None:
        raise RuntimeError("The crypto provider has no key ring for signing checkpoints")
    return hmac.new(ring.index_key, b"kaohe-audit-checkpoint", "sm3").digest()


def statement(size: int, root_hash: str, created_at: datetime) -> bytes:
    return f"{size}|{root_hash}|{created_at.isoformat(timespec='microseconds')}".encode()


def sign(size: int, root_hash: str, created_at: datetime) -> str:
    return hmac.new(_key(), statement(size, root_hash, created_at), "sm3").hexdigest()


def checkpoint_create(*, reason: str = "daily") -> AuditCheckpoint:
    """Sign the current tip of the log."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        size, root = (head.seq, head.hash) if head else (0, GENESIS)
        now = datetime.now(UTC)
        return AuditCheckpoint.objects.create(size=size, root_hash=root, created_at=now, reason=reason,
                                              signature=sign(size, root, now))


def checkpoint_valid(checkpoint: AuditCheckpoint) -> bool:
    expected = sign(checkpoint.size, checkpoint.root_hash, checkpoint.created_at)
    return hmac.compare_digest(expected, checkpoint.signature)


def checkpoints_export() -> str:
    """All checkpoints as JSON lines, to keep outside the system."""
    return "".join(
        json.dumps({"size": c.size, "root_hash": c.root_hash, "created_at": c.created_at.isoformat(),
                    "reason": c.reason, "signature": c.signature}) + "\n"
        for c in AuditCheckpoint.objects.order_by("size", "created_at")
    )


def hash_at(seq: int) -> str | None:
    if seq == 0:
        return GENESIS
    return AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
