"""Audited writes of leadership appraisal: democratic evaluations (office), 述职述廉 reports (the cadre),
the committee's grades, and the committee's interview records."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.messages import GRADES, UNIT_GRADES
from kaohe.appraisal.services import require_office_for
from kaohe.audit.services import audit_append
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.leadership import selectors
from kaohe.leadership.models import Assessed, CadreAppraisal, CadreKind, Interview, TeamAppraisal
from kaohe.leadership.rules import EXCELLENT, Proposal
from kaohe.leadership.rules import GRADES as GRADE_VALUES
from kaohe.org.models import CivilServant, Unit
from kaohe.units.models import UnitLeader

MIN_REASON = 4  # characters: "同意" is not a reason
MAX_REPORT = 20000
MAX_NOTES = 20000
MAX_TERM_YEARS = 10


def _require_committee(actor: User | None, unit: Unit) -> None:
    if actor is not None and not scope_for(actor, roles=[Role.COMMITTEE]).covers_path(unit.path):
        raise PermissionDeniedError(_("Only the appraisal committee over %(unit)s may decide this.")
                                    % {"unit": unit.name})


def _year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("The year must lie between 2000 and 2100."), field="year")


def _democratic(score: Decimal | str | int, raters: int) -> tuple[Decimal, int]:
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ApplicationError(_("The democratic score is a number from 0 to 100."), field="score") from exc
    if not Decimal(0) <= value <= Decimal(100):
        raise ApplicationError(_("The democratic score is a number from 0 to 100."), field="score")
    if isinstance(raters, bool) or not isinstance(raters, int) or not 1 <= raters <= 100000:
        raise ApplicationError(_("The number of raters is a whole number of at least 1."), field="raters")
    return value, raters


def _not_decided(appraisal: Assessed) -> None:
    if appraisal.decided_grade is not None:
        raise ApplicationError(_("The committee has already decided this appraisal; its inputs can no longer "
                                 "change."))


def _check_reason(grade: int, proposal: Proposal, reason: str, labels: Mapping[int, object]) -> str:
    text = reason.strip()
    if grade != proposal.grade and len(text) < MIN_REASON:
        if proposal.grade == 0:
            raise ApplicationError(_("There is no proposal to follow: give the reason for the grade."),
                                   field="reason")
        raise ApplicationError(_("Give the reason for deciding %(grade)s when the proposal is %(proposal)s.")
                               % {"grade": labels[grade], "proposal": labels[proposal.grade]}, field="reason")
    return text


def _decided(appraisal: Assessed, actor: User | None, grade: int, reason: str, proposal: Proposal) -> None:
    appraisal.decided_grade, appraisal.decision_reason = grade, reason
    appraisal.proposed_grade, appraisal.unit_grade = proposal.grade, proposal.from_unit or 0
    appraisal.decided_by, appraisal.decided_at = actor, timezone.now()
    appraisal.save(update_fields=["decided_grade", "decision_reason", "proposed_grade", "unit_grade", "decided_by",
                                  "decided_at"])


# Teams ----------------------------------------------------------------------------------------------------

def team_democratic_record(*, actor: User | None, unit: Unit, year: int, score: Decimal | str | int,
                           raters: int) -> TeamAppraisal:
    """The office records the team's democratic evaluation (mean 0–100 and number of raters) for the year."""
    require_office_for(actor, unit)
    _year(year)
    value, count = _democratic(score, raters)
    with transaction.atomic():
        appraisal, _created = TeamAppraisal.objects.select_for_update().get_or_create(unit=unit, year=year)
        _not_decided(appraisal)
        appraisal.democratic_score, appraisal.democratic_raters = value, count
        appraisal.save(update_fields=["democratic_score", "democratic_raters"])
        audit_append(actor=actor, action="leadership.team.democratic", object_type="unit", object_id=unit.pk,
                     detail={"year": year, "raters": count})
    return appraisal


