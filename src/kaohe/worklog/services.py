"""Writes of daily work, each audited; the ones that feed indicators update the value sheets."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import holders_over, scope_for
from kaohe.audit.services import audit_append
from kaohe.collection.models import SpecialTaskResult
from kaohe.collection.services import ValueIn, values_record
from kaohe.collection.sheets import sheets_update
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.notify import notify
from kaohe.indicators.adapter import library_for_year
from kaohe.org.models import CivilServant, Unit
from kaohe.worklog.models import (
    Commitment,
    CommitmentStatus,
    CommitmentTask,
    LedgerEntry,
    SpecialTask,
    WeeklyPlan,
    WorkLog,
)

WEEKLY_COMPLETION_CODE = "QI02"  # 周计划完成率（周清月结）


def _own(actor: User) -> CivilServant:
    if actor.person is None:
        raise PermissionDeniedError(_("Your account is not linked to a civil servant record."))
    return actor.person


def _supervises(actor: User | None, person: CivilServant) -> None:
    if actor is not None and not scope_for(actor, roles=[Role.SUPERVISOR]).covers_path(person.unit.path):
        raise PermissionDeniedError(_("Only a supervisor of %(unit)s may do this.") % {"unit": person.unit.name})


def worklog_write(*, actor: User, date: dt.date, text: str, hours: Decimal = Decimal(8)) -> WorkLog:
    person = _own(actor)
    if not text.strip():
        raise ApplicationError(_("Write what you did."), field="text")
    if date > timezone.localdate():
        raise ApplicationError(_("A log is written for today or an earlier day."), field="date")
    with transaction.atomic():
        log, _created = WorkLog.objects.update_or_create(person=person, date=date,
                                                         defaults={"text": text.strip(), "hours": hours})
        audit_append(actor=actor, action="worklog.log.write", object_type="person", object_id=person.pk,
                     detail={"date": date.isoformat()})
    return log


def weekly_plan_save(*, actor: User, week_start: dt.date, items: Sequence[dict[str, Any]]) -> WeeklyPlan:
    """Save a week's plan and what was done; the year's mean completion feeds 周计划完成率."""
    person = _own(actor)
    if week_start.weekday() != 0:
        raise ApplicationError(_("A weekly plan starts on a Monday."), field="week_start")
    cleaned = [{"task": str(i.get("task", "")).strip(), "done": bool(i.get("done"))} for i in items
               if str(i.get("task", "")).strip()]
    if not cleaned:
        raise ApplicationError(_("Plan at least one task for the week."), field="items")
    with transaction.atomic():
        plan, _created = WeeklyPlan.objects.update_or_create(person=person, week_start=week_start,
                                                             defaults={"items": cleaned})
        _feed_weekly_completion(actor, person, week_start.year)
        audit_append(actor=actor, action="worklog.week.save", object_type="person", object_id=person.pk,
                     detail={"week": week_start.isoformat(), "tasks": len(cleaned)})
    return plan


def _feed_weekly_completion(actor: User, person: CivilServant, year: int) -> None:
    if not library_for_year(year).filter(code=WEEKLY_COMPLETION_CODE).exists():
        return
    plans = WeeklyPlan.objects.filter(person=person, week_start__year=year)
    rates = [p.completion for p in plans if p.completion is not None]
    if rates:
        mean = round(sum(rates) / len(rates), 1)
        values_record(actor=actor, source="manual", batch=f"weekly-{person.pk}-{year}",
                      values=[ValueIn(person.pk, WEEKLY_COMPLETION_CODE, year, value=mean)])


def commitment_save(*, actor: User, year: int, tasks: Sequence[dict[str, Any]], reason: str = "") -> Commitment:
    """Draft (or redraft) the year's commitment; after approval a change is a new version needing a reason."""
    person = _own(actor)
    rows = [_task(t) for t in tasks]
    if not rows:
        raise ApplicationError(_("Commit to at least one task with a target and a deadline."), field="tasks")
    with transaction.atomic():
        current = Commitment.objects.select_for_update().filter(person=person, year=year, superseded=False).first()
        if current is not None and current.status != CommitmentStatus.DRAFT:
            if not reason.strip():
                raise ApplicationError(_("Say why the approved commitment must change (e.g. a policy change)."),
                                       field="reason")
            draft = Commitment.objects.filter(person=person, year=year, version=current.version + 1).first() or \
                Commitment(person=person, year=year, version=current.version + 1, superseded=True)
        else:
            draft = current or Commitment(person=person, year=year)
        draft.reason, draft.status = reason.strip(), CommitmentStatus.DRAFT
        draft.save()
        draft.tasks.all().delete()
        CommitmentTask.objects.bulk_create([CommitmentTask(commitment=draft, **row) for row in rows])
        audit_append(actor=actor, action="worklog.commitment.save", object_type="commitment", object_id=draft.pk,
                     detail={"year": year, "version": draft.version, "tasks": len(rows)})
    return draft


