"""One person's appraisal year as dated events (年度考核时间线): commitment, quarters, interviews, the
annual steps, 公示, notice and signature, review and appeal cases. Callers check the person is in the
reader's scope first (`org.selectors.person_get`)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.appeals.models import Case
from kaohe.appraisal.messages import GRADES
from kaohe.appraisal.models import Appraisal, Interview, Publication, QuarterGrade
from kaohe.worklog.models import Commitment

QUARTER_WORDS = {1: "好", 2: "较好", 3: "一般", 4: "较差"}


@dataclass(frozen=True)
class Event:
    """A dated step; `due` marks one still ahead (a deadline), not something that happened."""

    date: dt.date
    title: str
    detail: str = ""
    due: bool = False


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def person_year(person_id: int, year: int) -> list[Event]:
    """Every dated step of `year` for the person, oldest first."""
    events = [*_commitments(person_id, year), *_quarters(person_id, year), *_interviews(person_id, year)]
    appraisal = Appraisal.objects.filter(person_id=person_id, cycle__year=year).select_related("cycle").first()
    if appraisal is not None:
        events += [*_annual(appraisal), *_publication(appraisal), *_cases(appraisal)]
    return sorted(events, key=lambda e: e.date)


def _commitments(person_id: int, year: int) -> list[Event]:
    events = []
    for c in Commitment.objects.filter(person_id=person_id, year=year, approved_at__isnull=False):
        if c.approved_at:
            title = _("Performance commitment approved (version %(v)s)") % {"v": c.version}
            events.append(Event(_day(c.approved_at), title, c.reason))
    return events


def _quarters(person_id: int, year: int) -> list[Event]:
    events = []
    for q in QuarterGrade.objects.filter(person_id=person_id, year=year, graded_at__isnull=False):
        if q.graded_at is None:
            continue
        title = _("Q%(q)s graded %(grade)s") % {"q": q.quarter, "grade": QUARTER_WORDS.get(q.grade or 0, "—")}
        events.append(Event(_day(q.graded_at), title, q.comment))
        if q.feedback_seen_at:
            events.append(Event(_day(q.feedback_seen_at), _("Q%(q)s feedback read") % {"q": q.quarter}))
    return events


def _interviews(person_id: int, year: int) -> list[Event]:
    events = []
    for i in Interview.objects.filter(person_id=person_id, year=year):
        if i.done_at:
            events.append(Event(_day(i.done_at), _("Interview (约谈) held after Q%(q)s") % {"q": i.quarter}, i.plan))
        else:
            events.append(Event(i.due, _("Interview (约谈) due after Q%(q)s") % {"q": i.quarter}, due=True))
    return events


def _annual(a: Appraisal) -> list[Event]:
    events = []
    if a.decided_at:
        title = _("Grade decided: %(grade)s") % {"grade": GRADES.get(a.final_grade or 0, "—")}
        events.append(Event(_day(a.decided_at), title, a.override_reason))
    if a.notified_at:
        events.append(Event(_day(a.notified_at), _("Written notice issued")))
    if a.acknowledged_at:
        opinion = _("agrees") if a.agrees else _("does not agree")
        events.append(Event(_day(a.acknowledged_at), _("Notice signed: %(opinion)s") % {"opinion": opinion}))
    return events


def _publication(a: Appraisal) -> list[Event]:
    if a.committee_grade != 1:
        return []
    publication = Publication.objects.filter(cycle=a.cycle, unit_id=a.person.unit_id).first()
    if publication is None:
        return []
    return [Event(publication.start_date, _("公示 of the proposed 优秀 opens")),
            Event(publication.end_date, _("公示 ends"), due=publication.end_date >= timezone.localdate())]


def _cases(a: Appraisal) -> list[Event]:
    events = []
    for case in Case.objects.filter(appraisal=a):
        events.append(Event(case.filed_on, _("%(kind)s filed") % {"kind": case.get_kind_display()}))
        if case.decided_on:
            events.append(Event(case.decided_on, _("%(kind)s decided: %(outcome)s")
                                % {"kind": case.get_kind_display(), "outcome": case.outcome or "—"}))
        else:
            events.append(Event(case.decision_due, _("%(kind)s decision due") % {"kind": case.get_kind_display()},
                                due=True))
    return events