def team_grade_decide(*, actor: User | None, unit: Unit, year: int, grade: int, reason: str = "") -> TeamAppraisal:
    """The committee grades the team (1 优秀 … 4 较差). A team of a unit graded 一般 or lower is never 优秀;
    a grade other than the proposal needs a reason."""
    _require_committee(actor, unit)
    _year(year)
    if grade not in GRADE_VALUES:
        raise ApplicationError(_("Choose 优秀, 良好, 一般 or 较差."), field="grade")
    with transaction.atomic():
        appraisal, _created = TeamAppraisal.objects.select_for_update().get_or_create(unit=unit, year=year)
        proposal = selectors.team_row(unit, year).proposal
        if grade == EXCELLENT and proposal.gated:
            raise ApplicationError(_("The leadership team cannot be 优秀: %(unit)s itself is graded %(grade)s in "
                                     "%(year)s, and a team of a unit graded 一般 or lower cannot be 优秀.")
                                   % {"unit": unit.name, "grade": UNIT_GRADES[proposal.from_unit or 0],
                                      "year": year}, field="grade")
        text = _check_reason(grade, proposal, reason, UNIT_GRADES)
        _decided(appraisal, actor, grade, text, proposal)
        audit_append(actor=actor, action="leadership.team.decide", object_type="unit", object_id=unit.pk,
                     detail={"year": year, "proposed": proposal.grade, "decided": grade,
                             "unit_grade": proposal.from_unit or 0})
    return appraisal


# Cadres ---------------------------------------------------------------------------------------------------

def cadre_appraisal_open(*, actor: User | None, leader: UnitLeader, kind: str, start_year: int,
                         end_year: int | None = None) -> CadreAppraisal:
    """The office opens a leading cadre's annual appraisal, or a term appraisal over start–end years, for a
    period the cadre was on the team."""
    unit = leader.unit
    require_office_for(actor, unit)
    if kind not in CadreKind.values:
        raise ApplicationError(_("Choose an annual or a term appraisal."), field="kind")
    end = start_year if kind == CadreKind.ANNUAL or end_year is None else end_year
    _year(start_year)
    _year(end)
    if kind == CadreKind.TERM and not start_year < end <= start_year + MAX_TERM_YEARS:
        raise ApplicationError(_("A term runs from a first year to a later last year, at most %(n)s years on.")
                               % {"n": MAX_TERM_YEARS}, field="end_year")
    if leader.start.year > end or (leader.end is not None and leader.end.year < start_year):
        raise ApplicationError(_("%(name)s was not on the leadership team of %(unit)s in %(start)s–%(end)s.")
                               % {"name": leader.person.name, "unit": unit.name, "start": start_year, "end": end},
                               field="start_year")
    with transaction.atomic():
        appraisal, created = CadreAppraisal.objects.get_or_create(leader=leader, kind=kind, start_year=start_year,
                                                                  end_year=end)
        if not created:
            raise ApplicationError(_("This appraisal of %(name)s is already open.") % {"name": leader.person.name})
        audit_append(actor=actor, action="leadership.cadre.open", object_type="cadre_appraisal",
                     object_id=appraisal.pk, detail={"leader_id": leader.pk, "person_id": leader.person_id,
                                                     "kind": kind, "start_year": start_year, "end_year": end})
    return appraisal


def _locked(appraisal: CadreAppraisal) -> CadreAppraisal:
    return CadreAppraisal.objects.select_for_update().select_related("leader__unit", "leader__person").get(
        pk=appraisal.pk)


def cadre_report_submit(*, actor: User, appraisal: CadreAppraisal, text: str) -> CadreAppraisal:
    """The cadre submits (or, until the decision, replaces) their own 述职述廉 report; stored encrypted."""
    person = appraisal.leader.person
    if actor.person_id != person.pk:
        raise PermissionDeniedError(_("Only %(name)s may submit their own 述职述廉 report.") % {"name": person.name})
    body = text.strip()
    if not body:
        raise ApplicationError(_("Write the report before submitting it."), field="report")
    if len(body) > MAX_REPORT:
        raise ApplicationError(_("The report may be at most %(n)s characters long.") % {"n": MAX_REPORT},
                               field="report")
    with transaction.atomic():
        locked = _locked(appraisal)
        _not_decided(locked)
        locked.report, locked.report_submitted_at = body, timezone.now()
        locked.save(update_fields=["report", "report_submitted_at"])
        audit_append(actor=actor, action="leadership.cadre.report", object_type="cadre_appraisal",
                     object_id=locked.pk, detail={"characters": len(body)})
    return locked


