"""Audited writes of unit appraisal: leaders, values, scoring runs, the committee's grades,
commendations and approvals above the quota ceiling."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appeals.models import Waiver, WaiverStatus
from kaohe.appraisal.models import Cycle
from kaohe.appraisal.services import require_office_for
from kaohe.audit.services import audit_append
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.indicators.adapter import library_for_year
from kaohe.indicators.choices import Source
from kaohe.org.models import CivilServant, Unit
from kaohe.units.models import (
    Commendation,
    LeaderRole,
    QuotaCeilingApproval,
    UnitLeader,
    UnitResult,
    UnitRun,
    UnitValue,
)
from kaohe.units.scoring import score_partition, unit_partitions

UNIT_GRADES = (1, 2, 3, 4)  # 优秀, 良好, 一般, 较差


def _require(actor: User | None, role: str, unit: Unit) -> None:
    if actor is not None and not scope_for(actor, roles=[role]).covers_path(unit.path):
        raise PermissionDeniedError(_("Your role does not allow this for %(unit)s.") % {"unit": unit.name})


def leader_set(*, actor: User | None, unit: Unit, person: CivilServant, role: str, start: dt.date) -> UnitLeader:
    """Record a member of the unit's leadership team; a new head or party secretary ends the previous one."""
    require_office_for(actor, unit)
    if role not in LeaderRole.values:
        raise ApplicationError(_("Choose head, party secretary or member."), field="role")
    if not person.unit.path.startswith(unit.path):
        raise ApplicationError(_("%(name)s does not work in %(unit)s.") % {"name": person.name, "unit": unit.name})
    with transaction.atomic():
        if role != LeaderRole.MEMBER:
            UnitLeader.objects.filter(unit=unit, role=role, end__isnull=True).update(end=start - dt.timedelta(days=1))
        leader = UnitLeader.objects.create(unit=unit, person=person, role=role, start=start)
        audit_append(actor=actor, action="units.leader.set", object_type="unit", object_id=unit.pk,
                     detail={"person_id": person.pk, "role": role, "start": start.isoformat()})
    return leader


def unit_value_record(*, actor: User | None, unit: Unit, year: int, code: str, value: float | None = None,
                      level: str = "", source: str = Source.MANUAL, note: str = "") -> UnitValue:
    """A unit's value of an indicator for the year (typed by the office, or delivered by a source)."""
    require_office_for(actor, unit)
    indicator = library_for_year(year).filter(code=code, subject="unit").first()
    if indicator is None:
        raise ApplicationError(_("%(code)s is not a unit indicator of %(year)s.") % {"code": code, "year": year},
                               field="code")
    if source not in Source.values:
        raise ApplicationError(_("Unknown source %(source)s.") % {"source": source}, field="source")
    if indicator.rule_kind == "rubric":
        levels = [name for name, _score in indicator.rule_params.get("levels", [])]
        if level not in levels:
            raise ApplicationError(_("Choose one of the levels %(levels)s.") % {"levels": "、".join(levels)},
                                   field="level")
        value = None
    elif value is None or not -1e9 < value < 1e9:
        raise ApplicationError(_("%(code)s needs a number.") % {"code": code}, field="value")
    with transaction.atomic():
        record, _created = UnitValue.objects.update_or_create(
            unit=unit, year=year, code=code, defaults={"value": value, "level": level, "source": source,
                                                       "note": note[:200], "recorded_by": actor,
                                                       "recorded_at": timezone.now()})
        audit_append(actor=actor, action="units.value.record", object_type="unit", object_id=unit.pk,
                     detail={"year": year, "code": code, "value": value, "level": level, "source": source})
    return record


