"""Hashing of audit rows: the one definition shared by the writer and the verifier."""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kaohe.core.crypto import sm3_hex

GENESIS = "0" * 64


def canonical_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def row_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    outcome: str,
    ip: str,
    request_id: str,
    detail: str,
) -> str:
    fields = [
        str(seq), at.isoformat(timespec="microseconds"), str(actor_id or ""), actor, action,
        object_type, object_id, outcome, ip, request_id, detail,
    ]
    return sm3_hex((prev_hash + "\x1f" + "\x1f".join(fields)).encode())
