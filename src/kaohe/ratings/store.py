"""Storing ratings: many in one transaction, one fsync and one audit event (the write path of
`services.rating_submit` and `services.ratings_submit_batch`).

A rating's service reference is unique in the database (`rating_one_per_service_ref`). The first
attempt writes without looking (new references are the rule, and a look-up of 500 costs as much as
the insert); if any reference is already stored, or a concurrent writer stores it first, the
constraint refuses the insert, the transaction is rolled back, and the next attempt first looks up
the stored references and answers them (`already_stored` or `duplicate`). Rows go in with COPY on
PostgreSQL (ids drawn from the sequence first) and one executemany elsewhere. A bad rating opens its
follow-up case in the same transaction.
"""

import datetime as dt
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from kaohe.audit import context
from kaohe.audit.services import audit_append
from kaohe.core.bulk import copy_columns
from kaohe.core.calendar import work_calendar
from kaohe.core.crypto import provider
from kaohe.engine.calendar import UnknownYear
from kaohe.org.models import CivilServant
from kaohe.ratings.choices import BAD_LEVEL_FROM, Channel, FollowUpStatus
from kaohe.ratings.models import COMMENT_CONTEXT, FollowUp, Rating, RatingTarget, ServiceWindow
from kaohe.ratings.tokens import Claim

MAX_COMMENT = 500
ATTEMPTS = 3
CHANNELS = frozenset(Channel.values)
LEVELS = frozenset((1, 2, 3, 4, 5))
WALKIN_CONTEXT = "ratings.rating.walkin"


class Reason:
    """Why a rating was not stored (the API's `reason` codes)."""

    ALREADY_STORED = "already_stored"  # the same rating was stored before: a replay, nothing to do
    DUPLICATE = "duplicate"  # the service reference was rated already
    UNKNOWN_TARGET = "unknown_target"
    INACTIVE_TARGET = "inactive_target"
    INVALID = "invalid"
    NO_CALENDAR = "no_calendar"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (reason codes, not secrets)
    EXPIRED_TOKEN = "expired_token"  # noqa: S105
    NEEDS_VISIT_TOKEN = "needs_visit_token"  # noqa: S105
    UNAVAILABLE = "unavailable"  # no commit in time (database down or overloaded)


@dataclass(frozen=True)
class RatingIn:
    """One rating to store: the token's claim, the answer, and where it came from (keyed hashes)."""

    claim: Claim
    level: int
    comment: str = ""
    channel: str = Channel.SCAN
    device_hash: str = ""
    ip_hash: str = ""

    def service_ref(self) -> str:
        """The visit's reference; for a walk-in scan one reference per target, device and day."""
        if self.claim.service_ref:
            return self.claim.service_ref
        seed = self.device_hash or secrets.token_hex(16)  # no device: nothing to tie a second scan to
        key = provider().blind_index(f"{self.claim.kind}{self.claim.target_id}|{seed}", context=WALKIN_CONTEXT)
        return f"walkin:{key}"


@dataclass(frozen=True)
class Outcome:
    """The answer for one rating: stored (with its id and follow-up) or the reason it was not."""

    accepted: bool
    reason: str = ""
    rating_id: int | None = None
    follow_up_due: dt.date | None = None


def invalid_reason(item: RatingIn) -> str:
    """Reason.INVALID when the level, comment or channel is out of bounds, else ""."""
    ok = item.level in LEVELS and len(item.comment) <= MAX_COMMENT and item.channel in CHANNELS
    return "" if ok else Reason.INVALID


def follow_up_working_days() -> int:
    return int(getattr(settings, "KAOHE_RATINGS_FOLLOW_UP_WORKING_DAYS", 5))


def store_ratings(items: Sequence[RatingIn], *, action: str, today: dt.date | None = None) -> list[Outcome]:
    """Store what can be stored of `items` in one transaction; answer every item in order."""
    day = today or timezone.localdate()
    refs = [item.service_ref() for item in items]
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _store_once(items, refs, action=action, day=day, look_up=attempt > 0)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class _Target:
    kind: str
    unit_id: int
    active: bool


