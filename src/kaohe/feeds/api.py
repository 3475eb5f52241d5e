"""API of feeds: the signed endpoint source systems push records to (no session, no token: the
request signature is the authentication, see `feeds.signing`), and the status of one's own imports."""

import time
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from kaohe.accounts.http import AuthedRequest
from kaohe.feeds import intake, selectors

router = Router(tags=["feeds"])


class RecordAnswer(Schema):
    index: int
    key: str
    status: str
    reason: str


class BatchAnswer(Schema):
    batch_id: str
    received_at: str
    accepted: int
    duplicates: int
    rejected: int
    results: list[RecordAnswer]


class Refusal(Schema):
    detail: str


class ImportOut(Schema):
    id: int
    file_name: str
    status: str
    rows: int
    error_count: int
    percent: int


def _body(request: HttpRequest) -> bytes:
    """The raw body, read once and no further than the limit (Django's own limit is far smaller)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > intake.MAX_BODY:
        raise intake.too_large()
    body: bytes = request.read(intake.MAX_BODY + 1)
    return body


@router.post("/records", auth=None, response={200: BatchAnswer, frozenset({401, 403, 409, 413, 422}): Refusal},
             summary="Push records (signed with the source's key)", openapi_extra={"security": []})
def records_push(request: HttpRequest) -> Any:
    """Up to 10,000 records (indicator values, 12345 cases), each answered on its own; see `feeds.signing`
    for the X-Kaohe-Key / X-Kaohe-Timestamp / X-Kaohe-Signature headers (HMAC-SM3)."""
    signed = intake.SignedRequest(
        method=request.method or "POST", path=request.path, key_id=request.headers.get("X-Kaohe-Key", ""),
        timestamp=request.headers.get("X-Kaohe-Timestamp", ""),
        signature=request.headers.get("X-Kaohe-Signature", ""), body=_body(request))
    return intake.feed_receive(signed, now=time.time)


@router.get("/imports/{import_id}", response=ImportOut, summary="Status of one of your imports")
def import_read(request: AuthedRequest, import_id: int) -> dict[str, Any]:
    item = selectors.import_get(request.user, import_id)
    job = item.commit_job or item.check_job
    return {"id": item.pk, "file_name": item.file_name, "status": item.status, "rows": item.rows,
            "error_count": item.error_count, "percent": job.percent if job else 0}

