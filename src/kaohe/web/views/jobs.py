"""Job pages: progress that the page polls (HTMX), and the file a finished job produced."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kaohe.accounts.http import AuthedRequest
from kaohe.core.errors import ApplicationError, NotFoundError
from kaohe.core.models import Job


def _own_job(request: AuthedRequest, job_id: int) -> Job:
    job = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise NotFoundError(_("No job %(id)s of yours.") % {"id": job_id})
    return job


@login_required
def job_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = _own_job(request, job_id)
    template = "web/partials/job_status.html" if request.htmx else "web/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request: AuthedRequest, job_id: int) -> FileResponse:
    job = _own_job(request, job_id)
    if not job.result_file:
        raise ApplicationError(_("This job has no file to download yet."))
    name = job.result_file.rsplit("/", 1)[-1]
    return FileResponse(default_storage.open(job.result_file, "rb"), as_attachment=True, filename=name)
