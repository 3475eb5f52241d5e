"""Writes of the hotline app: storing classified records, people's corrections, and feeding indicators.

Each checks the actor's role and scope, writes, and audits in the same transaction.
"""

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.services import audit_append
from kaohe.collection.services import ValueIn, values_record
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.hotline import selectors
from kaohe.hotline.directory import classifier_for
from kaohe.hotline.models import DEFAULT_DUE_HOURS, Channel, Classification, HotlineRecord, Satisfaction
from kaohe.org.models import Unit

MAX_TEXT = 5000
ON_TIME = "JI05"  # 投诉响应及时率: share of complaints answered within their time limit, %
PROBITY = "LI03"  # 廉政投诉查实次数: probity complaints found substantiated, count


@dataclass(frozen=True)
class HotlineIn:
    """One 12345 case as a source system sends it."""

    case_no: str
    received_on: dt.date
    text: str
    channel: str = Channel.PHONE
    resolution_hours: float | None = None
    due_hours: float | None = None
    satisfaction: str = ""

    def content_hash(self) -> str:
        data = {**asdict(self), "received_on": self.received_on.isoformat()}
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def hotline_problem(item: HotlineIn, *, today: dt.date, taken: set[str]) -> str:
    """Why the record cannot be stored ("" when it can); `taken` holds case numbers already seen."""
    problems = [
        (not item.case_no.strip() or len(item.case_no) > 64, _("The case number must have 1 to 64 characters.")),
        (item.case_no in taken, _("This case number is already recorded.")),
        (not item.text.strip() or len(item.text) > MAX_TEXT,
         _("The text must have 1 to %(limit)s characters.") % {"limit": MAX_TEXT}),
        (item.received_on > today, _("The date received lies in the future.")),
        (item.channel not in Channel.values, _("Unknown channel %(channel)s.") % {"channel": item.channel}),
        (bool(item.satisfaction) and item.satisfaction not in Satisfaction.values,
         _("Unknown satisfaction %(value)s.") % {"value": item.satisfaction}),
        (item.resolution_hours is not None and not 0 <= item.resolution_hours < 100_000,
         _("The resolution time must be between 0 and 100,000 hours.")),
        (item.due_hours is not None and not 0 < item.due_hours < 100_000,
         _("The time limit must be between 0 and 100,000 hours.")),
    ]
    return next((str(message) for failed, message in problems if failed), "")


def hotline_problems(items: Sequence[HotlineIn]) -> list[str]:
    """The problem of each record ("" when fine), including case numbers repeated in the batch."""
    known = set(HotlineRecord.objects.filter(case_no__in=[i.case_no for i in items]).values_list("case_no", flat=True))
    today = timezone.localdate()
    found = []
    for item in items:
        found.append(hotline_problem(item, today=today, taken=known))
        known.add(item.case_no)
    return found


def hotline_records_store(*, actor: User | None, items: Sequence[HotlineIn], scope_unit: Unit, source: str,
                          batch: str = "") -> list[HotlineRecord]:
    """Classify, attribute (among the names of `scope_unit`'s subtree) and store checked records.

    Call `hotline_problems` first: a record with a problem is refused here as a whole batch.
    """
    problems = [p for p in hotline_problems(items) if p]
    if problems:
        raise ApplicationError(problems[0])
    classifier = classifier_for(scope_unit)
    allowed_units = selectors.unit_ids_under(scope_unit)
    now = timezone.now()
    records = []
    for item in items:
        result = classifier.classify(item.text)
        inside = result.unit_id in allowed_units
        records.append(HotlineRecord(
            case_no=item.case_no, received_on=item.received_on, channel=item.channel, text=item.text,
            classification=result.label, proposed=result.label, confidence=result.confidence,
            rule=result.rule[:255], probity=result.probity, person_id=result.person_id if inside else None,
            unit_id=result.unit_id if inside else None, resolution_hours=item.resolution_hours,
            due_hours=item.due_hours or DEFAULT_DUE_HOURS, satisfaction=item.satisfaction, source=source[:64],
            batch=batch[:64], received_at=now, content_hash=item.content_hash()))
    with transaction.atomic():
        created = HotlineRecord.objects.bulk_create(records)
        audit_append(actor=actor, action="hotline.records.store", object_type="batch", object_id=batch,
                     detail={"source": source, "records": len(created)})
    return created


