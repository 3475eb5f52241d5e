"""Taking in ratings from the network: the bodies, their checks and the answers, shared by the ninja
API (`api.py`) and the lean ingest entry point (`ingest.py`). No login: the rating code is the authority.
"""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from pydantic import BaseModel, Field

from kaohe.core.errors import ApplicationError
from kaohe.ratings import services
from kaohe.ratings.choices import Channel
from kaohe.ratings.limits import LimitsUnavailableError, RateLimitedError, limits_check, origin_of
from kaohe.ratings.services import BatchRecord, RatingRefusedError
from kaohe.ratings.store import MAX_COMMENT, Outcome, RatingIn, Reason
from kaohe.ratings.tokens import TokenExpiredError, TokenInvalidError, read_token

# The bodies are plain pydantic models: validated in Rust, without ninja's per-object ORM getter,
# which costs more than the rest of a batch record's path (measured with bench/ratings.py).


class RatingSubmit(BaseModel):
    token: str = Field(..., max_length=400, description="The rating code from the QR code or visit ticket")
    level: int = Field(..., ge=1, le=5, description="1 非常满意 (100) … 5 非常不满意 (20)")
    comment: str = Field("", max_length=MAX_COMMENT)
    channel: Channel = Channel.SCAN
    device: str = Field("", max_length=64, description="The rating device's id (kiosks), for the device limit")


class Accepted(BaseModel):
    status: str
    id: int
    follow_up_due: dt.date | None


class Refused(BaseModel):
    status: str = "rejected"
    reason: str
    detail: str


ERROR_REASONS: dict[type, str] = {
    TokenInvalidError: Reason.INVALID_TOKEN, TokenExpiredError: Reason.EXPIRED_TOKEN, RateLimitedError: "rate_limited",
    LimitsUnavailableError: Reason.UNAVAILABLE,
}


def submit_one(request: HttpRequest, body: RatingSubmit) -> tuple[int, BaseModel]:
    """Check and store one rating; (201, Accepted) or (4xx/503, Refused)."""
    try:
        outcome = services.rating_submit(item=_checked(request, body))
    except ApplicationError as exc:
        return _refused(exc)
    return _accepted(outcome)


async def submit_one_async(request: HttpRequest, body: RatingSubmit) -> tuple[int, BaseModel]:
    """`submit_one` for an event loop: the same checks and answers, waiting for the commit without a thread."""
    try:
        outcome = await services.rating_submit_async(item=_checked(request, body))
    except ApplicationError as exc:
        return _refused(exc)
    return _accepted(outcome)


def _checked(request: HttpRequest, body: RatingSubmit) -> RatingIn:
    """The rating to store, once its code is read and a walk-in scan has passed the limits."""
    origin = origin_of(request, day=timezone.localdate(), device=body.device)
    claim = read_token(body.token)
    if not claim.is_visit:
        limits_check(request, origin=origin, target_id=claim.target_id)
    return RatingIn(claim=claim, level=body.level, comment=body.comment.strip(), channel=body.channel,
                    device_hash=origin.device_hash, ip_hash=origin.ip_hash)


def _refused(exc: ApplicationError) -> tuple[int, BaseModel]:
    if isinstance(exc, RatingRefusedError):
        return exc.status, Refused(reason=exc.reason, detail=exc.message)
    return exc.status, Refused(reason=ERROR_REASONS.get(type(exc), "refused"), detail=exc.message)


def _accepted(outcome: Outcome) -> tuple[int, BaseModel]:
    return 201, Accepted(status="accepted", id=outcome.rating_id or 0, follow_up_due=outcome.follow_up_due)


class BatchItem(BaseModel):
    token: str = Field(..., max_length=400)
    level: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=MAX_COMMENT)
    channel: Channel = Channel.SCAN


class BatchIn(BaseModel):
    ratings: list[BatchItem] = Field(..., min_length=1, max_length=services.MAX_BATCH)


class BatchResult(BaseModel):
    index: int
    status: str
    id: int | None = None
    reason: str = ""
    follow_up_due: dt.date | None = None


class BatchOut(BaseModel):
    accepted: int
    rejected: int
    results: list[BatchResult]


def submit_many(request: HttpRequest, body: BatchIn) -> BatchOut:
    """Store up to 500 visit-code ratings in one transaction; answer each record."""
    origin = origin_of(request, day=timezone.localdate())
    records = [BatchRecord(token=r.token, level=r.level, comment=r.comment.strip(), channel=r.channel)
               for r in body.ratings]
    outcomes = services.ratings_submit_batch(records=records, ip_hash=origin.ip_hash)
    # built from our own outcomes, so not validated again (500 validations cost a tenth of a batch)
    results = [BatchResult.model_construct(index=i, status="accepted" if o.accepted else "rejected", id=o.rating_id,
                                           reason=o.reason, follow_up_due=o.follow_up_due)
               for i, o in enumerate(outcomes)]
    accepted = sum(1 for o in outcomes if o.accepted)
    return BatchOut.model_construct(accepted=accepted, rejected=len(outcomes) - accepted, results=results)