def unit_run_execute(*, actor: User | None, cycle: Cycle, as_of: dt.date,
                     progress: Callable[[int, int], None] | None = None) -> UnitRun:
    """Score the cycle's units; the new run becomes current in one transaction with its results."""
    require_office_for(actor, cycle.root)
    waivers = {(int(w.unit_id or 0), w.indicator_code): int(w.share or 0) for w in Waiver.objects.filter(
        year=cycle.year, status=WaiverStatus.APPROVED, unit__isnull=False)}
    partitions = unit_partitions(cycle, as_of, waivers)
    if not partitions:
        raise ApplicationError(_("No unit under %(root)s is appraised by a unit scheme of this cycle.")
                               % {"root": cycle.root.name})
    rows = []
    for done, part in enumerate(partitions, start=1):
        rows += score_partition(part)
        if progress:
            progress(done, len(partitions))
    with transaction.atomic():
        version = (cycle.unit_runs.aggregate(v=Max("version"))["v"] or 0) + 1
        cycle.unit_runs.filter(is_current=True).update(is_current=False)
        run = UnitRun.objects.create(cycle=cycle, version=version, is_current=True, as_of=as_of, created_by=actor)
        UnitResult.objects.bulk_create([UnitResult(run=run, **row) for row in rows])
        audit_append(actor=actor, action="units.run.finish", object_type="cycle", object_id=cycle.pk,
                     detail={"version": version, "units": len(rows)})
    return run


def unit_grade_decide(*, actor: User | None, result: UnitResult, grade: int, reason: str) -> UnitResult:
    """The committee decides a unit's grade; a change needs a reason and 优秀 stays within the group's quota."""
    _require(actor, Role.COMMITTEE, result.unit)
    if grade not in UNIT_GRADES:
        raise ApplicationError(_("Choose 优秀, 良好, 一般 or 较差."), field="grade")
    if grade != result.grade and len(reason.strip()) < 4:
        raise ApplicationError(_("Give the reason for changing the proposed grade."), field="reason")
    with transaction.atomic():
        locked = UnitResult.objects.select_for_update().get(pk=result.pk)
        if grade == 1 and locked.final_grade != 1:
            excellent = UnitResult.objects.filter(run=locked.run, group_id=locked.group_id).filter(
                Q(decided_grade=1) | Q(decided_grade__isnull=True, grade=1)).count()
            if excellent >= locked.group_quota:
                raise ApplicationError(_("The group has %(n)s 优秀 places and they are taken.")
                                       % {"n": locked.group_quota}, field="grade")
        locked.decided_grade, locked.decision_reason = grade, reason.strip()
        locked.save(update_fields=["decided_grade", "decision_reason"])
        audit_append(actor=actor, action="units.grade.decide", object_type="unit", object_id=locked.unit_id,
                     detail={"run_id": locked.run_id, "proposed": locked.grade, "decided": grade})
    return locked


def commendation_record(*, actor: User | None, unit: Unit, year: int, title: str) -> Commendation:
    require_office_for(actor, unit)
    if not title.strip():
        raise ApplicationError(_("Name the commendation."), field="title")
    with transaction.atomic():
        commendation = Commendation.objects.create(unit=unit, year=year, title=title.strip()[:200], recorded_by=actor)
        audit_append(actor=actor, action="units.commendation.record", object_type="unit", object_id=unit.pk,
                     detail={"year": year, "title": commendation.title})
    return commendation


def quota_approval_record(*, actor: User | None, unit: Unit, year: int, ratio_percent: Decimal,
                          reason: str) -> QuotaCeilingApproval:
    """The committee's recorded approval for a staff 优秀 quota above the profile ceiling."""
    _require(actor, Role.COMMITTEE, unit)
    if not 0 < ratio_percent <= 100:
        raise ApplicationError(_("The approved quota is a percentage above 0 and at most 100."), field="ratio")
    if len(reason.strip()) < 4:
        raise ApplicationError(_("Give the reason for the approval."), field="reason")
    with transaction.atomic():
        approval, _created = QuotaCeilingApproval.objects.update_or_create(
            unit=unit, year=year, defaults={"ratio_percent": ratio_percent, "reason": reason.strip(),
                                            "approved_by": actor})
        audit_append(actor=actor, action="units.quota.approve", object_type="unit", object_id=unit.pk,
                     detail={"year": year, "ratio_percent": str(ratio_percent)})
    return approval