def _require(actor: User, record: HotlineRecord, role: str) -> None:
    scope = scope_for(actor, roles=[role])
    path = record.person.unit.path if record.person_id and record.person else (record.unit.path if record.unit
                                                                                  else "")
    if not scope.has(role) or not path or not scope.covers_path(path):
        raise PermissionDeniedError(_("Your role does not allow this action on this record."))


def hotline_record_reclassify(*, actor: User, record: HotlineRecord, classification: str, reason: str) -> None:
    """The appraisal office corrects the classifier's proposal, with a reason (kept in the audit log)."""
    _require(actor, record, Role.APPRAISAL_OFFICE)
    if classification not in Classification.values:
        raise ApplicationError(_("Unknown classification %(value)s.") % {"value": classification})
    if not reason.strip():
        raise ApplicationError(_("Give the reason for the correction."), field="reason")
    with transaction.atomic():
        before = record.classification
        HotlineRecord.objects.filter(pk=record.pk).update(classification=classification)
        audit_append(actor=actor, action="hotline.record.reclassify", object_type="hotline_record",
                     object_id=record.pk, detail={"from": before, "to": classification, "reason": reason.strip()})
    record.classification = classification


def hotline_record_substantiate(*, actor: User, record: HotlineRecord, substantiated: bool) -> None:
    """The discipline office's finding on a probity complaint: substantiated or not (LI03 counts the former)."""
    _require(actor, record, Role.DISCIPLINE)
    if not record.probity or record.classification != Classification.COMPLAINT:
        raise ApplicationError(_("Only a probity complaint can be found substantiated."))
    with transaction.atomic():
        HotlineRecord.objects.filter(pk=record.pk).update(substantiated=substantiated)
        audit_append(actor=actor, action="hotline.record.substantiate", object_type="hotline_record",
                     object_id=record.pk, detail={"substantiated": substantiated})
    record.substantiated = substantiated


def _quarter(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def indicator_values(records: Sequence[HotlineRecord], year: int) -> list[ValueIn]:
    """What the year's records of people give the indicators:

    - JI05 (complaints answered on time, %) per person for each quarter and the year, over the complaints
      attributed to them whose resolution time is known;
    - LI03 (substantiated probity complaints, count) per person for the year, for everyone with a probity
      complaint the discipline office has reviewed (0 when none was substantiated).
    Praise and neutral records and records attributed only to a unit feed no person's indicator; they are
    counted monthly per unit on the hotline page.
    """
    answered: dict[tuple[int, int], list[bool]] = defaultdict(list)
    probity: dict[int, int] = {}
    for record in records:
        if record.person_id is None or record.classification != Classification.COMPLAINT:
            continue
        if record.on_time is not None:
            for quarter in (0, _quarter(record.received_on)):
                answered[(record.person_id, quarter)].append(record.on_time)
        if record.probity and record.substantiated is not None:
            probity[record.person_id] = probity.get(record.person_id, 0) + int(record.substantiated)
    values = [ValueIn(person, ON_TIME, year, value=round(100.0 * sum(flags) / len(flags), 2), quarter=quarter)
              for (person, quarter), flags in sorted(answered.items())]
    values += [ValueIn(person, PROBITY, year, value=float(count)) for person, count in sorted(probity.items())]
    return values


def hotline_indicators_feed(*, actor: User, year: int) -> int:
    """Record the indicator values of `year` for the people of the appraisal office's scope."""
    if not scope_for(actor, roles=[Role.APPRAISAL_OFFICE]).unit_paths:
        raise PermissionDeniedError(_("Only the appraisal office may feed indicators."))
    records = list(selectors.records_for_indicators(actor, year=year))
    values = indicator_values(records, year)
    if not values:
        raise ApplicationError(_("No complaint of %(year)s in your scope gives an indicator value.") % {"year": year})
    batch = f"hotline-{year}-{timezone.now():%Y%m%d%H%M%S}"
    with transaction.atomic():
        count = values_record(actor=actor, values=values, source="hotline", batch=batch)
        audit_append(actor=actor, action="hotline.indicators.feed", object_type="batch", object_id=batch,
                     detail={"year": year, "values": count, "records": len(records)})
    return count
