"""Appending to the audit log. Call inside the same transaction as the change it records:
if the append fails, the change fails (fail closed)."""

from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from kaohe.audit import context
from kaohe.audit.chain import canonical_json, row_hash
from kaohe.audit.models import AuditEvent, AuditHead

SECRET_KEYS = frozenset({"password", "token", "otp", "secret", "ballot", "session"})


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    for key in detail:
        if any(word in key.lower() for word in SECRET_KEYS):
            raise ValueError(f"Audit detail must not carry secrets: {key!r}")
    return detail


def audit_append(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: object = "",
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a user, or None for the system itself."""
    ctx = context.current.get(context.EMPTY)
    text = canonical_json(_clean(detail or {}))
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "at": datetime.now(UTC),
            "actor_id": getattr(actor, "pk", None),
            "actor": getattr(actor, "username", "") or "system",
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "outcome": outcome,
            "ip": ctx.ip,
            "request_id": ctx.request_id,
            "detail": text,
        }
        digest = row_hash(prev_hash=head.hash, **fields)
        event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **fields)
        head.seq, head.hash = event.seq, digest
        head.save(update_fields=["seq", "hash"])
    return event


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that differ, as {field: [before, after]}, for an audit detail."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}
