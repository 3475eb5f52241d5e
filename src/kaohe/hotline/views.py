"""Pages of the hotline app. Thin: parse, call a selector or service, render.

Texts may hold citizens' phone numbers: pages show them masked (138****5678).
"""

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.core.errors import ApplicationError
from kaohe.core.masking import mask_phone
from kaohe.hotline import selectors, services
from kaohe.hotline.models import Classification

PAGE = 50
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def masked(text: str) -> str:
    """The text with mobile numbers masked."""
    return PHONE.sub(lambda m: mask_phone(m.group(0)), text)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@login_required
def records(request: AuthedRequest) -> HttpResponse:
    year = _int(request.GET.get("year"), selectors.current_year())
    label = request.GET.get("classification", "")
    by = "person" if request.GET.get("by") == "person" else "unit"
    rows = selectors.records_visible(request.user).filter(received_on__year=year).order_by("-id")
    if label in Classification.values:
        rows = rows.filter(classification=label)
    before = _int(request.GET.get("before"), 0)
    if before:
        rows = rows.filter(id__lt=before)
    page = list(rows[: PAGE + 1])
    context: dict[str, Any] = {
        "year": year, "label": label, "by": by, "labels": Classification.choices,
        "rows": [(r, masked(r.text)[:60]) for r in page[:PAGE]],
        "next_before": page[PAGE - 1].pk if len(page) > PAGE else None,
        "counts": selectors.monthly_counts(request.user, year=year, by=by)[:50], "months": range(1, 13),
        "can_feed": bool(scope_for(request.user, roles=[Role.APPRAISAL_OFFICE]).unit_paths),
    }
    return render(request, "hotline/records.html", context)


@login_required
def record_detail(request: AuthedRequest, record_id: int) -> HttpResponse:
    record = selectors.record_get(request.user, record_id)
    context = {"record": record, "text": masked(record.text), "labels": Classification.choices,
               "can_reclassify": scope_for(request.user, roles=[Role.APPRAISAL_OFFICE]).has(Role.APPRAISAL_OFFICE),
               "can_substantiate": record.probity and scope_for(request.user, roles=[Role.DISCIPLINE]).has(
                   Role.DISCIPLINE)}
    return render(request, "hotline/record_detail.html", context)


@login_required
@require_POST
def record_reclassify(request: AuthedRequest, record_id: int) -> HttpResponse:
    record = selectors.record_get(request.user, record_id)
    services.hotline_record_reclassify(actor=request.user, record=record,
                                       classification=request.POST.get("classification", ""),
                                       reason=request.POST.get("reason", ""))
    return redirect("hotline:record_detail", record_id=record.pk)


@login_required
@require_POST
def record_substantiate(request: AuthedRequest, record_id: int) -> HttpResponse:
    record = selectors.record_get(request.user, record_id)
    services.hotline_record_substantiate(actor=request.user, record=record,
                                         substantiated=request.POST.get("substantiated") == "1")
    return redirect("hotline:record_detail", record_id=record.pk)


@login_required
@require_POST
def indicators_feed(request: AuthedRequest) -> HttpResponse:
    year = _int(request.POST.get("year"), selectors.current_year())
    try:
        count = services.hotline_indicators_feed(actor=request.user, year=year)
    except ApplicationError as error:
        if error.status != 400:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)s indicator values of %(year)s were recorded.") % {
            "count": count, "year": year})
    return redirect(f"{reverse('hotline:records')}?year={year}")
