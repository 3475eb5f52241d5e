"""Pages of the feeds app. Thin: parse, call a selector or service, render.

Value import: upload (the check starts in the worker) → the import page follows the job every second
(HTMX) and shows the dry run's counts and first errors → confirm → the commit job → done; the error
report is an .xlsx by row and column. Feed sources: a system administrator creates them (the secret is
shown once), rotates the secret, disables them.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.feeds import selectors, services
from kaohe.feeds.models import FeedKind, ImportStatus, ValueImport
from kaohe.feeds.template_files import values_template_csv, values_template_xlsx
from kaohe.org import selectors as org_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def imports(request: AuthedRequest) -> HttpResponse:
    services.require_importer(request.user)
    context: dict[str, Any] = {"imports": selectors.imports_of(request.user)[:20], "year": timezone.localdate().year}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError(_("Choose an Excel workbook (.xlsx) or a CSV file (.csv)."), field="file")
            item = services.value_import_upload(actor=request.user, name=upload.name or "", file=upload,
                                                size=upload.size or 0)
        except ApplicationError as error:
            context["error"] = error.message
            return render(request, "feeds/imports.html", context, status=error.status)
        return redirect("feeds:import_detail", import_id=item.pk)
    return render(request, "feeds/imports.html", context)


def _status_context(item: ValueImport) -> dict[str, Any]:
    job = item.commit_job or item.check_job
    running = job is not None and not job.is_finished
    return {"item": item, "job": job, "running": running, "preview": item.preview,
            "codes": sorted((item.preview.get("codes") or {}).items()), "ready": item.status == ImportStatus.READY}


@login_required
def import_detail(request: AuthedRequest, import_id: int) -> HttpResponse:
    item = selectors.import_get(request.user, import_id)
    return render(request, "feeds/import_detail.html", _status_context(item))


@login_required
def import_status(request: AuthedRequest, import_id: int) -> HttpResponse:
    item = selectors.import_get(request.user, import_id)
    return render(request, "feeds/partials/import_status.html", _status_context(item))


@login_required
@require_POST
def import_confirm(request: AuthedRequest, import_id: int) -> HttpResponse:
    item = selectors.import_get(request.user, import_id)
    services.value_import_confirm(actor=request.user, value_import=item)
    return redirect("feeds:import_detail", import_id=item.pk)


@login_required
def import_errors(request: AuthedRequest, import_id: int) -> FileResponse:
    item = selectors.import_get(request.user, import_id)
    if not item.error_file or not default_storage.exists(item.error_file):
        raise NotFoundError(_("This import has no error report."))
    return FileResponse(default_storage.open(item.error_file, "rb"), as_attachment=True,
                        filename=f"import-errors-{item.pk}.xlsx", content_type=XLSX)


@login_required
def template_download(request: AuthedRequest, file_format: str) -> HttpResponse:
    if file_format == "csv":
        response = HttpResponse(values_template_csv(), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        year = int(request.GET.get("year") or timezone.localdate().year)
        response = HttpResponse(values_template_xlsx(year), content_type=XLSX)
    else:
        raise NotFoundError(_("There is no template of this kind."))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''values-template.{file_format}"
    return response


# --- feed sources ------------------------------------------------------------------------------------


def _sources_context(request: AuthedRequest) -> dict[str, Any]:
    services.require_source_admin(request.user)
    return {"sources": selectors.sources_visible(request.user), "kinds": FeedKind.choices,
            "units": org_selectors.units_visible(request.user).order_by("path")}


@login_required
def sources(request: AuthedRequest) -> HttpResponse:
    context = _sources_context(request)
    if request.method == "POST":
        try:
            unit = org_selectors.unit_get(request.user, int(request.POST.get("unit") or 0))
            source, secret = services.feed_source_create(
                actor=request.user, name=request.POST.get("name", ""), kind=request.POST.get("kind", ""),
                scope_unit=unit, allowed_codes=request.POST.get("codes", "").replace("，", ",").split(","))
        except ApplicationError as error:
            context.update(error=error.message, form=request.POST)
            return render(request, "feeds/sources.html", context, status=error.status)
        context.update(new_source=source, new_secret=secret)
    return render(request, "feeds/sources.html", context)


def _source(request: AuthedRequest, source_id: int) -> Any:
    source = selectors.sources_visible(request.user).filter(pk=source_id).first()
    if source is None:
        raise NotFoundError(_("No feed source %(id)s in your scope.") % {"id": source_id})
    return source


@login_required
@require_POST
def source_rotate(request: AuthedRequest, source_id: int) -> HttpResponse:
    source = _source(request, source_id)
    secret = services.feed_source_rotate(actor=request.user, source=source)
    return render(request, "feeds/sources.html", {**_sources_context(request), "new_source": source,
                                                   "new_secret": secret})


@login_required
@require_POST
def source_active(request: AuthedRequest, source_id: int) -> HttpResponse:
    source = _source(request, source_id)
    services.feed_source_set_active(actor=request.user, source=source, active=request.POST.get("active") == "1")
    return redirect("feeds:sources")
