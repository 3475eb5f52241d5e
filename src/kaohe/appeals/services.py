"""Review and appeal per the scheme's profile (公务员考核规定, 公务员申诉规定; DOMAIN.md "Workflow").

Statutory profile: 不称职 may ask for review (复核) within 30 days of the notice, decided in 30; then
appeal (申诉) within 15 days of the review decision (or 30 days directly), decided in 60. Other
grades raise an objection (异议). Plan profile: every grade may ask for review within 10 working days,
decided in 20 days. Deadlines are the scheme's settings, counted with the working-day calendar.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import holders_over, scope_for
from kaohe.appeals.models import Case, CaseKind, CaseStatus, Waiver, WaiverMaterial, WaiverStatus
from kaohe.appraisal.models import Appraisal
from kaohe.appraisal.scoring import scheme_category
from kaohe.audit.services import audit_append
from kaohe.core.calendar import unknown_year_message, work_calendar
from kaohe.core.crypto import provider
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.notify import notify
from kaohe.engine.calendar import UnknownYear, due_after
from kaohe.engine.policy import Deadline
from kaohe.indicators.models import Indicator
from kaohe.org.models import CivilServant, Unit

INCOMPETENT = 4


def _snapshot(appraisal: Appraisal) -> dict[str, Any]:
    """The frozen scheme the person was appraised under."""
    unit = appraisal.person.unit
    category = scheme_category(unit.level, unit.category)
    schemes = appraisal.cycle.schemes
    snapshot: dict[str, Any] = schemes.get(category) or next(iter(schemes.values()))
    return snapshot


def _deadline(appraisal: Appraisal, key: str) -> Deadline:
    raw = _snapshot(appraisal)["settings"]["policy"]["deadlines"][key]
    return Deadline(int(raw["n"]), raw["unit"], raw["start"])


def _due(event: dt.date, deadline: Deadline, roll: bool = True) -> dt.date:
    try:
        return due_after(work_calendar(), event, deadline.n, working=deadline.unit == "working", roll_forward=roll)
    except UnknownYear as error:
        raise ApplicationError(unknown_year_message(error)) from error


def allowed_kind(appraisal: Appraisal, wanted: str) -> str:
    """What the person may file: by the statutory profile, review/appeal only against 不称职."""
    profile = _snapshot(appraisal)["profile"]
    if wanted in (CaseKind.REVIEW, CaseKind.APPEAL) and profile == "statutory" and \
            appraisal.final_grade != INCOMPETENT:
        return CaseKind.OBJECTION
    return wanted


def case_file(*, actor: User, appraisal: Appraisal, kind: str, grounds: str, earlier: Case | None = None) -> Case:
    """File a case; refused when late, with the deadline named. The decision stays in force meanwhile."""
    if actor.person_id != appraisal.person_id:
        raise PermissionDeniedError(_("Only the person appraised files a review or appeal of their result."))
    if appraisal.notified_at is None:
        raise ApplicationError(_("There is no decided result to contest yet."))
    if len(grounds.strip()) < 10:
        raise ApplicationError(_("Give your grounds (10 characters or more)."), field="grounds")
    kind = allowed_kind(appraisal, kind)
    event = earlier.decided_on if (kind == CaseKind.APPEAL and earlier and earlier.decided_on) else \
        timezone.localtime(appraisal.notified_at).date()
    key = {"review": "review_request", "objection": "review_request",
           "appeal": "appeal_after_review" if earlier else "appeal_direct"}[kind]
    filing_deadline = _due(event, _deadline(appraisal, key))
    today = timezone.localdate()
    if today > filing_deadline:
        raise ApplicationError(_("The time to file ended on %(date)s.") % {"date": filing_deadline.isoformat()})
    decision_key = "appeal_decision" if kind == CaseKind.APPEAL else "review_decision"
    with transaction.atomic():
        case = Case.objects.create(kind=kind, appraisal=appraisal, earlier=earlier, grounds=grounds.strip(),
                                   filed_on=today, filing_deadline=filing_deadline, filed_by=actor,
                                   decision_due=_due(today, _deadline(appraisal, decision_key)))
        audit_append(actor=actor, action="appeals.case.file", object_type="case", object_id=case.pk,
                     detail={"kind": kind, "appraisal_id": appraisal.pk})
        notify(user_ids=holders_over(appraisal.person.unit.path, Role.APPRAISAL_OFFICE),
               title=_("A %(kind)s was filed by %(name)s") % {"kind": case.get_kind_display(),
                                                               "name": appraisal.person.name},
               link=f"/appeals/{case.pk}/", due=case.decision_due)
    return case


def _require(actor: User | None, role: str, case: Case) -> None:
    if actor is not None and not scope_for(actor, roles=[role]).covers_path(case.appraisal.person.unit.path):
        raise PermissionDeniedError(_("Your role does not allow this step of the case."))


def case_accept(*, actor: User | None, case: Case, members: list[User]) -> Case:
    """Accept the case and form its committee: an odd number of members, none of them the appellant."""
    _require(actor, Role.APPRAISAL_OFFICE, case)
    if case.status != CaseStatus.FILED:
        raise ApplicationError(_("This case has already been accepted or closed."))
    if len(members) % 2 == 0 or any(m.person_id == case.appraisal.person_id for m in members):
        raise ApplicationError(_("A case committee has an odd number of members and never the appellant."),
                               field="members")
    with transaction.atomic():
        case.status = CaseStatus.ACCEPTED
        case.save(update_fields=["status"])
        case.committee.set(members)
        audit_append(actor=actor, action="appeals.case.accept", object_type="case", object_id=case.pk,
                     detail={"members": [m.pk for m in members]})
        notify(user_ids=[m.pk for m in members], title=_("Decide a case by %(date)s") % {
            "date": case.decision_due.isoformat()}, link=f"/appeals/{case.pk}/", due=case.decision_due)
    return case


def case_decide(*, actor: User | None, case: Case, outcome: str, decision: str, new_grade: int | None = None) -> Case:
    """Uphold or change. A change may only improve the grade; it re-scores the cycle with the appellant's
    grade as a floor, and the new grade becomes final."""
    if actor is not None and not case.committee.filter(pk=actor.pk).exists():
        raise PermissionDeniedError(_("Only a member of the case committee records its decision."))
    if case.status != CaseStatus.ACCEPTED:
        raise ApplicationError(_("Accept the case and form its committee first."))
    if outcome not in ("upheld", "changed") or not decision.strip():
        raise ApplicationError(_("Choose upheld or changed and write the reasons."), field="outcome")
    current = case.appraisal.final_grade or INCOMPETENT
    if outcome == "changed" and (new_grade is None or not 1 <= new_grade < current):
        raise ApplicationError(_("A changed decision must give a better grade than %(grade)s; an appeal never "
                                 "worsens a result.") % {"grade": current}, field="new_grade")
    with transaction.atomic():
        case.status, case.outcome, case.decision = CaseStatus.DECIDED, outcome, decision.strip()
        case.new_grade, case.decided_on = new_grade if outcome == "changed" else None, timezone.localdate()
        case.save()
        if outcome == "changed":
            _apply_change(case, new_grade or current)
        audit_append(actor=actor, action="appeals.case.decide", object_type="case", object_id=case.pk,
                     detail={"outcome": outcome, "new_grade": case.new_grade})
        notify(user_ids=User.objects.filter(person_id=case.appraisal.person_id).values_list("id", flat=True),
               title=_("Your case has been decided"), link=f"/appeals/{case.pk}/")
    return case


def _apply_change(case: Case, grade: int) -> None:
    from kaohe.appraisal.history import history_record
    from kaohe.appraisal.tasks import scoring_run_start

    appraisal = Appraisal.objects.select_for_update(of=("self",)).select_related("cycle", "person").get(
        pk=case.appraisal_id)
    appraisal.final_grade = grade
    appraisal.save(update_fields=["final_grade"])
    if appraisal.acknowledged_at is not None:
        history_record(appraisal)
    cycle = appraisal.cycle
    current = cycle.runs.filter(is_current=True).first()
    # The re-run is the system's consequence of the decision (recorded above), not a member's own action.
    scoring_run_start(actor=None, cycle=cycle, as_of=dt.date(cycle.year, 12, 31),
                      reason=f"case {case.pk}: {case.get_kind_display()}", floor_run=current,
                      floor_people=[appraisal.person_id])


def overdue(case: Case, today: dt.date | None = None) -> bool:
    return case.status in (CaseStatus.FILED, CaseStatus.ACCEPTED) and case.decision_due < (today or
                                                                                         timezone.localdate())


# Fault tolerance (容错免责) ------------------------------------------------------------------------------

MATERIAL_MAX_BYTES = 10 * 1024 * 1024
MATERIAL_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ofd", ".txt")
MATERIAL_CONTEXT = "appeals.waivermaterial.content"
THREE_DISTINCTIONS = ("trial_not_defiance", "exploration_not_prohibited", "public_not_private")


def waiver_file(*, actor: User, year: int, indicator_code: str, account: str, person: CivilServant | None = None,
                unit: Unit | None = None, materials: Sequence[tuple[str, bytes]] = ()) -> Waiver:
    """Apply to waive the deduction on one indicator of `year`: the person for themselves, or the
    appraisal office for a person or unit in its scope. Materials are stored encrypted."""
    subject_unit = person.unit if person is not None else unit
    if subject_unit is None or (person is not None and unit is not None):
        raise ApplicationError(_("Name either a person or a unit."))
    own = person is not None and actor.person_id == person.pk
    if not own and not scope_for(actor, roles=[Role.APPRAISAL_OFFICE]).covers_path(subject_unit.path):
        raise PermissionDeniedError(_("You may apply for yourself, or as the appraisal office over the subject."))
    if not Indicator.objects.filter(code=indicator_code, year_from__lte=year).filter(
            Q(year_to__isnull=True) | Q(year_to__gte=year)).exists():
        raise ApplicationError(_("There is no indicator %(code)s in %(year)s.") % {"code": indicator_code,
                                                                                  "year": year}, field="indicator")
    if len(account.strip()) < 20:
        raise ApplicationError(_("Describe what happened and why (20 characters or more)."), field="account")
    _check_materials(materials)
    with transaction.atomic():
        waiver = Waiver.objects.create(person=person, unit=unit, year=year, indicator_code=indicator_code,
                                       account=account.strip(), filed_by=actor, filed_on=timezone.localdate())
        for name, content in materials:
            WaiverMaterial.objects.create(waiver=waiver, name=name[:120], size=len(content),
                                          content=provider().encrypt_bytes(content, context=MATERIAL_CONTEXT))
        audit_append(actor=actor, action="appeals.waiver.file", object_type="waiver", object_id=waiver.pk,
                     detail={"year": year, "indicator": indicator_code, "materials": len(materials)})
        notify(user_ids=holders_over(subject_unit.path, Role.DISCIPLINE), link=f"/waivers/{waiver.pk}/",
               title=_("容错免责 application for %(name)s") % {"name": waiver.subject_name})
    return waiver


def _check_materials(materials: Sequence[tuple[str, bytes]]) -> None:
    for name, content in materials:
        if not name.lower().endswith(MATERIAL_TYPES):
            raise ApplicationError(_("%(name)s: attach PDF, OFD, image, Word, Excel or text files.") % {"name": name},
                                   field="materials")
        if len(content) > MATERIAL_MAX_BYTES:
            raise ApplicationError(_("%(name)s is larger than 10 MB.") % {"name": name}, field="materials")


def waiver_decide(*, actor: User | None, waiver: Waiver, findings: Mapping[str, bool], approve: bool, share: int,
                  decision: str) -> Waiver:
    """Discipline inspection decides. Approval needs all three "三个区分开来" findings and a share of
    1–100%; either way the reasons are written. It takes effect at the next scoring run."""
    if actor is not None and not scope_for(actor, roles=[Role.DISCIPLINE]).covers_path(waiver.subject_unit.path):
        raise PermissionDeniedError(_("Only discipline inspection over the subject decides a waiver."))
    if len(decision.strip()) < 10:
        raise ApplicationError(_("Write the reasons for the decision (10 characters or more)."), field="decision")
    if approve and not all(findings.get(name) for name in THREE_DISTINCTIONS):
        raise ApplicationError(_("A waiver is approved only when all three distinctions (三个区分开来) hold."),
                               field="findings")
    if approve and not 1 <= share <= 100:
        raise ApplicationError(_("Waive between 1% and 100% of the deduction."), field="share")
    with transaction.atomic():
        locked = Waiver.objects.select_for_update().get(pk=waiver.pk)
        if locked.status != WaiverStatus.FILED:
            raise ApplicationError(_("This application has already been decided."))
        for name in THREE_DISTINCTIONS:
            setattr(locked, name, bool(findings.get(name)))
        locked.status = WaiverStatus.APPROVED if approve else WaiverStatus.REJECTED
        locked.share = share if approve else None
        locked.decision, locked.decided_by, locked.decided_on = decision.strip(), actor, timezone.localdate()
        locked.save()
        audit_append(actor=actor, action="appeals.waiver.decide", object_type="waiver", object_id=locked.pk,
                     detail={"status": locked.status, "share": locked.share,
                             **{name: bool(findings.get(name)) for name in THREE_DISTINCTIONS}})
        if locked.filed_by_id:
            notify(user_ids=[locked.filed_by_id], link=f"/waivers/{locked.pk}/",
                   title=_("Your 容错免责 application was decided: %(status)s") % {"status": locked.status})
    return locked



def waiver_material_read(*, actor: User, material: WaiverMaterial) -> bytes:
    """The decrypted file, for someone who may see the waiver; every read is audited."""
    with transaction.atomic():
        audit_append(actor=actor, action="appeals.waiver.material_read", object_type="waiver",
                     object_id=material.waiver_id, detail={"material": material.pk})
    return provider().decrypt_bytes(bytes(material.content), context=MATERIAL_CONTEXT)
