"""容错免责 pages: apply (for oneself, or as the office for a person or unit), the discipline review, materials."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appeals import selectors
from kaohe.appeals.models import Waiver
from kaohe.appeals.services import THREE_DISTINCTIONS, waiver_decide, waiver_file, waiver_material_read
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.indicators.models import Indicator
from kaohe.org import selectors as org_selectors
from kaohe.org.models import CivilServant, Unit

DISTINCTION_WORDS = {
    "trial_not_defiance": gettext_lazy("Trying something new without experience, not knowingly breaking rules"),
    "exploration_not_prohibited": gettext_lazy("Exploring where no rule forbade it, not defying an explicit ban"),
    "public_not_private": gettext_lazy("An unintended fault while advancing development, not seeking private gain"),
}


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@login_required
def waivers(request: AuthedRequest) -> HttpResponse:
    """The applications the caller may see, and the form to apply."""
    error, status = "", 200
    if request.method == "POST":
        try:
            waiver = _file(request)
            return redirect("web:waiver_detail", waiver_id=waiver.pk)
        except ApplicationError as exc:
            error, status = exc.message, 400
    year = timezone.localdate().year
    context = {"waivers": selectors.waivers_visible(request.user)[:300], "error": error, "year": year,
               "indicators": Indicator.objects.filter(year_to__isnull=True).order_by("code"),
               "is_office": scope_for(request.user, roles=[Role.APPRAISAL_OFFICE]).has(Role.APPRAISAL_OFFICE),
               "typed": request.POST}
    return render(request, "web/waivers.html", context, status=status)


def _file(request: AuthedRequest) -> Waiver:
    person: CivilServant | None = None
    unit: Unit | None = None
    staff_no, unit_id = request.POST.get("staff_no", "").strip(), _int(request.POST.get("unit"))
    if unit_id:
        unit = org_selectors.unit_get(request.user, unit_id)
    elif staff_no:
        person = org_selectors.people_search(request.user, query=staff_no).filter(staff_no=staff_no).first()
        if person is None:
            raise ApplicationError(_("No person with staff no. %(no)s in your data scope.") % {"no": staff_no})
    elif request.user.person_id:
        person = org_selectors.person_get(request.user, request.user.person_id)
    materials = [(f.name or "file", f.read()) for f in request.FILES.getlist("materials")]
    return waiver_file(actor=request.user, person=person, unit=unit, year=_int(request.POST.get("year")),
                       indicator_code=request.POST.get("indicator", ""), account=request.POST.get("account", ""),
                       materials=materials)


@login_required
def waiver_detail(request: AuthedRequest, waiver_id: int) -> HttpResponse:
    waiver = selectors.waiver_get(request.user, waiver_id)
    error, status = "", 200
    if request.method == "POST":
        try:
            findings = {name: request.POST.get(name) == "yes" for name in THREE_DISTINCTIONS}
            waiver_decide(actor=request.user, waiver=waiver, findings=findings,
                          approve=request.POST.get("approve") == "yes", share=_int(request.POST.get("share")),
                          decision=request.POST.get("decision", ""))
            return redirect("web:waiver_detail", waiver_id=waiver.pk)
        except ApplicationError as exc:
            error, status = exc.message, 400
    context = {"waiver": waiver, "error": error, "materials": waiver.materials.only("pk", "name", "size"),
               "distinctions": [(name, DISTINCTION_WORDS[name], getattr(waiver, name)) for name in THREE_DISTINCTIONS],
               "decides": scope_for(request.user, roles=[Role.DISCIPLINE]).covers_path(waiver.subject_unit.path)}
    return render(request, "web/waiver_detail.html", context, status=status)


@login_required
def waiver_material(request: AuthedRequest, waiver_id: int, material_id: int) -> HttpResponse:
    waiver = selectors.waiver_get(request.user, waiver_id)
    material = waiver.materials.filter(pk=material_id).first()
    if material is None:
        raise NotFoundError(_("No such material."))
    content = waiver_material_read(actor=request.user, material=material)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(material.name)}"
    return response
