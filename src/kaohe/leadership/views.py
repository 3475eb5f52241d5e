"""Pages of leadership appraisal: the cycle's teams, one team with its cadres, a cadre's appraisal (the
cadre writes the 述职述廉 report there), the committee's interviews, and the results analysis with export."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.messages import GRADES, UNIT_GRADES
from kaohe.appraisal.models import Cycle
from kaohe.appraisal.selectors import cycle_get, cycles_visible
from kaohe.audit.services import audit_append
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.leadership import rules, selectors, services
from kaohe.leadership.export import analysis_workbook
from kaohe.leadership.models import CadreKind
from kaohe.org import selectors as org_selectors
from kaohe.org.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value: str | None, field: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError as exc:
        raise ApplicationError(_("%(field)s must be a whole number.") % {"field": field}, field=field) from exc


def _attempt(request: AuthedRequest, action: Callable[[], object], done: str) -> None:
    """Run a service; a refusal of the role or scope is the page's status, any other refusal a message."""
    try:
        action()
    except (PermissionDeniedError, NotFoundError):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


def _holds(request: AuthedRequest, role: str, unit: Unit) -> bool:
    return scope_for(request.user, roles=[role]).covers_path(unit.path)


def _require_reader(request: AuthedRequest) -> None:
    if not scope_for(request.user, roles=selectors.READER_ROLES).unit_paths:
        raise PermissionDeniedError(_("Only the appraisal office, the committee and discipline inspectors read "
                                      "leadership appraisal."))


def _cycle_unit(request: AuthedRequest, cycle_id: int, unit_id: int) -> tuple[Cycle, Unit]:
    cycle = cycle_get(request.user, cycle_id)
    unit = org_selectors.unit_get(request.user, unit_id)
    if not unit.path.startswith(cycle.root.path):
        raise NotFoundError(_("%(unit)s is not appraised in %(cycle)s.") % {"unit": unit.name, "cycle": cycle.name})
    return cycle, unit


# Teams ----------------------------------------------------------------------------------------------------

@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """Cycles to open, and the caller's own appraisals as a leading cadre."""
    reader = bool(scope_for(request.user, roles=selectors.READER_ROLES).unit_paths)
    context = {"cycles": cycles_visible(request.user) if reader else [], "reader": reader,
               "mine": selectors.my_cadre_appraisals(request.user), "grades": GRADES}
    return render(request, "leadership/index.html", context)


