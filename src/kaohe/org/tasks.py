"""Background work of the organisation: the people directory exported to Excel."""

import io

import xlsxwriter
from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.audit.services import audit_append
from kaohe.core.jobs import job_progress, job_running, job_start
from kaohe.core.masking import mask_id_number
from kaohe.core.models import Job
from kaohe.org import selectors
from kaohe.org.choices import Gender, PersonStatus, PostLevel
from kaohe.org.models import Unit

HEADERS = ["工号", "姓名", "性别", "出生日期", "身份证号（脱敏）", "单位", "科室", "职级", "状态"]
CHUNK = 2000


def people_export_start(*, actor: User, query: str, unit: Unit | None) -> Job:
    params = {"query": query, "unit_id": unit.pk if unit else None}
    return job_start(kind="org.people_export", title=_("Export of the people directory"),
                     task=people_export, created_by=actor, params=params)


@shared_task(acks_late=True)
def people_export(job_id: int) -> None:
    with job_running(job_id) as job:
        actor = User.objects.get(pk=job.created_by_id or 0)
        unit = selectors.unit_get(actor, job.params["unit_id"]) if job.params.get("unit_id") else None
        people = selectors.people_search(actor, query=job.params.get("query", ""), unit=unit).order_by("id")
        total = people.count()
        job_progress(job, done=0, total=total)
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet("人员名册")
        sheet.write_row(0, 0, HEADERS)
        done = 0
        for done, person in enumerate(people.iterator(chunk_size=CHUNK), start=1):
            sheet.write_row(done, 0, [
                person.staff_no, person.name, str(Gender(person.gender).label), person.birth_date.isoformat(),
                mask_id_number(person.id_number), person.unit.name,
                person.department.name if person.department else "",
                str(PostLevel(person.post_level).label), str(PersonStatus(person.status).label),
            ])
            if done % CHUNK == 0:
                job_progress(job, done=done)
        book.close()
        job.result_file = default_storage.save(f"exports/people-{job.pk}.xlsx", ContentFile(buffer.getvalue()))
        job.done = done
        with transaction.atomic():
            detail = {"rows": done, "query": job.params.get("query", ""), "unit_id": job.params.get("unit_id")}
            audit_append(actor=actor, action="org.people.export", object_type="job", object_id=job.pk, detail=detail)
