"""The personal feedback notice (考核结果通知书): scores, lost points, strengths, weakest dimension,
improvement plan and signature lines, built from one result row and its explanation."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.analytics.pdf import NoticeData, notice_pdf
from kaohe.appraisal.messages import CONSEQUENCE_WORDS, DIMENSION_WORDS, GATES, GRADES, NON_GRADES, explanation_text
from kaohe.appraisal.results import CONSEQUENCES
from kaohe.engine.codes import DIMENSIONS, Gate
from kaohe.engine.explain import Explanation
from kaohe.org.choices import PostLevel

NOTICE_FIELDS = ("person_id", "group_id", "composite", "regular", "annual", "special", "dim_de", "dim_neng",
                 "dim_qin", "dim_ji", "dim_lian", "grade", "non_grade", "gates", "consequences", "weakest_dimension",
                 "promotion_freeze_months", "rank", "pool_quota")
PLANS = {
    "de": gettext_lazy("Study the rules of conduct and political theory every month and talk it over with your "
                       "supervisor each quarter."),
    "neng": gettext_lazy("Agree a training plan with your supervisor: courses, practice on the job and a check of "
                         "progress each quarter."),
    "qin": gettext_lazy("Plan each week's work and close it at the week's end (周清月结); keep the work log "
                        "every day."),
    "ji": gettext_lazy("Break this year's targets into monthly milestones and review them with your supervisor every "
                       "month."),
    "lian": gettext_lazy("Review the rules on probity with the discipline inspector and declare any conflict of "
                         "interest in writing."),
}


@dataclass(frozen=True)
class Addressee:
    name: str
    unit: str
    department: str
    post_level: str


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _grade_line(row: dict[str, Any], year: int) -> str:
    if row["non_grade"]:
        return _("Appraisal %(year)s: %(code)s (no grade this year).") % {"year": year,
                                                                          "code": NON_GRADES[row["non_grade"]]}
    return _("Appraisal %(year)s: proposed grade %(grade)s, composite score %(score)s points (out of 100).") % {
        "year": year, "grade": GRADES[row["grade"]], "score": _points(row["composite"])}


def _strengths(own: Sequence[float | None], unit: Sequence[float | None]) -> list[str]:
    gaps = [(o - u, d, o) for d, o, u in zip(DIMENSIONS, own, unit, strict=True) if o is not None and u is not None]
    best = sorted((g for g in gaps if g[0] > 0), reverse=True)[:2]
    if not best:
        return [_("No dimension is above your unit's mean this year.")]
    return [_("%(dimension)s: %(score)s points, %(gap)s above your unit's mean.") % {
        "dimension": DIMENSION_WORDS[d], "score": _points(o), "gap": _points(g)} for g, d, o in best]


def _plan(row: dict[str, Any]) -> list[str]:
    weakest = row["weakest_dimension"]
    plan = []
    if weakest is not None and weakest >= 0:
        plan.append(_("Weakest dimension: %(dimension)s.") % {"dimension": DIMENSION_WORDS[DIMENSIONS[weakest]]})
        plan.append(str(PLANS[DIMENSIONS[weakest]]))
    if row["grade"] == 3:
        plan.append(_("Write a self-examination and carry out a 3-month improvement plan (诫勉); your supervisor "
                      "reviews it at the end."))
    if row["grade"] == 4:
        plan.append(_("An improvement plan is agreed with your supervisor; the result leads to demotion by one level."))
    return plan or [_("Keep up the present standard and share your practice with colleagues.")]


def _consequences(row: dict[str, Any]) -> list[str]:
    words = [str(CONSEQUENCE_WORDS[name]) for i, name in enumerate(CONSEQUENCES) if row["consequences"] >> i & 1]
    words += [_("Gate to 优秀 not passed: %(gate)s") % {"gate": GATES[i] if i < len(GATES) else Gate(i).code}
              for i in range(len(Gate)) if row["gates"] >> i & 1]
    if row["promotion_freeze_months"]:
        words.append(_("No promotion for %(months)s months.") % {"months": row["promotion_freeze_months"]})
    return words


def notice_data(*, row: dict[str, Any], person: Addressee, unit_means: Sequence[float | None], cycle_name: str,
                year: int, version: int, explanation: Explanation | None) -> NoticeData:
    """The words and numbers of one notice, in the active language."""
    own = [row[f"dim_{d}"] for d in DIMENSIONS]
    scores = [(str(_("Composite")), _points(row["composite"]), ""),
              (str(_("平时 (quarters)")), _points(row["regular"]), ""),
              (str(_("年度 (annual)")), _points(row["annual"]), ""),
              (str(_("专项 (special tasks)")), _points(row["special"]), "")]
    scores += [(str(DIMENSION_WORDS[d]), _points(o), _points(u)) for d, o, u in zip(DIMENSIONS, own, unit_means,
                                                                                      strict=True)]
    lost = [explanation_text(item) for item in explanation.items] if explanation is not None else []
    level = str(PostLevel(person.post_level).label) if person.post_level in PostLevel.values else person.post_level
    return NoticeData(
        title=_("Notice of the annual appraisal result"), name=_("To: %(name)s") % {"name": person.name},
        facts=[(_("Unit"), person.unit), (_("Department"), person.department or "—"), (_("Post level"), level),
               (_("Appraisal cycle"), f"{cycle_name} · v{version}")],
        scores=scores, score_headers=(_("Item"), _("Your score"), _("Unit mean")),
        grade_line=_grade_line(row, year),
        lost_points_title=_("Where points were lost"), lost_points=lost,
        strengths_title=_("Strengths"), strengths=_strengths(own, unit_means),
        plan_title=_("Improvement plan"), plan=_plan(row),
        consequences_title=_("What follows from this result"), consequences=_consequences(row),
        signatures=[_("Opinion of the person: ______________________________"),
                    _("Signature of the person: ____________   Date: ____________"),
                    _("Signature of the supervisor: ____________   Date: ____________"),
                    _("Seal of the organ (unit): ____________")],
        footer=_("You may ask for a review (复核) within the deadline of your appraisal scheme; the result stays in "
                 "force meanwhile."),
    )


def render_notice(**kwargs: Any) -> bytes:
    return notice_pdf(notice_data(**kwargs))