def _task(raw: dict[str, Any]) -> dict[str, Any]:
    try:
        start, deadline = dt.date.fromisoformat(str(raw["start"])), dt.date.fromisoformat(str(raw["deadline"]))
    except (KeyError, ValueError) as exc:
        raise ApplicationError(_("Each task needs a start and a deadline (YYYY-MM-DD)."), field="tasks") from exc
    if deadline < start or not str(raw.get("title", "")).strip() or not str(raw.get("target", "")).strip():
        raise ApplicationError(_("Each task needs a title, a target and a deadline after its start."), field="tasks")
    return {"title": str(raw["title"]).strip(), "target": str(raw["target"]).strip(), "start": start,
            "deadline": deadline}


def commitment_submit(*, actor: User, commitment: Commitment) -> Commitment:
    if commitment.person_id != actor.person_id or commitment.status != CommitmentStatus.DRAFT:
        raise PermissionDeniedError(_("Only your own draft commitment can be submitted."))
    with transaction.atomic():
        commitment.status = CommitmentStatus.SUBMITTED
        commitment.save(update_fields=["status"])
        audit_append(actor=actor, action="worklog.commitment.submit", object_type="commitment",
                     object_id=commitment.pk)
        notify(user_ids=holders_over(commitment.person.unit.path, Role.SUPERVISOR),
               title=_("Approve the commitment of %(name)s") % {"name": commitment.person.name},
               link="/work/team/")
    return commitment


def commitment_approve(*, actor: User | None, commitment: Commitment) -> Commitment:
    """Approve and publish; an approved revision replaces the version before it."""
    _supervises(actor, commitment.person)
    if commitment.status != CommitmentStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted commitment can be approved."))
    with transaction.atomic():
        Commitment.objects.filter(person=commitment.person, year=commitment.year, superseded=False).exclude(
            pk=commitment.pk).update(superseded=True)
        commitment.status, commitment.superseded = CommitmentStatus.APPROVED, False
        commitment.approved_by, commitment.approved_at = actor, timezone.now()
        commitment.save()
        audit_append(actor=actor, action="worklog.commitment.approve", object_type="commitment",
                     object_id=commitment.pk, detail={"version": commitment.version})
    return commitment


def task_progress(*, actor: User, task: CommitmentTask, progress: int) -> CommitmentTask:
    if task.commitment.person_id != actor.person_id:
        raise PermissionDeniedError(_("Only the person who committed reports its progress."))
    if not 0 <= progress <= 100:
        raise ApplicationError(_("Progress is a percentage from 0 to 100."), field="progress")
    with transaction.atomic():
        task.progress = progress
        task.save(update_fields=["progress"])
        audit_append(actor=actor, action="worklog.task.progress", object_type="task", object_id=task.pk,
                     detail={"progress": progress})
    return task


def ledger_write(*, actor: User | None, person: CivilServant, kind: str, text: str,
                 date: dt.date | None = None) -> LedgerEntry:
    """A ledger entry by the supervisor: notable work, a mistake, or the month's feedback."""
    _supervises(actor, person)
    if kind not in ("notable", "mistake", "feedback") or not text.strip():
        raise ApplicationError(_("Choose what kind of entry it is and write it."), field="text")
    with transaction.atomic():
        entry = LedgerEntry.objects.create(person=person, kind=kind, text=text.strip(), written_by=actor,
                                           date=date or timezone.localdate())
        audit_append(actor=actor, action="worklog.ledger.write", object_type="person", object_id=person.pk,
                     detail={"kind": kind})
    return entry


def special_task_create(*, actor: User | None, unit: Unit, title: str, target: str, start: dt.date,
                        deadline: dt.date, participants: Sequence[CivilServant]) -> SpecialTask:
    if actor is not None and not scope_for(actor, roles=[Role.APPRAISAL_OFFICE, Role.SUPERVISOR]).covers_path(
            unit.path):
        raise PermissionDeniedError(_("Only the office or a supervisor of %(unit)s sets its tasks.") % {
            "unit": unit.name})
    if deadline < start or not title.strip():
        raise ApplicationError(_("A special task needs a title and a deadline after its start."), field="deadline")
    with transaction.atomic():
        task = SpecialTask.objects.create(unit=unit, title=title.strip(), target=target.strip(), start=start,
                                          deadline=deadline)
        task.participants.set(participants)
        audit_append(actor=actor, action="worklog.special.create", object_type="special_task", object_id=task.pk)
    return task


def special_task_result(*, actor: User | None, task: SpecialTask, person: CivilServant, score: float) -> None:
    """Score one participant's work on the task (0–100); their 专项 component is the mean of the year's."""
    _supervises(actor, person)
    if not 0 <= score <= 100 or not task.participants.filter(pk=person.pk).exists():
        raise ApplicationError(_("Score a participant of the task from 0 to 100."), field="score")
    year = task.deadline.year
    with transaction.atomic():
        SpecialTaskResult.objects.update_or_create(person=person, year=year, task=task.title,
                                                   defaults={"score": score})
        mean = SpecialTaskResult.objects.filter(person=person, year=year).aggregate(m=Avg("score"))["m"]
        sheets_update(year, {person.pk: {"special": round(float(mean), 2)}})
        audit_append(actor=actor, action="worklog.special.result", object_type="person", object_id=person.pk,
                     detail={"task": task.pk, "score": score})
