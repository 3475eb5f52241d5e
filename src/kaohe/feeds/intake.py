"""The signed feed: authenticate the request, answer every record, land the accepted ones at once.

A request is refused as a whole (nothing written) with 401 when the key is unknown, the timestamp is
more than 5 minutes off or the signature wrong; 403 when the source is disabled; 409 when the same
signature was already received (a replay) or a concurrent request carried the same keys; 413 above
`MAX_BODY` bytes or `MAX_RECORDS` records; 422 when the body is not a batch. Otherwise every record is
answered on its own: "accepted", "duplicate" (its idempotency key was accepted before with the same
content: nothing changes) or "rejected" with the reason; the accepted ones, the answers and the
signature land in one transaction, with one audit event — none when nothing new was received.
"""

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticError

from kaohe.audit.services import audit_append
from kaohe.collection.services import ValueIn, values_record
from kaohe.core.bulk import fetch_all
from kaohe.core.errors import ApplicationError
from kaohe.feeds import selectors, signing
from kaohe.feeds.models import FeedKind, FeedNonce, FeedRecord, FeedSource, RecordStatus, RecordType
from kaohe.feeds.values import Rules, library_rules
from kaohe.hotline.services import HotlineIn, hotline_problems, hotline_records_store

MAX_RECORDS = 10_000
MAX_BODY = 16 * 1024 * 1024
BATCH_ID = re.compile(r"^[A-Za-z0-9._:-]{1,40}$")
log = logging.getLogger(__name__)


