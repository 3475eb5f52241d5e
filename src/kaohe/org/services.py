"""Writes of the organisation. Each checks the actor's scope, validates, writes and audits."""

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.services import audit_append, changes
from kaohe.core.crypto import provider
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.org.choices import SANCTION_MONTHS, PersonStatus, SanctionKind
from kaohe.org.idcard import validate_id_number
from kaohe.org.models import (
    Accountability,
    CivilServant,
    Department,
    Investigation,
    Leave,
    Position,
    Posting,
    ProtectedState,
    Sanction,
    Unit,
)
from kaohe.org.pinyin import pinyin_keys

R = TypeVar("R", bound=models.Model)
ID_CONTEXT = "org.civilservant.id_number"
PHONE_CONTEXT = "org.civilservant.phone"


def require_office_over(actor: User | None, unit: Unit) -> None:
    """The appraisal office (人事科) maintains people of the units in its scope."""
    if actor is None:
        return
    scope = scope_for(actor, roles=[Role.APPRAISAL_OFFICE])
    if not scope.covers_path(unit.path):
        raise PermissionDeniedError(_("Only the appraisal office of %(unit)s may change it.") % {"unit": unit.name})


def _full_clean(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(f"{field}: {' '.join(messages)}", field=field) from exc


def unit_create(*, actor: User | None, code: str, name: str, level: str, category: str = "",
                parent: Unit | None = None, name_en: str = "") -> Unit:
    if parent is not None:
        require_office_over(actor, parent)
    elif actor is not None:
        raise PermissionDeniedError(_("Only the system can create a root unit."))
    unit = Unit(code=code, name=name, name_en=name_en, level=level, category=category, parent=parent, path="/")
    _full_clean(unit)
    with transaction.atomic():
        unit.save()
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
        unit.save(update_fields=["path", "depth"])
        audit_append(actor=actor, action="org.unit.create", object_type="unit", object_id=unit.pk,
                     detail={"code": code, "name": name, "parent_id": parent.pk if parent else None})
    return unit


def department_create(*, actor: User | None, unit: Unit, name: str, name_en: str = "") -> Department:
    require_office_over(actor, unit)
    department = Department(unit=unit, name=name, name_en=name_en)
    _full_clean(department)
    with transaction.atomic():
        department.save()
        audit_append(actor=actor, action="org.department.create", object_type="department",
                     object_id=department.pk, detail={"unit_id": unit.pk, "name": name})
    return department


def position_create(*, actor: User | None, department: Department, name: str, difficulty: Any = "1.00",
                    is_risk_post: bool = False, is_leading: bool = False) -> Position:
    require_office_over(actor, department.unit)
    position = Position(department=department, name=name, difficulty=difficulty,
                        is_risk_post=is_risk_post, is_leading=is_leading)
    _full_clean(position)
    with transaction.atomic():
        position.save()
        audit_append(actor=actor, action="org.position.create", object_type="position", object_id=position.pk,
                     detail={"department_id": department.pk, "name": name, "difficulty": str(difficulty)})
    return position


def person_fill_derived(person: CivilServant) -> None:
    """Pinyin keys and blind indexes follow from the name, ID number and phone."""
    person.name_pinyin, person.name_initials = pinyin_keys(person.name)
    person.id_number_index = provider().blind_index(person.id_number, context=ID_CONTEXT)
    person.phone_index = provider().blind_index(person.phone, context=PHONE_CONTEXT) if person.phone else ""


def person_create(*, actor: User | None, unit: Unit, staff_no: str, name: str, gender: str,
                  birth_date: dt.date, id_number: str, hire_date: dt.date, post_level: str,
                  department: Department | None = None, position: Position | None = None,
                  phone: str = "", probation_end: dt.date | None = None) -> CivilServant:
    require_office_over(actor, unit)
    validate_id_number(id_number)
    if department is not None and department.unit_id != unit.pk:
        raise ApplicationError(_("The department does not belong to the unit."), field="department")
    person = CivilServant(unit=unit, department=department, position=position, staff_no=staff_no, name=name,
                          gender=gender, birth_date=birth_date, id_number=id_number.upper(), phone=phone,
                          hire_date=hire_date, post_level=post_level, probation_end=probation_end)
    person_fill_derived(person)
    if CivilServant.objects.filter(id_number_index=person.id_number_index).exists():
        raise ApplicationError(_("A person with this ID number already exists."), field="id_number")
    _full_clean(person)
    with transaction.atomic():
        person.save()
        Posting.objects.create(person=person, unit=unit, department=department, position=position,
                               start_date=hire_date)
        audit_append(actor=actor, action="org.person.create", object_type="person", object_id=person.pk,
                     detail={"staff_no": staff_no, "unit_id": unit.pk})
    return person


def person_transfer(*, actor: User | None, person: CivilServant, unit: Unit, on: dt.date,
                    department: Department | None = None, position: Position | None = None) -> Posting:
    """Move a person to another unit; the old posting is closed, so the history stays."""
    require_office_over(actor, person.unit)
    require_office_over(actor, unit)
    with transaction.atomic():
        current = Posting.objects.select_for_update().filter(person=person, end_date__isnull=True).first()
        if current is not None:
            if on <= current.start_date:
                raise ApplicationError(_("The transfer date must be after the current posting began."), field="on")
            current.end_date = on - dt.timedelta(days=1)
            current.save(update_fields=["end_date"])
        before = {"unit_id": person.unit_id, "department_id": person.department_id, "position_id": person.position_id}
        person.unit, person.department, person.position = unit, department, position
        person.save(update_fields=["unit", "department", "position"])
        posting = Posting.objects.create(person=person, unit=unit, department=department, position=position,
                                         start_date=on)
        after = {"unit_id": unit.pk, "department_id": person.department_id, "position_id": person.position_id}
        audit_append(actor=actor, action="org.person.transfer", object_type="person", object_id=person.pk,
                     detail=changes(before, after))
    return posting


def person_set_status(*, actor: User | None, person: CivilServant, status: str) -> None:
    require_office_over(actor, person.unit)
    if status not in PersonStatus.values:
        raise ApplicationError(_("Unknown status %(status)s.") % {"status": status}, field="status")
    with transaction.atomic():
        audit_append(actor=actor, action="org.person.status", object_type="person", object_id=person.pk,
                     detail=changes({"status": person.status}, {"status": status}))
        person.status = status
        person.save(update_fields=["status"])


def sanction_record(*, actor: User | None, person: CivilServant, kind: str, start_date: dt.date,
                    reason: str = "") -> Sanction:
    if kind not in SANCTION_MONTHS:
        raise ApplicationError(_("Unknown sanction %(kind)s.") % {"kind": kind}, field="kind")
    record = Sanction(person=person, kind=kind, start_date=start_date, months=SANCTION_MONTHS[SanctionKind(kind)],
                      reason=reason)
    return _record(actor, person, record, "org.sanction.record", {"kind": kind, "start_date": start_date.isoformat()})


def _record(actor: User | None, person: CivilServant, record: R, action: str, detail: dict[str, Any]) -> R:
    """Validate and save one personnel record of `person`, audited."""
    require_office_over(actor, person.unit)
    _full_clean(record)
    with transaction.atomic():
        record.save()
        audit_append(actor=actor, action=action, object_type="person", object_id=person.pk, detail=detail)
    return record


def accountability_record(*, actor: User | None, person: CivilServant, kind: str, date: dt.date,
                          reason: str = "") -> Accountability:
    record = Accountability(person=person, kind=kind, date=date, reason=reason)
    return _record(actor, person, record, "org.accountability.record", {"kind": kind, "date": date.isoformat()})


def leave_record(*, actor: User | None, person: CivilServant, kind: str, start_date: dt.date, end_date: dt.date,
                 days: int) -> Leave:
    if end_date < start_date:
        raise ApplicationError(_("The leave must end on or after its first day."), field="end_date")
    record = Leave(person=person, kind=kind, start_date=start_date, end_date=end_date, days=days)
    return _record(actor, person, record, "org.leave.record",
                   {"kind": kind, "start_date": start_date.isoformat(), "days": days})


def protected_state_record(*, actor: User | None, person: CivilServant, kind: str, start_date: dt.date,
                           end_date: dt.date | None = None) -> ProtectedState:
    record = ProtectedState(person=person, kind=kind, start_date=start_date, end_date=end_date)
    return _record(actor, person, record, "org.protected_state.record",
                   {"kind": kind, "start_date": start_date.isoformat()})


def investigation_record(*, actor: User | None, person: CivilServant, start_date: dt.date,
                         end_date: dt.date | None = None) -> Investigation:
    record = Investigation(person=person, start_date=start_date, end_date=end_date)
    return _record(actor, person, record, "org.investigation.record", {"start_date": start_date.isoformat()})
