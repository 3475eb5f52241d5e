"""Pages of the organisation: unit tree, people directory, person page, directory export."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.scope import scope_for
from kaohe.appraisal import talent, timeline
from kaohe.core.errors import NotFoundError
from kaohe.core.masking import mask_id_number, mask_phone
from kaohe.core.pagination import keyset_page
from kaohe.org import selectors
from kaohe.org.tasks import people_export_start

PAGE_SIZE = 50


@login_required
def unit_tree(request: AuthedRequest) -> HttpResponse:
    roots = selectors.unit_roots(request.user)
    return render(request, "web/unit_tree.html", {"roots": roots})


@login_required
def unit_children_partial(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_get(request.user, unit_id)
    children = selectors.unit_children(request.user, unit)
    return render(request, "web/partials/unit_children.html", {"unit": unit, "children": children})


@login_required
def unit_detail(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_get(request.user, unit_id)
    context = {
        "unit": unit,
        "children": selectors.unit_children(request.user, unit),
        "departments": unit.departments.all(),
        "headcount": selectors.people_search(request.user, unit=unit).count(),
        "leads_unit": scope_for(request.user, roles=talent.LEADER_ROLES).covers_path(unit.path),
    }
    return render(request, "web/unit_detail.html", context)


@login_required
def people(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    unit = None
    if request.GET.get("unit"):
        unit = selectors.unit_get(request.user, _int_param(request.GET["unit"], "unit"))
    found = selectors.people_search(request.user, query=query, unit=unit)
    rows, next_cursor = keyset_page(found, order=["name_pinyin", "id"], cursor=request.GET.get("cursor", ""),
                                    limit=PAGE_SIZE)
    context = {"rows": rows, "next_cursor": next_cursor, "q": query, "unit": unit}
    template = "web/partials/people_rows.html" if request.htmx else "web/people.html"
    return render(request, template, context)


@login_required
@require_POST
def people_export(request: AuthedRequest) -> HttpResponse:
    unit = None
    if request.POST.get("unit"):
        unit = selectors.unit_get(request.user, _int_param(request.POST["unit"], "unit"))
    job = people_export_start(actor=request.user, query=request.POST.get("q", ""), unit=unit)
    return redirect("web:job_detail", job_id=job.pk)


@login_required
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(request.user, person_id)
    context = {
        "person": person,
        "id_number_masked": mask_id_number(person.id_number),
        "phone_masked": mask_phone(person.phone or ""),
        "postings": person.postings.select_related("unit", "department", "position"),
        "sanctions": person.sanctions.all(),
        "years": sorted(set(person.quarter_grades.values_list("year", flat=True))
                        | set(person.appraisals.values_list("cycle__year", flat=True)), reverse=True),
    }
    return render(request, "web/person_detail.html", context)


@login_required
def person_year(request: AuthedRequest, person_id: int, year: int) -> HttpResponse:
    """The timeline of one person's appraisal year, for the person and the people over them."""
    person = selectors.person_get(request.user, person_id)
    context = {"person": person, "year": year, "events": timeline.person_year(person.pk, year),
               "today": timezone.localdate()}
    return render(request, "web/person_year.html", context)


@login_required
def my_record(request: AuthedRequest) -> HttpResponse:
    if request.user.person_id is None:
        raise NotFoundError(_("Your account is not linked to a civil servant record."))
    return person_detail(request, request.user.person_id)


def _int_param(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise NotFoundError(_("%(name)s must be a number.") % {"name": name}) from exc