class FeedRefusedError(ApplicationError):
    """The request as a whole is refused; `status` is the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SignedRequest:
    """What the feed endpoint received: method, path, the three signing headers and the raw body."""

    method: str
    path: str
    key_id: str
    timestamp: str
    signature: str
    body: bytes


# --- the records --------------------------------------------------------------------------------------

Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValueRecord(_Strict):
    """An indicator value about one civil servant; quarter 0 is the whole year."""

    key: Key
    type: Literal["value"]
    staff_no: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    code: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=16)]
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(0, ge=0, le=4)
    value: float | None = Field(None, allow_inf_nan=False)
    level: Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)] = ""
    sample_size: int | None = Field(None, ge=0)


class HotlineRecordIn(_Strict):
    """A 12345 case with its text."""

    key: Key
    type: Literal["hotline"]
    case_no: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    received_on: dt.date
    text: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    channel: str = "phone"
    resolution_hours: float | None = Field(None, allow_inf_nan=False)
    due_hours: float | None = Field(None, allow_inf_nan=False)
    satisfaction: str = ""


class _Envelope(BaseModel):
    record: Annotated[ValueRecord | HotlineRecordIn, Field(discriminator="type")]


@dataclass
class Answer:
    """The answer about one record."""

    index: int
    key: str
    status: str
    reason: str = ""
    content_hash: str = ""
    record_type: str = ""

    def public(self) -> dict[str, Any]:
        return {"index": self.index, "key": self.key, "status": self.status, "reason": self.reason}


@dataclass
class _Batch:
    source: FeedSource
    batch_id: str
    answers: list[Answer] = field(default_factory=list)
    values: list[tuple[Answer, ValueIn]] = field(default_factory=list)
    hotline: list[tuple[Answer, HotlineIn]] = field(default_factory=list)


# --- authentication ----------------------------------------------------------------------------------


def feed_authenticate(request: SignedRequest, *, now: float) -> FeedSource:
    """The source that signed the request, or a 401/403 refusal (nothing is written either way)."""
    if not (request.key_id and request.timestamp and request.signature):
        raise FeedRefusedError(401, _("Sign the request: the headers X-Kaohe-Key, X-Kaohe-Timestamp and "
                                 "X-Kaohe-Signature are required."))
    source = FeedSource.objects.select_related("scope_unit").filter(key_id=request.key_id).first()
    if source is None:
        raise FeedRefusedError(401, _("Unknown key %(key)s.") % {"key": request.key_id[:40]})
    if not signing.timestamp_fresh(request.timestamp, now):
        raise FeedRefusedError(401, _("The timestamp is more than 5 minutes away from the server's clock; sign the "
                                 "request with the current time (unix seconds)."))
    if not signing.signature_valid(source.secret, request.method, request.path, request.timestamp, request.body,
                                   request.signature):
        log.warning("feed signature mismatch for key %s", source.key_id)
        raise FeedRefusedError(401, _("The signature does not match: sign METHOD, PATH, TIMESTAMP and the SHA-256 of "
                                 "the body, one per line, with HMAC-SM3 and the source's secret."))
    if not source.active:
        raise FeedRefusedError(403, _("This feed source is disabled."))
    if FeedNonce.objects.filter(signature=request.signature.lower()).exists():
        raise FeedRefusedError(409, _("This request was already received (same signature). Sign it again with a new "
                                 "timestamp to send it again; records already accepted are answered as duplicates."))
    return source


def too_large() -> FeedRefusedError:
    return FeedRefusedError(413, _("The body is larger than %(mb)s MB.") % {"mb": MAX_BODY // 1024**2})


def _parse(body: bytes) -> tuple[str, list[Any]]:
    """The batch id and the raw records of a body, or a 413/422 refusal."""
    if len(body) > MAX_BODY:
        raise too_large()
    try:
        data = json.loads(body)
        json.dumps(data, ensure_ascii=False).encode()  # refuses lone surrogates ("\ud800") before they reach the DB
    except (ValueError, RecursionError) as exc:
        raise FeedRefusedError(422, _("The body is not JSON in UTF-8.")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise FeedRefusedError(422, _('The body must be an object with "batch_id" and a list "records".'))
    batch_id = data.get("batch_id")
    if not isinstance(batch_id, str) or not BATCH_ID.match(batch_id):
        raise FeedRefusedError(422, _("The batch_id must be 1 to 40 letters, digits or . _ : -"))
    if len(data["records"]) > MAX_RECORDS:
        raise FeedRefusedError(413, _("A batch holds at most %(n)s records.") % {"n": f"{MAX_RECORDS:,}"})
    if not data["records"]:
        raise FeedRefusedError(422, _("The batch has no records."))
    return batch_id, data["records"]


# --- answering records -------------------------------------------------------------------------------


def _record_hash(raw: Any) -> str:
    text = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _validation_reason(exc: PydanticError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("record", "value", "hotline"))
    return _("Invalid record: %(field)s: %(message)s") % {"field": where or "-", "message": first.get("msg", "")}


def _key_of(raw: Any) -> str:
    key = raw.get("key") if isinstance(raw, dict) else None
    return key.strip()[:128] if isinstance(key, str) else ""


def _first_pass(batch: _Batch, raws: Sequence[Any]) -> list[tuple[Answer, ValueRecord | HotlineRecordIn]]:
    """Parse every record and answer the malformed, repeated and already received ones."""
    keys = [_key_of(raw) for raw in raws]
    known = dict(FeedRecord.objects.filter(source=batch.source, status=RecordStatus.ACCEPTED,
                                           idempotency_key__in=[k for k in keys if k])
                 .values_list("idempotency_key", "content_hash"))
    seen: set[str] = set()
    parsed = []
    for index, (raw, key) in enumerate(zip(raws, keys, strict=True)):
        answer = Answer(index, key, RecordStatus.REJECTED, content_hash=_record_hash(raw))
        batch.answers.append(answer)
        try:
            record = _Envelope(record=raw).record
        except PydanticError as exc:
            answer.reason = _validation_reason(exc)
            continue
        answer.record_type = record.type
        if key in seen:
            answer.reason = _("The idempotency key is repeated in this batch.")
        elif key in known and known[key] == answer.content_hash:
            answer.status = "duplicate"
        elif key in known:
            answer.reason = _("The idempotency key was already accepted with other content; use a new key.")
        else:
            parsed.append((answer, record))
        seen.add(key)
    return parsed


def _value_problem(record: ValueRecord, rules: Rules, source: FeedSource) -> str:
    if record.code not in source.allowed_codes:
        return _("This source may not send %(code)s.") % {"code": record.code}
    if record.code not in rules.codes:
        return _("%(code)s is not an indicator of %(year)s.") % {"code": record.code, "year": record.year}
    levels = rules.levels.get(record.code)
    if levels is not None and record.level not in levels:
        return _("Give one of the levels of %(code)s: %(levels)s.") % {"code": record.code, "levels": "、".join(levels)}
    if levels is None and record.value is None:
        return _("%(code)s needs a number.") % {"code": record.code}
    if levels is None and record.level:
        return _("%(code)s takes a number, not a level.") % {"code": record.code}
    return ""


def _answer_values(batch: _Batch, records: Sequence[tuple[Answer, ValueRecord]]) -> None:
    staff = {r.staff_no for _a, r in records}
    if not staff:
        return
    people = dict(fetch_all(selectors.source_people(batch.source).filter(staff_no__in=staff)
                            .values_list("staff_no", "id")))
    rules: dict[int, Rules] = {}
    for answer, record in records:
        rule = rules.setdefault(record.year, library_rules(record.year))
        person = people.get(record.staff_no)
        answer.reason = _value_problem(record, rule, batch.source) if person else _(
            "No civil servant with staff number %(staff_no)s in this source's units.") % {"staff_no": record.staff_no}
        if not answer.reason and person is not None:
            answer.status = RecordStatus.ACCEPTED
            batch.values.append((answer, ValueIn(person, record.code, record.year, value=record.value,
                                                 level=record.level, quarter=record.quarter,
                                                 sample_size=record.sample_size)))


def _answer_hotline(batch: _Batch, records: Sequence[tuple[Answer, HotlineRecordIn]]) -> None:
    items = [HotlineIn(r.case_no, r.received_on, r.text, r.channel, r.resolution_hours, r.due_hours, r.satisfaction)
             for _a, r in records]
    allowed = batch.source.kind == FeedKind.HOTLINE
    for (answer, _record), item, problem in zip(records, items, hotline_problems(items), strict=True):
        answer.reason = problem if allowed else _("This source may not send 12345 hotline records.")
        if not answer.reason:
            answer.status = RecordStatus.ACCEPTED
            batch.hotline.append((answer, item))


# --- landing -----------------------------------------------------------------------------------------


def _land(batch: _Batch, request: SignedRequest, received: dt.datetime) -> None:
    """The accepted records, the answers worth keeping and the signature, in one transaction."""
    provenance = f"{batch.source.key_id}:{batch.batch_id}"
    kept = [a for a in batch.answers if a.status == RecordStatus.ACCEPTED or (
        a.status == RecordStatus.REJECTED and a.key)]
    expires = received + dt.timedelta(seconds=2 * signing.WINDOW_SECONDS)
    with transaction.atomic():
        FeedNonce.objects.filter(expires_at__lt=received).delete()
        FeedNonce.objects.create(source=batch.source, signature=request.signature.lower(), expires_at=expires)
        if batch.values:
            source = "hotline" if batch.source.kind == FeedKind.HOTLINE else "feed"
            values_record(actor=None, values=[v for _a, v in batch.values], source=source, batch=provenance)
        if batch.hotline:
            hotline_records_store(actor=None, items=[h for _a, h in batch.hotline], scope_unit=batch.source.scope_unit,
                                  source=f"feed:{batch.source.key_id}", batch=provenance)
        FeedRecord.objects.bulk_create([FeedRecord(
            source=batch.source, idempotency_key=a.key, record_type=a.record_type or RecordType.VALUE,
            batch=batch.batch_id, received_at=received, content_hash=a.content_hash, status=a.status,
            reason=a.reason[:1000]) for a in kept])
        if kept:
            audit_append(actor=None, action="feeds.batch.receive", object_type="feed_source",
                         object_id=batch.source.pk, detail=_counts(batch) | {"batch": batch.batch_id})
        FeedSource.objects.filter(pk=batch.source.pk).update(last_used_at=received)


def _counts(batch: _Batch) -> dict[str, int]:
    statuses = [a.status for a in batch.answers]
    return {"accepted": statuses.count(RecordStatus.ACCEPTED), "duplicates": statuses.count("duplicate"),
            "rejected": statuses.count(RecordStatus.REJECTED)}


def _known_rejections(batch: _Batch) -> None:
    """A rejection already kept with the same key and content is not kept again (re-sending changes nothing)."""
    rejected = [a for a in batch.answers if a.status == RecordStatus.REJECTED and a.key]
    if not rejected:
        return
    kept = set(FeedRecord.objects.filter(source=batch.source, status=RecordStatus.REJECTED,
                                         idempotency_key__in=[a.key for a in rejected])
               .values_list("idempotency_key", "content_hash"))
    for answer in rejected:
        if (answer.key, answer.content_hash) in kept:
            answer.key = ""  # answered, not kept


def feed_receive(request: SignedRequest, *, now: Callable[[], float]) -> dict[str, Any]:
    """Authenticate, answer and land one batch; returns the answer body (HTTP 200)."""
    source = feed_authenticate(request, now=now())
    batch_id, raws = _parse(request.body)
    batch = _Batch(source, batch_id)
    parsed = _first_pass(batch, raws)
    _answer_values(batch, [(a, r) for a, r in parsed if isinstance(r, ValueRecord)])
    _answer_hotline(batch, [(a, r) for a, r in parsed if isinstance(r, HotlineRecordIn)])
    answers = [a.public() for a in batch.answers]
    _known_rejections(batch)
    received = timezone.now()
    try:
        _land(batch, request, received)
    except FeedRefusedError:
        raise
    except ApplicationError as exc:  # a check above let through what the services refuse: nothing was written
        raise FeedRefusedError(422, exc.message) from exc
    except IntegrityError as exc:
        raise FeedRefusedError(409, _("Another request carried the same signature or idempotency keys at the same "
                                      "time; sign the batch again and resend it.")) from exc
    return {"batch_id": batch_id, "received_at": received.isoformat(), **_counts(batch), "results": answers}
