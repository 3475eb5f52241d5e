"""Excel export and import of the indicator library and of schemes (appraisal office).

An import is checked in full first (a dry run shows what would change); a file with any bad cell
commits nothing and offers the error report, by row and column, as an Excel download.
"""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.http import AuthedRequest
from kaohe.audit.services import audit_append
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.indicators import excel, selectors
from kaohe.indicators.services import require_library_editor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 20 * 1024 * 1024


def _download(actor: Any, data: bytes, filename: str, action: str, detail: dict[str, Any]) -> HttpResponse:
    with transaction.atomic():
        audit_append(actor=actor, action=action, object_type="export", object_id=filename, detail=detail)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def library_export(request: AuthedRequest) -> HttpResponse:
    year = int(request.GET.get("year") or timezone.localdate().year)
    return _download(request.user, excel.library_export(year), f"indicator-library-{year}.xlsx",
                     "indicators.library.export", {"year": year})


@login_required
def scheme_export(request: AuthedRequest, scheme_id: int) -> HttpResponse:
    scheme = selectors.scheme_get(scheme_id)
    return _download(request.user, excel.scheme_export(scheme), f"scheme-{scheme.pk}-{scheme.year}.xlsx",
                     "indicators.scheme.export", {"scheme_id": scheme.pk})


def _uploaded(request: AuthedRequest) -> bytes:
    upload = request.FILES.get("file")
    if upload is None:
        raise ApplicationError(_("Choose an Excel file (.xlsx) to import."), field="file")
    if (upload.size or 0) > MAX_UPLOAD:
        raise ApplicationError(_("The file is larger than 20 MB."), field="file")
    data: bytes = upload.read()
    return data


def _report_context(report: excel.ImportReport, dry_run: bool) -> dict[str, Any]:
    context: dict[str, Any] = {"report": report, "dry_run": dry_run}
    if report.errors:
        name = f"imports/errors-{uuid.uuid4().hex}.xlsx"
        default_storage.save(name, ContentFile(excel.error_report(report.errors)))
        context["error_file"] = name.rsplit("/", 1)[-1]
    return context


@login_required
def library_import(request: AuthedRequest) -> HttpResponse:
    require_library_editor(request.user)
    year = int(request.POST.get("year") or request.GET.get("year") or timezone.localdate().year)
    context: dict[str, Any] = {"year": year, "target": _("the indicator library")}
    if request.method == "POST":
        dry_run = request.POST.get("commit") != "1"
        report = excel.library_import(actor=request.user, data=_uploaded(request), year=year, dry_run=dry_run)
        context.update(_report_context(report, dry_run))
        return render(request, "web/import.html", context, status=400 if report.errors else 200)
    return render(request, "web/import.html", context)


@login_required
def scheme_import(request: AuthedRequest, scheme_id: int) -> HttpResponse:
    scheme = selectors.scheme_get(scheme_id)
    require_library_editor(request.user)
    context: dict[str, Any] = {"scheme": scheme, "target": scheme.name}
    if request.method == "POST":
        report = excel.scheme_import(actor=request.user, scheme=scheme, data=_uploaded(request))
        context.update(_report_context(report, False))
        return render(request, "web/import.html", context, status=400 if report.errors else 200)
    return render(request, "web/import.html", context)


@login_required
def import_errors(request: AuthedRequest, name: str) -> FileResponse:
    path = f"imports/{name}"
    if not name.startswith("errors-") or not default_storage.exists(path):
        raise NotFoundError(_("This error report no longer exists; import the file again."))
    return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename="import-errors.xlsx")
