"""API of the 12345 hotline: the classified records of the caller's scope (without their text), newest
first, paged by id; the text stays on the record page (masked) because it may hold citizens' data."""

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema

from kaohe.accounts.http import AuthedRequest
from kaohe.hotline import selectors

router = Router(tags=["hotline"])


class RecordOut(Schema):
    id: int
    case_no: str
    received_on: dt.date
    channel: str
    classification: str
    proposed: str
    confidence: float
    rule: str
    probity: bool
    person_id: int | None
    unit_id: int | None
    on_time: bool | None


class RecordPage(Schema):
    items: list[RecordOut]
    next_before: int | None


class RecordQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)
    classification: str = ""
    before: int | None = None
    limit: int = Field(50, ge=1, le=500)


@router.get("/records", response=RecordPage, summary="List the hotline records of your scope")
def record_list(request: AuthedRequest, query: Query[RecordQuery]) -> dict[str, Any]:
    rows = selectors.records_visible(request.user).filter(received_on__year=query.year).order_by("-id")
    if query.classification:
        rows = rows.filter(classification=query.classification)
    if query.before:
        rows = rows.filter(id__lt=query.before)
    page = list(rows.defer("text")[: query.limit + 1])
    return {"items": page[: query.limit], "next_before": page[query.limit - 1].pk if len(page) > query.limit else None}