def cadre_democratic_record(*, actor: User | None, appraisal: CadreAppraisal, score: Decimal | str | int,
                            raters: int) -> CadreAppraisal:
    """The office records the cadre's democratic evaluation (mean 0–100 and number of raters)."""
    require_office_for(actor, appraisal.leader.unit)
    value, count = _democratic(score, raters)
    with transaction.atomic():
        locked = _locked(appraisal)
        _not_decided(locked)
        locked.democratic_score, locked.democratic_raters = value, count
        locked.save(update_fields=["democratic_score", "democratic_raters"])
        audit_append(actor=actor, action="leadership.cadre.democratic", object_type="cadre_appraisal",
                     object_id=locked.pk, detail={"raters": count})
    return locked


def cadre_grade_decide(*, actor: User | None, appraisal: CadreAppraisal, grade: int,
                       reason: str = "") -> CadreAppraisal:
    """The committee grades the cadre (1 优秀 … 4 不称职) once the 述职述廉 report is in. The head of a unit
    graded 一般 or lower is never 优秀 in the annual appraisal; a grade other than the proposal needs a reason."""
    unit = appraisal.leader.unit
    _require_committee(actor, unit)
    if grade not in GRADE_VALUES:
        raise ApplicationError(_("Choose 优秀, 称职, 基本称职 or 不称职."), field="grade")
    with transaction.atomic():
        locked = _locked(appraisal)
        if locked.report_submitted_at is None:
            raise ApplicationError(_("%(name)s has not submitted the 述职述廉 report yet.")
                                   % {"name": locked.leader.person.name})
        proposal = selectors.cadre_row(locked).proposal
        if grade == EXCELLENT and proposal.gated:
            raise ApplicationError(_("%(name)s cannot be 优秀: as head of %(unit)s, graded %(grade)s in %(year)s, "
                                     "the head of a unit graded 一般 or lower cannot be 优秀.")
                                   % {"name": locked.leader.person.name, "unit": unit.name,
                                      "grade": UNIT_GRADES[proposal.from_unit or 0], "year": locked.end_year},
                                   field="grade")
        text = _check_reason(grade, proposal, reason, GRADES)
        _decided(locked, actor, grade, text, proposal)
        audit_append(actor=actor, action="leadership.cadre.decide", object_type="cadre_appraisal",
                     object_id=locked.pk, detail={"kind": locked.kind, "proposed": proposal.grade, "decided": grade,
                                                  "unit_grade": proposal.from_unit or 0})
    return locked


# Interviews -----------------------------------------------------------------------------------------------

def interview_record(*, actor: User | None, unit: Unit, year: int, held_on: dt.date, notes: str,
                     interviewee: CivilServant | None = None, interviewee_text: str = "") -> Interview:
    """A committee member records an individual interview (个别谈话) about the unit's leadership: a civil
    servant on file or a typed name and position, the date, and the notes (both texts stored encrypted)."""
    selectors.interview_access(actor, unit, year)
    _year(year)
    if interviewee is not None and actor is not None and not scope_for(actor).covers_path(interviewee.unit.path):
        raise NotFoundError(_("No person with id %(id)s in your data scope.") % {"id": interviewee.pk},
                            field="interviewee")
    typed = interviewee_text.strip()
    if (interviewee is None) == (not typed):
        raise ApplicationError(_("Name the interviewee: a person on file, or a name and position typed in, "
                                 "not both."), field="interviewee")
    if held_on > timezone.localdate():
        raise ApplicationError(_("An interview cannot be recorded before it has been held."), field="held_on")
    body = notes.strip()
    if not body:
        raise ApplicationError(_("Write the notes of the interview."), field="notes")
    if len(body) > MAX_NOTES or len(typed) > 200:
        raise ApplicationError(_("The notes may be at most %(n)s characters long, the typed interviewee 200.")
                               % {"n": MAX_NOTES}, field="notes")
    with transaction.atomic():
        record = Interview.objects.create(unit=unit, year=year, interviewee=interviewee, interviewee_text=typed,
                                          held_on=held_on, notes=body, recorded_by=actor)
        audit_append(actor=actor, action="leadership.interview.record", object_type="interview", object_id=record.pk,
                     detail={"unit_id": unit.pk, "year": year, "held_on": held_on.isoformat(),
                             "interviewee_id": interviewee.pk if interviewee else None})
    return record
