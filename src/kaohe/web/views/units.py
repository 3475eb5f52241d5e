"""Unit appraisal pages (机关绩效考核): the cycle's units ranked, and one unit's appraisal with its radar,
explanation, values and sources, staff quota, leaders, and the office's and committee's actions."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.messages import UNIT_GRADES, explanation_text
from kaohe.appraisal.selectors import cycle_get
from kaohe.core.errors import ApplicationError
from kaohe.engine.explain import ExplanationItem
from kaohe.indicators.adapter import library_for_year
from kaohe.org import selectors as org_selectors
from kaohe.units import selectors, services
from kaohe.units.models import LeaderRole
from kaohe.units.quota import staff_quota


@login_required
def unit_cycle(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """The cycle's appraised units, best first within each category; the office scores them."""
    cycle = cycle_get(request.user, cycle_id)
    if request.method == "POST":
        try:
            services.unit_run_execute(actor=request.user, cycle=cycle, as_of=dt.date(cycle.year, 12, 31))
            messages.success(request, _("The units were scored."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("web:unit_cycle", cycle_id=cycle.pk)
    results = list(selectors.unit_results(request.user, cycle))
    context = {"cycle": cycle, "results": results, "grades": UNIT_GRADES,
               "runs": scope_for(request.user, roles=[Role.APPRAISAL_OFFICE]).covers_path(cycle.root.path)}
    return render(request, "web/unit_cycle.html", context)


@login_required
def unit_appraisal(request: AuthedRequest, cycle_id: int, unit_id: int) -> HttpResponse:
    cycle = cycle_get(request.user, cycle_id)
    result = selectors.unit_result_get(request.user, cycle, unit_id)
    unit = result.unit
    library = {i.code: i for i in library_for_year(cycle.year).filter(subject="unit")}
    scored = [(code, score) for code, score in result.scores.items() if code in library]
    chart = {"axes": [library[code].name_zh for code, _score in scored],
             "series": [{"name": unit.name, "value": [score or 0 for _code, score in scored]}]}
    rates = selectors.collection_rates(request.user, unit, cycle.year)
    scope = scope_for(request.user, roles=[Role.APPRAISAL_OFFICE, Role.COMMITTEE])
    context: dict[str, Any] = {
        "cycle": cycle, "result": result, "unit": unit, "grades": UNIT_GRADES, "chart": chart,
        "grade_choices": [(g, UNIT_GRADES[g]) for g in services.UNIT_GRADES],
        "explanation": [explanation_text(ExplanationItem(i["code"], i["params"])) for i in result.explanation],
        "values": selectors.unit_values(unit, cycle.year), "library": library,
        "quota": staff_quota(cycle, result) if result.final_grade else None,
        "leaders": selectors.leaders_of(unit), "roles": LeaderRole.choices, "rates": rates,
        "overall": selectors.overall_rate(rates), "goal": selectors.AUTOMATIC_GOAL,
        "is_office": scope.has(Role.APPRAISAL_OFFICE) and scope.covers_path(unit.path),
        "is_committee": scope_for(request.user, roles=[Role.COMMITTEE]).covers_path(unit.path),
    }
    return render(request, "web/unit_appraisal.html", context)


@login_required
@require_POST
def unit_act(request: AuthedRequest, cycle_id: int, unit_id: int) -> HttpResponse:
    """The forms of the unit page: a value, a leader, a commendation, the committee's grade or approval."""
    cycle = cycle_get(request.user, cycle_id)
    result = selectors.unit_result_get(request.user, cycle, unit_id)
    unit, post, action = result.unit, request.POST, request.POST.get("action", "")
    try:
        if action == "value":
            number = post.get("value", "").strip()
            services.unit_value_record(actor=request.user, unit=unit, year=cycle.year, code=post.get("code", ""),
                                       value=_float(number), level=post.get("level", ""),
                                       source=post.get("source", "manual"), note=post.get("note", ""))
        elif action == "leader":
            person = org_selectors.person_get(request.user, int(post.get("person") or 0))
            services.leader_set(actor=request.user, unit=unit, person=person, role=post.get("role", ""),
                                start=dt.date.fromisoformat(post.get("start", "")))
        elif action == "commendation":
            services.commendation_record(actor=request.user, unit=unit, year=cycle.year, title=post.get("title", ""))
        elif action == "grade":
            services.unit_grade_decide(actor=request.user, result=result, grade=int(post.get("grade") or 0),
                                       reason=post.get("reason", ""))
        elif action == "approval":
            services.quota_approval_record(actor=request.user, unit=unit, year=cycle.year,
                                           ratio_percent=_decimal(post.get("ratio", "")), reason=post.get("reason", ""))
        messages.success(request, _("Saved. Scores change at the next scoring of the units."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, _("Check the numbers and dates (YYYY-MM-DD) you entered."))
    return redirect("web:unit_appraisal", cycle_id=cycle.pk, unit_id=unit.pk)


def _float(text: str) -> float | None:
    return float(text) if text else None


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
