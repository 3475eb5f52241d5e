"""Pages of ratings between units: my ratings, reverse rounds (office, rater), collaboration tasks, results.

The reverse rating page never logs or echoes a request body once it is accepted (`sensitive_post_parameters`,
no caching), and shows a rater only that they rated, never their scores.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.ballots.choices import RoundStatus
from kaohe.ballots.services import AlreadyVotedError
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.org import selectors as org_selectors
from kaohe.org.choices import Level
from kaohe.org.models import CivilServant, Unit
from kaohe.unitratings import roster, selectors, services
from kaohe.unitratings.models import TaskStatus
from kaohe.units.scoring import is_government


def _int(value: str | None, field: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError as exc:
        raise ApplicationError(_("%(field)s must be a whole number.") % {"field": field}, field=field) from exc


def _score(value: str, field: str) -> int | None:
    """A typed score: blank is None; anything else must be a whole number (the service checks the range)."""
    return _int(value, field) if value.strip() else None


def _office_units(request: AuthedRequest) -> list[Unit]:
    office = scope_for(request.user, roles=[Role.APPRAISAL_OFFICE])
    units = org_selectors.units_visible(request.user).filter(office.units_q()).select_related("parent__parent")
    return list(units.order_by("path")[:1000])


def _governments(units: list[Unit]) -> list[Unit]:
    return [u for u in units if u.level != Level.TOWNSHIP and is_government(u)]


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    context = {"rounds": selectors.my_reverse_rounds(request.user), "tasks": selectors.my_tasks(request.user)}
    return render(request, "unitratings/mine.html", context)


# Reverse evaluation: the office ---------------------------------------------------------------------------

def _raters(request: AuthedRequest, text: str) -> list[CivilServant] | None:
    """People by staff numbers (one per line or comma-separated); blank: the default, all leading staff."""
    numbers = sorted({n.strip() for n in text.replace(",", "\n").replace("，", "\n").splitlines() if n.strip()})
    if not numbers:
        return None
    people = list(org_selectors.people_visible(request.user).filter(staff_no__in=numbers))
    missing = sorted(set(numbers) - {p.staff_no for p in people})
    if missing:
        raise NotFoundError(_("No person with staff no. %(no)s in your data scope.") % {"no": "、".join(missing)},
                            field="raters")
    return people


@login_required
def reverse_rounds(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        government = org_selectors.unit_get(request.user, _int(request.POST.get("government"), "government"))
        minimum = request.POST.get("anonymity_min", "").strip()
        rnd = services.reverse_round_create(
            actor=request.user, government=government, year=_int(request.POST.get("year"), "year"),
            name=request.POST.get("name", ""), raters=_raters(request, request.POST.get("raters", "")),
            anonymity_min=_int(minimum, "anonymity_min") if minimum else None)
        return redirect("unitratings:reverse_round", round_id=rnd.pk)
    governments = _governments(_office_units(request))
    context = {"rounds": selectors.reverse_rounds_visible(request.user).order_by("-year", "-pk")[:500],
               "governments": governments, "year": timezone.localdate().year, "is_office": bool(governments)}
    return render(request, "unitratings/reverse_rounds.html", context)


@login_required
def reverse_round(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.reverse_round_get(request.user, round_id)
    manages = selectors.manages(request.user, rnd.government)
    context: dict[str, Any] = {"round": rnd, "manages": manages, "departments": selectors.rating_sheet(rnd)}
    if manages:
        context["progress"] = selectors.reverse_progress(request.user, rnd)
    if rnd.status == RoundStatus.CLOSED:
        context["results"] = selectors.reverse_results(request.user, rnd)
    return render(request, "unitratings/reverse_round.html", context)


@login_required
@require_POST
def reverse_round_open(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.reverse_round_get(request.user, round_id)
    services.reverse_round_open(actor=request.user, round=rnd)
    return redirect("unitratings:reverse_round", round_id=rnd.pk)


@login_required
@require_POST
def reverse_round_close(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.reverse_round_get(request.user, round_id)
    services.reverse_round_close(actor=request.user, round=rnd)
    return redirect("unitratings:reverse_round", round_id=rnd.pk)


# Reverse evaluation: the rater ----------------------------------------------------------------------------

@sensitive_variables()
def _sheet_scores(post: QueryDict, departments: list[Unit]) -> dict[int, int | None]:
    return {d.pk: _score(post.get(f"d-{d.pk}", ""), f"d-{d.pk}") for d in departments}


@never_cache
@sensitive_post_parameters()
@sensitive_variables()
@login_required
def reverse_rate(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.my_reverse_round_get(request.user, round_id)
    if selectors.has_rated(request.user, rnd):
        return render(request, "unitratings/reverse_rated.html", {"round": rnd})
    if rnd.status != RoundStatus.OPEN:
        raise ApplicationError(_("Rating in this round has closed."))
    departments = list(selectors.rating_sheet(rnd))
    context: dict[str, Any] = {"round": rnd}
    status = 200
    if request.method == "POST":
        try:
            scores = _sheet_scores(request.POST, departments)
            services.reverse_scores_cast(actor=request.user, round=rnd, scores=scores)
            return redirect("unitratings:reverse_rate", round_id=rnd.pk)
        except AlreadyVotedError:
            return redirect("unitratings:reverse_rate", round_id=rnd.pk)
        except ApplicationError as error:
            context["error"], status = error.message, 400
    typed = request.POST if request.method == "POST" else QueryDict()
    context["lines"] = [{"department": d, "name": f"d-{d.pk}", "value": typed.get(f"d-{d.pk}", "")}
                        for d in departments]
    return render(request, "unitratings/reverse_rate.html", context, status=status)


# Collaboration --------------------------------------------------------------------------------------------

@login_required
def tasks(request: AuthedRequest) -> HttpResponse:
    office_units = _office_units(request)
    if request.method == "POST":
        unit = org_selectors.unit_get(request.user, _int(request.POST.get("unit"), "unit"))
        chosen = {_int(v, "participants") for v in request.POST.getlist("participants")}
        participants = [u for u in office_units if u.pk in chosen]
        if len(participants) != len(chosen):
            raise NotFoundError(_("Some participating units are not in your data scope."), field="participants")
        task = services.collaboration_task_create(actor=request.user, unit=unit, year=_int(request.POST.get(
            "year"), "year"), name=request.POST.get("name", ""), participants=participants)
        return redirect("unitratings:task", task_id=task.pk)
    context = {"tasks": selectors.tasks_visible(request.user).order_by("-year", "-pk")[:500],
               "organisers": _governments(office_units),
               "appraised": [u for u in office_units if roster.is_appraised(u)],
               "year": timezone.localdate().year, "is_office": bool(office_units)}
    return render(request, "unitratings/tasks.html", context)


@login_required
def task(request: AuthedRequest, task_id: int) -> HttpResponse:
    found = selectors.task_get(request.user, task_id)
    manages = selectors.manages(request.user, found.unit)
    context: dict[str, Any] = {"task": found, "manages": manages, "participants": found.participants.order_by("path"),
                               "can_rate": found.status == TaskStatus.OPEN and bool(
                                   selectors.task_sheet(request.user, found))}
    if manages:
        context["progress"] = selectors.task_progress(request.user, found)
    if found.status == TaskStatus.CLOSED:
        context["results"] = selectors.task_results(request.user, found)
    return render(request, "unitratings/task.html", context)


@login_required
@require_POST
def task_close(request: AuthedRequest, task_id: int) -> HttpResponse:
    found = selectors.task_get(request.user, task_id)
    services.collaboration_task_close(actor=request.user, task=found)
    return redirect("unitratings:task", task_id=found.pk)


def _entries(post: QueryDict, sheet: list[selectors.SheetLine]) -> list[services.SheetEntry]:
    entries = []
    for line in sheet:
        key = f"{line.rater.pk}-{line.ratee.pk}"
        score = _score(post.get(f"s-{key}", ""), f"s-{key}")
        if score is not None:
            entries.append(services.SheetEntry(line.rater, line.ratee, score, post.get(f"c-{key}", "")))
    return entries


def _sheet_lines(sheet: list[selectors.SheetLine], typed: QueryDict | None) -> list[dict[str, Any]]:
    lines = []
    for line in sheet:
        key = f"{line.rater.pk}-{line.ratee.pk}"
        stored = (str(line.rating.score), line.rating.comment) if line.rating else ("", "")
        score, comment = (typed.get(f"s-{key}", ""), typed.get(f"c-{key}", "")) if typed else stored
        lines.append({"line": line, "key": key, "score": score, "comment": comment})
    return lines


@login_required
def task_rate(request: AuthedRequest, task_id: int) -> HttpResponse:
    found = selectors.task_get(request.user, task_id)
    sheet = selectors.task_sheet(request.user, found)
    if not sheet or found.status != TaskStatus.OPEN:
        raise NotFoundError(_("You have nothing to rate in %(task)s.") % {"task": found.name})
    context: dict[str, Any] = {"task": found}
    status = 200
    if request.method == "POST":
        try:
            services.collaboration_sheet_save(actor=request.user, task=found, entries=_entries(request.POST, sheet))
            return redirect("unitratings:task_rate", task_id=found.pk)
        except ApplicationError as error:
            context["error"], status = error.message, 400
    context["lines"] = _sheet_lines(sheet, request.POST if request.method == "POST" else None)
    return render(request, "unitratings/task_rate.html", context, status=status)


# Results of the year --------------------------------------------------------------------------------------

@login_required
def results(request: AuthedRequest) -> HttpResponse:
    year = _int(request.GET.get("year") or str(timezone.localdate().year), "year")
    context = {"year": year, "values": selectors.year_values(request.user, year)}
    return render(request, "unitratings/results.html", context)

