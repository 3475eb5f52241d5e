"""Quarterly 平时考核: self-summary → supervisor's grade (好 capped, with slots left) → feedback; two
consecutive quarters below standard open an interview (约谈) with a help plan."""

import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import holders_over, scope_for
from kaohe.appraisal.models import Interview, QuarterGrade
from kaohe.audit.services import audit_append
from kaohe.collection.sheets import sheets_update
from kaohe.core.calendar import work_calendar
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.core.notify import notify
from kaohe.engine.calendar import due_after
from kaohe.indicators.models import Scheme
from kaohe.org.models import CivilServant, Unit

GOOD, BELOW_STANDARD = 1, 3  # grades: 1 好, 2 较好, 3 一般, 4 较差; 一般 and 较差 are below standard
DEFAULT_GOOD_CAP = Decimal(40)
INTERVIEW_WORKING_DAYS = 10


def _period(year: int, quarter: int) -> None:
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise ApplicationError(_("A quarter is 1–4 of a year between 2000 and 2100."), field="quarter")


def good_cap(year: int) -> Decimal:
    """The scheme's cap on 好 in percent (policy `good_quarter_cap`, default 40)."""
    scheme = Scheme.objects.filter(year=year, status="active").first()
    if scheme is None:
        return DEFAULT_GOOD_CAP
    return Decimal(str(scheme.settings.get("policy", {}).get("good_quarter_cap", DEFAULT_GOOD_CAP)))


def good_slots_left(unit: Unit, year: int, quarter: int) -> int:
    """How many more 好 the unit's supervisors may give this quarter."""
    people = CivilServant.objects.filter(unit=unit, status="active").count()
    allowed = math.floor(people * good_cap(year) / 100)
    given = QuarterGrade.objects.filter(person__unit=unit, year=year, quarter=quarter, grade=GOOD).count()
    return max(0, allowed - given)


def quarter_summary_submit(*, actor: User, year: int, quarter: int, text: str) -> QuarterGrade:
    _period(year, quarter)
    if actor.person_id is None:
        raise PermissionDeniedError(_("Your account is not linked to a civil servant record."))
    if len(text.strip()) < 10:
        raise ApplicationError(_("Write what you did this quarter (10 characters or more)."), field="summary")
    with transaction.atomic():
        record, _created = QuarterGrade.objects.select_for_update().get_or_create(
            person_id=actor.person_id, year=year, quarter=quarter)
        if record.grade is not None:
            raise ApplicationError(_("This quarter has already been graded."))
        record.summary = text.strip()
        record.save()
        audit_append(actor=actor, action="appraisal.quarter.summary", object_type="person",
                     object_id=actor.person_id, detail={"year": year, "quarter": quarter})
        person = CivilServant.objects.select_related("unit").get(pk=actor.person_id)
        notify(user_ids=holders_over(person.unit.path, Role.SUPERVISOR),
               title=_("Grade %(name)s for %(year)s Q%(q)s") % {"name": person.name, "year": year, "q": quarter},
               link=f"/appraisal/quarters/{year}/{quarter}/")
    return record


def quarter_grade(*, actor: User | None, person: CivilServant, year: int, quarter: int, grade: int,
                  comment: str = "", performance: int | None = None, potential: int | None = None) -> QuarterGrade:
    """The supervisor grades a quarter; 好 only while slots are left; the grade feeds scoring."""
    _period(year, quarter)
    if actor is not None and not scope_for(actor, roles=[Role.SUPERVISOR]).covers_path(person.unit.path):
        raise PermissionDeniedError(_("Only a supervisor of %(unit)s grades its people.") % {"unit": person.unit.name})
    if grade not in (1, 2, 3, 4):
        raise ApplicationError(_("Choose 好, 较好, 一般 or 较差."), field="grade")
    for field, rating in (("performance", performance), ("potential", potential)):
        if rating not in (None, 1, 2, 3):
            raise ApplicationError(_("Rate 业绩 and 潜力 1 (low), 2 (medium) or 3 (high)."), field=field)
    with transaction.atomic():
        Unit.objects.select_for_update().get(pk=person.unit_id)  # one grader at a time per unit (the cap)
        record, _created = QuarterGrade.objects.get_or_create(person=person, year=year, quarter=quarter)
        if grade == GOOD and record.grade != GOOD and good_slots_left(person.unit, year, quarter) <= 0:
            raise ApplicationError(_("No 好 left this quarter: at most %(cap)s%% of the unit may be rated 好.") % {
                "cap": good_cap(year)}, field="grade")
        record.grade, record.comment, record.graded_by, record.graded_at = grade, comment, actor, timezone.now()
        record.performance, record.potential = performance, potential
        record.save()
        sheets_update(year, {person.pk: {f"q{quarter}": float(grade)}})
        audit_append(actor=actor, action="appraisal.quarter.grade", object_type="person", object_id=person.pk,
                     detail={"year": year, "quarter": quarter, "grade": grade})
        notify(user_ids=User.objects.filter(person=person).values_list("id", flat=True),
               title=_("Your %(year)s Q%(q)s result and feedback") % {"year": year, "q": quarter},
               link="/appraisal/mine/")
        _interview_if_needed(person, year, quarter, grade)
    return record


def _interview_if_needed(person: CivilServant, year: int, quarter: int, grade: int) -> None:
    if grade < BELOW_STANDARD:
        return
    previous_year, previous_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    earlier = QuarterGrade.objects.filter(person=person, year=previous_year, quarter=previous_quarter).first()
    if earlier is None or earlier.grade is None or earlier.grade < BELOW_STANDARD:
        return
    due = due_after(work_calendar(), timezone.localdate(), INTERVIEW_WORKING_DAYS, working=True)
    Interview.objects.get_or_create(person=person, year=year, quarter=quarter, defaults={"due": due})
    notify(user_ids=holders_over(person.unit.path, Role.SUPERVISOR),
           title=_("Interview %(name)s: two quarters below standard") % {"name": person.name},
           link="/appraisal/interviews/", due=due)


def interview_record(*, actor: User | None, interview: Interview, plan: str) -> Interview:
    if actor is not None and not scope_for(actor, roles=[Role.SUPERVISOR]).covers_path(interview.person.unit.path):
        raise PermissionDeniedError(_("Only the person's supervisor records the interview."))
    if len(plan.strip()) < 10:
        raise ApplicationError(_("Write the help plan agreed in the interview."), field="plan")
    with transaction.atomic():
        interview.plan, interview.done_at = plan.strip(), timezone.now()
        interview.save(update_fields=["plan", "done_at"])
        audit_append(actor=actor, action="appraisal.interview.record", object_type="person",
                     object_id=interview.person_id)
    return interview


def feedback_seen(*, actor: User, record: QuarterGrade) -> None:
    if actor.person_id != record.person_id:
        raise PermissionDeniedError(_("Only the person reads their own feedback."))
    QuarterGrade.objects.filter(pk=record.pk, feedback_seen_at__isnull=True).update(feedback_seen_at=timezone.now())