def _among(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """`column` among `values`: one array parameter on PostgreSQL (a statement that does not grow, so the
    driver need not parse 500 placeholders), an IN list elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _targets(ids: set[int]) -> dict[int, _Target]:
    """Kind, answering unit and state of the targets (one statement: this runs once per commit). A
    target is rated while it is active and its person is in post or its window open."""
    where, params = _among("t.id", sorted(ids))
    sql = (f"SELECT t.id, t.kind, t.active, p.unit_id, p.status, w.unit_id, w.active "  # noqa: S608 (%s marks)  # nosec B608
           f"FROM {RatingTarget._meta.db_table} t LEFT JOIN {CivilServant._meta.db_table} p ON p.id = t.person_id "
           f"LEFT JOIN {ServiceWindow._meta.db_table} w ON w.id = t.window_id WHERE {where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {pk: _Target(kind, person_unit or window_unit,
                        bool(active) and person_status in (None, "active") and window_active in (None, True, 1))
            for pk, kind, active, person_unit, person_status, window_unit, window_active in rows}


def _stored(refs: set[str]) -> dict[str, tuple[int, int]]:
    """Target and level of the ratings already stored under these references."""
    where, params = _among("service_ref", sorted(refs))
    sql = f"SELECT service_ref, target_id, level FROM {Rating._meta.db_table} WHERE {where}"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {ref: (target_id, level) for ref, target_id, level in cursor.fetchall()}


def _store_once(items: Sequence[RatingIn], refs: list[str], *, action: str, day: dt.date,
                look_up: bool) -> list[Outcome]:
    targets = _targets({item.claim.target_id for item in items})
    stored = _stored(set(refs)) if look_up else {}
    due = _due_date(day) if any(item.level >= BAD_LEVEL_FROM for item in items) else None
    outcomes: list[Outcome | None] = []
    accepted: list[int] = []
    for i, item in enumerate(items):
        reason = _refusal(item, refs[i], targets, stored, due)
        if reason:
            outcomes.append(Outcome(False, reason))
            continue
        stored[refs[i]] = (item.claim.target_id, item.level)
        accepted.append(i)
        outcomes.append(None)
    if accepted:
        ids = _insert(items, refs, accepted, targets, day)
        follow_ups = _open_follow_ups(items, accepted, ids, targets, day, due)
        for i, rating_id in zip(accepted, ids, strict=True):
            bad = items[i].level >= BAD_LEVEL_FROM
            outcomes[i] = Outcome(True, rating_id=rating_id, follow_up_due=due if bad else None)
        with _no_client_ip():
            audit_append(actor=None, action=action, object_type="rating", object_id=ids[0],
                         detail={"accepted": len(ids), "rejected": len(items) - len(ids), "follow_ups": follow_ups,
                                 "ids": id_ranges(ids)})
    return [o for o in outcomes if o is not None]  # every None was filled above


def _refusal(item: RatingIn, ref: str, targets: dict[int, _Target], stored: dict[str, tuple[int, int]],
             due: dt.date | None) -> str:
    target = targets.get(item.claim.target_id)
    if target is None or target.kind != item.claim.kind:
        return Reason.UNKNOWN_TARGET
    if not target.active:
        return Reason.INACTIVE_TARGET
    if invalid_reason(item):
        return Reason.INVALID
    if ref in stored:
        same = stored[ref] == (item.claim.target_id, item.level)
        return Reason.ALREADY_STORED if same else Reason.DUPLICATE
    if item.level >= BAD_LEVEL_FROM and due is None:
        return Reason.NO_CALENDAR
    return ""


def _due_date(day: dt.date) -> dt.date | None:
    """The follow-up deadline of a bad rating given on `day`; None when the calendar lacks a year."""
    try:
        return work_calendar().add_working_days(day, follow_up_working_days())
    except UnknownYear:
        return None


def _insert(items: Sequence[RatingIn], refs: list[str], accepted: list[int], targets: dict[int, _Target],
            day: dt.date) -> list[int]:
    ids = reserve_ids(Rating, len(accepted))
    chosen = [items[i] for i in accepted]
    encrypt = provider().encrypt
    columns = {
        "id": np.array(ids, dtype=np.int64),
        "target_id": np.array([item.claim.target_id for item in chosen], dtype=np.int64),
        "unit_id": np.array([targets[item.claim.target_id].unit_id for item in chosen], dtype=np.int64),
        "level": np.array([item.level for item in chosen], dtype=np.int64),
        "comment": np.array([encrypt(item.comment, context=COMMENT_CONTEXT) if item.comment else ""
                             for item in chosen], dtype=object),
        "channel": np.array([item.channel for item in chosen], dtype=object),
        "service_ref": np.array([refs[i] for i in accepted], dtype=object),
        "rated_on": connection.ops.adapt_datefield_value(day),
        "device_hash": np.array([item.device_hash for item in chosen], dtype=object),
        "ip_hash": np.array([item.ip_hash for item in chosen], dtype=object),
        "counted": True,
    }
    with connection.wrap_database_errors:  # a raw COPY's unique violation becomes Django's IntegrityError
        copy_columns(Rating, columns)
    return ids


def _open_follow_ups(items: Sequence[RatingIn], accepted: list[int], ids: list[int], targets: dict[int, _Target],
                     day: dt.date, due: dt.date | None) -> int:
    bad = [(rating_id, targets[items[i].claim.target_id].unit_id)
           for i, rating_id in zip(accepted, ids, strict=True) if items[i].level >= BAD_LEVEL_FROM]
    if not bad or due is None:
        return 0
    return copy_columns(FollowUp, {
        "rating_id": np.array([rating_id for rating_id, _unit in bad], dtype=np.int64),
        "unit_id": np.array([unit_id for _rating, unit_id in bad], dtype=np.int64),
        "status": FollowUpStatus.OPEN.value, "opened_on": connection.ops.adapt_datefield_value(day),
        "due_on": connection.ops.adapt_datefield_value(due),
        "updated_at": connection.ops.adapt_datetimefield_value(timezone.now()),
    })


def reserve_ids(model: type[Rating], n: int) -> list[int]:
    """`n` fresh primary keys: from the sequence on PostgreSQL; on SQLite the writer holds the
    database lock for the whole transaction, so the next ids after the largest are free."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return sorted(row[0] for row in cursor.fetchall())
    start = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    return list(range(start, start + n))


def id_ranges(ids: Sequence[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] → [[1, 3], [7, 8]]: the ids of a batch, short enough for an audit detail."""
    ranges: list[list[int]] = []
    for value in sorted(ids):
        if ranges and value == ranges[-1][1] + 1:
            ranges[-1][1] = value
        else:
            ranges.append([value, value])
    return ranges


@contextmanager
def _no_client_ip() -> Iterator[None]:
    """Citizens' network addresses never enter the audit log (only keyed hashes are kept, on the rating)."""
    current = context.current.get(context.EMPTY)
    token = context.current.set(context.AuditContext(ip="", request_id=current.request_id))
    try:
        yield
    finally:
        context.current.reset(token)
