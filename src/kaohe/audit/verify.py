"""Verification of the audit chain: finds the first row whose content, order or link is broken."""

from dataclasses import dataclass

from kaohe.audit.chain import GENESIS, row_hash
from kaohe.audit.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(*, batch: int = 5000) -> ChainReport:
    expected_seq, prev = 1, GENESIS
    checked = 0
    fields = [
        "seq", "at", "actor_id", "actor", "action", "object_type", "object_id", "outcome", "ip",
        "request_id", "detail", "prev_hash", "hash",
    ]
    last_seq = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq").values(*fields)[:batch])
        if not rows:
            break
        for row in rows:
            if row["seq"] != expected_seq:
                return ChainReport(False, checked, expected_seq, f"row {expected_seq} is missing")
            if row["prev_hash"] != prev:
                return ChainReport(False, checked, row["seq"], "link to the previous row is broken")
            stored = row.pop("hash")
            row.pop("prev_hash")
            if row_hash(prev_hash=prev, **row) != stored:
                return ChainReport(False, checked, row["seq"], "row content does not match its hash")
            prev, expected_seq, checked = stored, expected_seq + 1, checked + 1
        last_seq = rows[-1]["seq"]
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.seq != checked or head.hash != prev):
        return ChainReport(False, checked, checked + 1, f"log ends at row {checked} but the head says {head.seq}")
    return _against_checkpoints(checked)


def _against_checkpoints(checked: int) -> ChainReport:
    """Every signed checkpoint must verify and match the row it names (a shorter log was truncated)."""
    from kaohe.audit.checkpoints import checkpoint_valid, hash_at
    from kaohe.audit.models import AuditCheckpoint

    for checkpoint in AuditCheckpoint.objects.order_by("size"):
        if not checkpoint_valid(checkpoint):
            return ChainReport(False, checked, checkpoint.size, f"checkpoint of row {checkpoint.size} is not "
                               "signed by this system's key")
        if checkpoint.size > checked:
            return ChainReport(False, checked, checked + 1, f"log ends at row {checked} but a checkpoint "
                               f"vouches for {checkpoint.size} rows: the tail was cut")
        if hash_at(checkpoint.size) != checkpoint.root_hash:
            return ChainReport(False, checked, checkpoint.size, f"row {checkpoint.size} differs from its "
                               "signed checkpoint")
    return ChainReport(True, checked)
