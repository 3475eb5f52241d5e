"""API of public ratings.

- `POST /submit` and `POST /batch`: no login; each rating carries a signed rating code (token).
  A batch takes up to 500 visit codes in one transaction and answers each record accepted or
  rejected with a reason; sending a record again is harmless (`already_stored`).
- `POST /visit-codes`: issue codes for service events (integrators: queue systems, case systems).
- `/follow-ups`: the follow-up cases of bad ratings in the caller's scope, and their steps.
- `/satisfaction`: satisfaction per person and quarter or year; `POST /satisfaction/record` sends a
  unit's yearly values into the QR-rating indicators.
The two submission operations are also served, without the site's middleware, by `ingest.py`.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from kaohe.accounts.http import AuthedRequest
from kaohe.collection.sheets import SATISFACTION_SAMPLE_MIN
from kaohe.core.errors import ApplicationError
from kaohe.core.pagination import keyset_page
from kaohe.org import selectors as org_selectors
from kaohe.ratings import selectors, services
from kaohe.ratings.choices import ACTIVE_STATUSES, FollowUpStatus
from kaohe.ratings.intake import Accepted, BatchIn, BatchOut, RatingSubmit, Refused, submit_many, submit_one
from kaohe.ratings.models import FollowUp
from kaohe.ratings.services import reason_text
from kaohe.ratings.store import Reason

router = Router(tags=["ratings"])


@router.post("/submit", auth=None, response={201: Accepted, 400: Refused, 404: Refused, 409: Refused,
                                             410: Refused, 429: Refused, 503: Refused},
             summary="Submit one rating (no login: the rating code is the authority)")
def submit(request: HttpRequest, body: RatingSubmit) -> Status[BaseModel]:
    status, answer = submit_one(request, body)
    return Status(status, answer)


@router.post("/batch", auth=None, response=BatchOut,
             summary="Submit up to 500 ratings with visit codes in one transaction")
def submit_batch(request: HttpRequest, body: BatchIn) -> BatchOut:
    return submit_many(request, body)


@router.get("/reasons", auth=None, summary="What each rejection reason means")
def reasons(request: HttpRequest) -> dict[str, str]:
    codes = [v for k, v in vars(Reason).items() if not k.startswith("_") and isinstance(v, str)]
    return {code: reason_text(code) for code in codes}


class VisitCodesIn(Schema):
    target_id: int
    service_refs: list[str] = Field(..., min_length=1, max_length=services.MAX_BATCH)


class VisitCodesOut(Schema):
    tokens: list[str]


@router.post("/visit-codes", response=VisitCodesOut, summary="Issue rating codes for service events of a target")
def visit_codes(request: AuthedRequest, body: VisitCodesIn) -> dict[str, Any]:
    target = selectors.target_get(request.user, body.target_id)
    return {"tokens": services.visit_tokens_issue(actor=request.user, target=target,
                                                  service_refs=body.service_refs)}


class FollowUpOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    rating_id: int
    level: int
    rated_on: dt.date
    status: FollowUpStatus
    due_on: dt.date
    overdue: bool


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    next_cursor: str


class FollowUpQuery(Schema):
    cursor: str = ""
    limit: int = Field(50, ge=1, le=500)
    all: bool = False


def _case_out(case: FollowUp) -> dict[str, Any]:
    return {"id": case.pk, "unit_id": case.unit_id, "unit_name": case.unit.name, "rating_id": case.rating_id,
            "level": case.rating.level, "rated_on": case.opened_on, "status": case.status, "due_on": case.due_on,
            "overdue": case.status in ACTIVE_STATUSES and case.due_on < timezone.localdate()}


@router.get("/follow-ups", response=FollowUpPage, summary="Follow-up cases of your units, by due date")
def follow_up_list(request: AuthedRequest, query: Query[FollowUpQuery]) -> dict[str, Any]:
    statuses = FollowUpStatus.values if query.all else ACTIVE_STATUSES
    rows, cursor = keyset_page(selectors.follow_ups_to_act_on(request.user, statuses=statuses),
                               order=["due_on", "id"], cursor=query.cursor, limit=query.limit)
    return {"items": [_case_out(c) for c in rows], "next_cursor": cursor}


@router.get("/follow-ups/{follow_up_id}", response=FollowUpOut, summary="Read one follow-up case")
def follow_up_read(request: AuthedRequest, follow_up_id: int) -> dict[str, Any]:
    return _case_out(selectors.follow_up_get(request.user, follow_up_id))


class StepIn(Schema):
    action: str = Field(..., description="visit, rectify, close, contest, uphold or dismiss")
    note: str = Field(..., max_length=services.MAX_NOTE)


STEPS: dict[str, Callable[..., FollowUp]] = {
    "visit": lambda a, c, n: services.follow_up_visit(actor=a, follow_up=c, note=n),
    "rectify": lambda a, c, n: services.follow_up_rectify(actor=a, follow_up=c, note=n),
    "close": lambda a, c, n: services.follow_up_close(actor=a, follow_up=c, note=n),
    "contest": lambda a, c, n: services.follow_up_contest(actor=a, follow_up=c, reason=n),
    "uphold": lambda a, c, n: services.follow_up_review(actor=a, follow_up=c, uphold=True, note=n),
    "dismiss": lambda a, c, n: services.follow_up_review(actor=a, follow_up=c, uphold=False, note=n),
}


@router.post("/follow-ups/{follow_up_id}/steps", response=FollowUpOut, summary="Take the next step of a case")
def follow_up_step(request: AuthedRequest, follow_up_id: int, body: StepIn) -> dict[str, Any]:
    case = selectors.follow_up_get(request.user, follow_up_id)
    step = STEPS.get(body.action)
    if step is None:
        raise ApplicationError(_("Unknown action %(action)s: use %(actions)s.") % {
            "action": body.action, "actions": ", ".join(STEPS)}, field="action")
    return _case_out(step(request.user, case, body.note))


class SatisfactionQuery(Schema):
    person_ids: list[int] = Field(..., min_length=1, max_length=500)
    year: int = Field(..., ge=2000, le=2100)
    quarter: int = Field(0, ge=0, le=4, description="1–4, or 0 for the whole year")
    minimum: int = Field(SATISFACTION_SAMPLE_MIN, ge=1, description="ratings needed for a measured value")


class SatisfactionOut(BaseModel):
    person_id: int
    year: int
    quarter: int
    sample_size: int
    status: str
    mean: Decimal | None
    praise_rate: Decimal | None


@router.get("/satisfaction", response=list[SatisfactionOut],
            summary="Public satisfaction of people in your scope ('insufficient_sample' below the minimum)")
def satisfaction(request: AuthedRequest, query: Query[SatisfactionQuery]) -> list[dict[str, Any]]:
    found = selectors.satisfaction_for(request.user, query.person_ids, year=query.year, quarter=query.quarter,
                                       minimum=query.minimum)
    return [{"person_id": s.person_id, "year": s.year, "quarter": s.quarter, "sample_size": s.sample_size,
             "status": s.status, "mean": s.mean, "praise_rate": s.praise_rate} for s in found.values()]


class SatisfactionPushIn(BaseModel):
    unit_id: int
    year: int = Field(..., ge=2000, le=2100)


class SatisfactionPushOut(BaseModel):
    recorded: int
    insufficient: list[int]
    without_indicator: list[int]


@router.post("/satisfaction/record", response=SatisfactionPushOut,
             summary="Send a unit's yearly satisfaction into the QR-rating indicators (appraisal office)")
def satisfaction_push(request: AuthedRequest, body: SatisfactionPushIn) -> dict[str, Any]:
    unit = org_selectors.unit_get(request.user, body.unit_id)
    push = services.satisfaction_record(actor=request.user, unit=unit, year=body.year)
    return {"recorded": push.recorded, "insufficient": push.insufficient, "without_indicator": push.without_indicator}
