"""Pages of 360° ballots: my ballots (vote, receipt), the office's rounds, results, self-summaries.

The vote page never logs or echoes a request body (`sensitive_post_parameters`, no caching) and
shows a voter only that they voted, never their scores once submitted.
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
from kaohe.audit.services import audit_append
from kaohe.ballots import selectors, services
from kaohe.ballots.choices import ADDED_ROLES, DIMENSIONS, RATER_ROLES, RaterRole, RelationshipKind, RoundStatus
from kaohe.ballots.export import aggregates_workbook, hidden_text, role_label
from kaohe.ballots.models import Relationship
from kaohe.ballots.selectors import PaperRow
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.indicators.choices import Dimension
from kaohe.org import selectors as org_selectors
from kaohe.org.models import CivilServant

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise ApplicationError(_("%(field)s must be a whole number.") % {"field": field}, field=field) from exc


def _person_by_staff_no(request: AuthedRequest, staff_no: str, field: str) -> CivilServant:
    person = org_selectors.people_visible(request.user).filter(staff_no=staff_no.strip()).first()
    if person is None:
        raise NotFoundError(_("No person with staff no. %(no)s in your data scope.") % {"no": staff_no}, field=field)
    return person


# Voters --------------------------------------------------------------------------------------------------

@login_required
def my_ballots(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user, roles=[Role.APPRAISAL_OFFICE, Role.SUPERVISOR])
    context = {"rounds": selectors.my_rounds(request.user), "reads_rounds": bool(scope.unit_paths),
               "has_person": request.user.person_id is not None}
    return render(request, "ballots/my_ballots.html", context)


def _field(row: PaperRow, dimension: str | None = None) -> str:
    return f"s-{row.ratee.pk}" + (f"-{dimension}" if dimension else "")


@sensitive_variables()
def _scores(post: QueryDict, paper: list[PaperRow], by_dimension: bool) -> dict[int, list[int]]:
    """The typed scores per ratee; a blank or non-number is refused (the service checks the range)."""
    scores: dict[int, list[int]] = {}
    for row in paper:
        names = [_field(row, d) for d in DIMENSIONS] if by_dimension else [_field(row)]
        try:
            scores[row.ratee.pk] = [int(post.get(name, "").strip()) for name in names]
        except ValueError as exc:
            raise ApplicationError(_("Give %(name)s a whole-number score from 0 to 100.") % {
                "name": row.ratee.name}, field=names[0]) from exc
    return scores


@sensitive_variables()
def _paper_lines(paper: list[PaperRow], by_dimension: bool, typed: QueryDict | None) -> list[dict[str, Any]]:
    lines = []
    for row in paper:
        names = [_field(row, d) for d in DIMENSIONS] if by_dimension else [_field(row)]
        labels = [str(Dimension(d).label) for d in DIMENSIONS] if by_dimension else [_("Score (0–100)")]
        inputs = [{"name": n, "label": label, "value": typed.get(n, "") if typed else ""}
                  for n, label in zip(names, labels, strict=True)]
        lines.append({"row": row, "inputs": inputs})
    return lines


@never_cache
@sensitive_post_parameters()
@sensitive_variables()
@login_required
def vote(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.my_round_get(request.user, round_id)
    if selectors.has_voted(request.user, rnd):
        return redirect("ballots:receipt", round_id=rnd.pk)
    if rnd.status != RoundStatus.OPEN:
        raise ApplicationError(_("Voting in this round has closed."))
    paper = selectors.ballot_paper(request.user, rnd)
    context: dict[str, Any] = {"round": rnd, "dimensions": [str(Dimension(d).label) for d in DIMENSIONS]}
    status = 200
    if request.method == "POST":
        try:
            scores = _scores(request.POST, paper, rnd.by_dimension)
            services.ballot_cast(actor=request.user, round=rnd, scores=scores)
            return redirect("ballots:receipt", round_id=rnd.pk)
        except services.AlreadyVotedError:
            return redirect("ballots:receipt", round_id=rnd.pk)
        except ApplicationError as error:
            context["error"], status = error.message, 400
    context["lines"] = _paper_lines(paper, rnd.by_dimension, request.POST if request.method == "POST" else None)
    return render(request, "ballots/vote.html", context, status=status)


@login_required
def receipt(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.my_round_get(request.user, round_id)
    if not selectors.has_voted(request.user, rnd):
        return redirect("ballots:vote", round_id=rnd.pk)
    return render(request, "ballots/receipt.html", {"round": rnd})


# The office ----------------------------------------------------------------------------------------------

@login_required
def rounds(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        unit = org_selectors.unit_get(request.user, _int(request.POST.get("unit"), "unit"))
        minimum = request.POST.get("anonymity_min", "").strip()
        rnd = services.round_create(actor=request.user, unit=unit, year=_int(request.POST.get("year"), "year"),
                                    name=request.POST.get("name", ""),
                                    anonymity_min=_int(minimum, "anonymity_min") if minimum else None,
                                    by_dimension=request.POST.get("by_dimension") == "on")
        return redirect("ballots:round_detail", round_id=rnd.pk)
    office = scope_for(request.user, roles=[Role.APPRAISAL_OFFICE])
    units = org_selectors.units_visible(request.user).filter(office.units_q()).order_by("path")[:500]
    context = {"rounds": selectors.rounds_visible(request.user).order_by("-year", "-pk"), "units": units,
               "year": timezone.localdate().year, "is_office": bool(office.unit_paths)}
    return render(request, "ballots/rounds.html", context)


def _aggregate_lines(rows: list[selectors.AggregateRow], by_dimension: bool) -> list[dict[str, Any]]:
    return [{"ratee": row.ratee, "cells": [{"cell": c, "label": role_label(c.role),
                                             "means": list(c.stats.dimension_means or ())
                                             if c.stats and by_dimension else []} for c in row.cells]}
            for row in rows]


@login_required
def round_detail(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(request.user, round_id)
    manages = selectors.manages(request.user, rnd)
    context: dict[str, Any] = {
        "round": rnd, "manages": manages, "roles": [RaterRole(r).label for r in RATER_ROLES],
        "hidden_text": hidden_text(), "dimensions": [str(Dimension(d).label) for d in DIMENSIONS],
    }
    if manages:
        context["progress"] = selectors.round_progress(request.user, rnd)
        if rnd.status != RoundStatus.CLOSED:
            context["preview"] = selectors.roster_preview(request.user, rnd)
            context["added_roles"] = [(r.value, r.label) for r in ADDED_ROLES]
            context["added"] = selectors.added_raters(request.user, rnd)
    if rnd.status == RoundStatus.CLOSED:
        context["lines"] = _aggregate_lines(selectors.round_aggregates(request.user, rnd), rnd.by_dimension)
    return render(request, "ballots/round_detail.html", context)


@login_required
@require_POST
def round_open(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(request.user, round_id)
    services.round_open(actor=request.user, round=rnd)
    return redirect("ballots:round_detail", round_id=rnd.pk)


@login_required
@require_POST
def round_close(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(request.user, round_id)
    services.round_close(actor=request.user, round=rnd)
    return redirect("ballots:round_detail", round_id=rnd.pk)


@login_required
@require_POST
def rater_add(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(request.user, round_id)
    ratee = rnd.ratees.filter(pk=_int(request.POST.get("ratee"), "ratee")).first()
    if ratee is None:
        raise NotFoundError(_("That person is not rated in this round."), field="ratee")
    voter = _person_by_staff_no(request, request.POST.get("voter", ""), "voter")
    services.round_rater_add(actor=request.user, round=rnd, voter=voter, ratee=ratee,
                             role=request.POST.get("role", ""))
    return redirect("ballots:round_detail", round_id=rnd.pk)


@login_required
@require_POST
def rater_remove(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(request.user, round_id)
    added = selectors.added_raters(request.user, rnd).filter(pk=_int(request.POST.get("assignment"), "assignment"))
    assignment = added.select_related("voter", "ratee").first()
    if assignment is None:
        raise NotFoundError(_("No such added rater in this round."), field="assignment")
    services.round_rater_remove(actor=request.user, round=rnd, voter=assignment.voter, ratee=assignment.ratee)
    return redirect("ballots:round_detail", round_id=rnd.pk)


@login_required
def round_export(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = selectors.round_get(request.user, round_id)
    rows = selectors.round_aggregates(request.user, rnd)
    data = aggregates_workbook(rows, by_dimension=rnd.by_dimension, anonymity_min=rnd.anonymity_min)
    filename = f"ballot-results-{rnd.pk}-{rnd.year}.xlsx"
    audit_append(actor=request.user, action="ballots.results.export", object_type="ballot_round",
                 object_id=rnd.pk, detail={"ratees": len(rows)})
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def relationships(request: AuthedRequest) -> HttpResponse:
    """The office records close relatives (回避); the list shows pairs in the caller's scope."""
    if request.method == "POST":
        person = _person_by_staff_no(request, request.POST.get("person", ""), "person")
        relative = _person_by_staff_no(request, request.POST.get("relative", ""), "relative")
        services.relationship_record(actor=request.user, person=person, relative=relative,
                                     kind=request.POST.get("kind", ""))
        return redirect("ballots:relationships")
    visible = org_selectors.people_visible(request.user).values_list("pk", flat=True)
    pairs = (Relationship.objects.filter(person_id__in=visible).select_related("person", "relative")
             .order_by("person__name_pinyin", "pk")[:500])
    context = {"pairs": pairs, "kinds": RelationshipKind.choices}
    return render(request, "ballots/relationships.html", context)