@login_required
def cycle_teams(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    _require_reader(request)
    cycle = cycle_get(request.user, cycle_id)
    context = {"cycle": cycle, "teams": selectors.team_rows(request.user, cycle), "unit_grades": UNIT_GRADES}
    return render(request, "leadership/cycle.html", context)


@login_required
def team(request: AuthedRequest, cycle_id: int, unit_id: int) -> HttpResponse:
    cycle, unit = _cycle_unit(request, cycle_id, unit_id)
    row = selectors.team_get(request.user, unit, cycle.year)
    context: dict[str, Any] = {
        "cycle": cycle, "unit": unit, "row": row, "unit_grades": UNIT_GRADES, "grades": GRADES,
        "grade_choices": [(g, UNIT_GRADES[g]) for g in rules.GRADES],
        "leaders": selectors.leaders_in_year(unit, cycle.year),
        "cadres": selectors.cadres_of_team(request.user, unit, cycle.year), "kinds": CadreKind.choices,
        "is_office": _holds(request, Role.APPRAISAL_OFFICE, unit),
        "is_committee": _holds(request, Role.COMMITTEE, unit),
    }
    return render(request, "leadership/team.html", context)


@login_required
@require_POST
def team_act(request: AuthedRequest, cycle_id: int, unit_id: int) -> HttpResponse:
    """The team page's forms: the democratic evaluation, the committee's grade, opening a cadre's appraisal."""
    cycle, unit = _cycle_unit(request, cycle_id, unit_id)
    selectors.team_get(request.user, unit, cycle.year)
    post, action = request.POST, request.POST.get("action", "")
    if action == "democratic":
        _attempt(request, lambda: services.team_democratic_record(
            actor=request.user, unit=unit, year=cycle.year, score=post.get("score", "").strip(),
            raters=_int(post.get("raters"), "raters")), _("The democratic evaluation was recorded."))
    elif action == "decide":
        _attempt(request, lambda: services.team_grade_decide(
            actor=request.user, unit=unit, year=cycle.year, grade=_int(post.get("grade"), "grade"),
            reason=post.get("reason", "")), _("The team's grade was decided."))
    elif action == "open":
        leader = selectors.leaders_in_year(unit, cycle.year).filter(pk=_int(post.get("leader"), "leader")).first()
        if leader is None:
            raise NotFoundError(_("That person is not on the leadership team this year."), field="leader")
        end = post.get("end_year", "").strip()
        _attempt(request, lambda: services.cadre_appraisal_open(
            actor=request.user, leader=leader, kind=post.get("kind", ""),
            start_year=_int(post.get("start_year") or str(cycle.year), "start_year"),
            end_year=_int(end, "end_year") if end else None), _("The appraisal was opened."))
    else:
        raise ApplicationError(_("Unknown action."))
    return redirect("leadership:team", cycle_id=cycle.pk, unit_id=unit.pk)


# Cadres ---------------------------------------------------------------------------------------------------

@never_cache
@login_required
def cadre(request: AuthedRequest, appraisal_id: int) -> HttpResponse:
    row = selectors.cadre_get(request.user, appraisal_id)
    unit = row.appraisal.leader.unit
    context: dict[str, Any] = {
        "row": row, "a": row.appraisal, "unit": unit, "grades": GRADES, "unit_grades": UNIT_GRADES,
        "grade_choices": [(g, GRADES[g]) for g in rules.GRADES],
        "is_self": request.user.person_id == row.appraisal.leader.person_id,
        "is_office": _holds(request, Role.APPRAISAL_OFFICE, unit),
        "is_committee": _holds(request, Role.COMMITTEE, unit),
        "cycles": cycles_visible(request.user).filter(year=row.appraisal.end_year),
    }
    return render(request, "leadership/cadre.html", context)


@login_required
@require_POST
def cadre_act(request: AuthedRequest, appraisal_id: int) -> HttpResponse:
    """The cadre page's forms: the cadre's report, the democratic evaluation, the committee's grade."""
    appraisal = selectors.cadre_get(request.user, appraisal_id).appraisal
    post, action = request.POST, request.POST.get("action", "")
    if action == "report":
        _attempt(request, lambda: services.cadre_report_submit(actor=request.user, appraisal=appraisal,
                                                               text=post.get("report", "")),
                 _("Your report was submitted."))
    elif action == "democratic":
        _attempt(request, lambda: services.cadre_democratic_record(
            actor=request.user, appraisal=appraisal, score=post.get("score", "").strip(),
            raters=_int(post.get("raters"), "raters")), _("The democratic evaluation was recorded."))
    elif action == "decide":
        _attempt(request, lambda: services.cadre_grade_decide(
            actor=request.user, appraisal=appraisal, grade=_int(post.get("grade"), "grade"),
            reason=post.get("reason", "")), _("The cadre's grade was decided."))
    else:
        raise ApplicationError(_("Unknown action."))
    return redirect("leadership:cadre", appraisal_id=appraisal.pk)


# Interviews (committee only) ------------------------------------------------------------------------------

@never_cache
@login_required
def interviews(request: AuthedRequest, unit_id: int, year: int) -> HttpResponse:
    """The committee's interviews about a unit's leadership in a year; reading the list is audited."""
    unit = org_selectors.unit_get(request.user, unit_id)
    selectors.interview_access(request.user, unit, year)
    if request.method == "POST":
        post = request.POST
        staff_no = post.get("staff_no", "").strip()
        person = None
        if staff_no:
            person = org_selectors.people_visible(request.user).filter(staff_no=staff_no).first()
            if person is None:
                raise NotFoundError(_("No person with staff no. %(no)s in your data scope.") % {"no": staff_no},
                                    field="staff_no")
        try:
            held_on = dt.date.fromisoformat(post.get("held_on", ""))
        except ValueError:
            held_on = None
            messages.error(request, _("Give the date of the interview as YYYY-MM-DD."))
        if held_on is not None:
            _attempt(request, lambda: services.interview_record(
                actor=request.user, unit=unit, year=year, held_on=held_on, notes=post.get("notes", ""),
                interviewee=person, interviewee_text=post.get("interviewee_text", "")),
                _("The interview was recorded."))
        return redirect("leadership:interviews", unit_id=unit.pk, year=year)
    records = selectors.interviews_read(request.user, unit, year)
    context = {"unit": unit, "year": year, "records": records, "today": timezone.localdate()}
    return render(request, "leadership/interviews.html", context)


@never_cache
@login_required
def interview(request: AuthedRequest, interview_id: int) -> HttpResponse:
    record = selectors.interview_get(request.user, interview_id)
    return render(request, "leadership/interview.html", {"record": record})


# Analysis -------------------------------------------------------------------------------------------------

@login_required
def analysis(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """The cycle's distribution of team and cadre grades, and the cadres with their inputs and grades."""
    _require_reader(request)
    cycle = cycle_get(request.user, cycle_id)
    teams = selectors.team_rows(request.user, cycle)
    cadres = selectors.cadre_rows(request.user, cycle)
    found = selectors.distribution(teams, cadres)
    order = (1, 2, 3, 4, 0)
    team_names = {**UNIT_GRADES, 0: _("Not decided")}
    cadre_names = {**GRADES, 0: _("Not decided")}
    context = {
        "cycle": cycle, "teams": teams, "cadres": cadres, "unit_grades": UNIT_GRADES, "grades": GRADES,
        "team_counts": [(team_names[g], found.teams[g]) for g in order],
        "cadre_counts": [(cadre_names[g], found.annual[g], found.term[g]) for g in order],
    }
    return render(request, "leadership/analysis.html", context)


@login_required
def analysis_export(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    _require_reader(request)
    cycle = cycle_get(request.user, cycle_id)
    teams = selectors.team_rows(request.user, cycle)
    cadres = selectors.cadre_rows(request.user, cycle)
    data = analysis_workbook(selectors.distribution(teams, cadres), teams, cadres)
    audit_append(actor=request.user, action="leadership.analysis.export", object_type="cycle", object_id=cycle.pk,
                 detail={"teams": len(teams), "cadres": len(cadres)})
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''leadership-{cycle.year}-{cycle.pk}.xlsx"
    return response
