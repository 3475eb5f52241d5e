"""Reports and exports: the notice PDF, listings in PDF and Excel, the 公示 list, consequence lists, batch
notices — their contents, masking, scope and audit."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from kaohe.accounts.roles import Role
from kaohe.analytics import pdffont
from kaohe.analytics.tasks import notices_batch_start, notices_batch_task
from kaohe.appraisal.models import RunResult
from kaohe.appraisal.results import CONSEQUENCES
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError
from kaohe.core.masking import mask_name
from kaohe.core.models import Job, JobStatus
from tests import factories
from tests.analytics.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _get(client, name, *args, **query):
    return client.get(reverse(f"analytics:{name}", args=args), query)


def _audits(action):
    return AuditEvent.objects.filter(action=action).count()


def test_the_personal_notice_is_a_pdf_with_the_persons_chinese_name_and_lost_points(client, rolled):
    client.force_login(rolled.office)
    zhang = rolled.city.zhang_san

    response = _get(client, "notice", rolled.run.pk, zhang.pk)

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "张三" in text
    assert "临江区民政局" in text
    assert "DE01" in text  # the first explained indicator's lost points
    assert _audits("analytics.notice.export") == 1


def test_a_civil_servant_gets_their_own_notice_but_not_a_colleagues(client, rolled):
    city = rolled.city
    client.force_login(factories.user("zs", person=city.zhang_san))

    own = _get(client, "notice", rolled.run.pk, city.zhang_san.pk)
    other = _get(client, "notice", rolled.run.pk, city.li_si.pk)

    assert own.status_code == 200
    assert "张三" in pdf_text(own.content)
    assert other.status_code == 404
    assert _audits("analytics.notice.export") == 1


def test_the_results_listing_in_excel_reopens_with_chinese_headers_and_every_row(client, rolled):
    client.force_login(rolled.office)
    bureau = rolled.city.bureau_a

    response = _get(client, "list_export", "results", "xlsx", unit=bureau.pk)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    expected = RunResult.objects.filter(run=rolled.run, person__unit__path__startswith=bureau.path).count()
    assert rows[0][:4] == ("序号", "姓名", "单位", "综合得分")
    assert len(rows) - 1 == expected == 19
    assert "张三" in {r[1] for r in rows[1:]}
    assert _audits("analytics.list.results.export") == 1


def test_the_results_listing_pdf_holds_every_name(client, rolled):
    client.force_login(rolled.office)

    response = _get(client, "list_export", "results", "pdf")

    text = pdf_text(response.content)
    for result in RunResult.objects.filter(run=rolled.run).select_related("person"):
        assert result.person.name in text


def test_the_publicity_list_masks_names_even_for_the_appraisal_office(client, rolled):
    client.force_login(rolled.office)
    excellent = RunResult.objects.filter(run=rolled.run, grade=1).select_related("person")

    page = _get(client, "publicity").content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(_get(client, "list_export", "publicity", "xlsx").content)).active

    names = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(mask_name(r.person.name) for r in excellent)
    assert len(names) == 4
    for result in excellent:
        assert mask_name(result.person.name) in page
        assert result.person.name not in page


def test_a_consequence_list_holds_exactly_the_people_with_that_consequence(client, rolled):
    client.force_login(rolled.office)
    bit = 1 << CONSEQUENCES.index("commendation")

    sheet = openpyxl.load_workbook(io.BytesIO(_get(client, "list_export", "commendation", "xlsx").content)).active

    names = sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True))
    expected = sorted(r.person.name for r in RunResult.objects.filter(run=rolled.run).select_related("person")
                      if r.consequences & bit)
    assert names == expected
    assert len(names) == 4


def test_the_unit_report_comes_as_pdf_and_excel_and_both_are_audited(client, rolled):
    client.force_login(rolled.office)

    pdf = _get(client, "unit_report", "pdf", unit=rolled.city.county_a.pk)
    xlsx = _get(client, "unit_report", "xlsx", unit=rolled.city.county_a.pk)

    assert "临江区" in pdf_text(pdf.content)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["等次分布", "人员名单"]
    assert book["等次分布"].cell(2, 1).value == "临江区"
    assert book["等次分布"].cell(2, 2).value == 29
    assert _audits("analytics.unit_report.export") == 2


def test_a_supervisor_of_another_unit_gets_a_404_for_this_units_reports(client, rolled):
    client.force_login(factories.user("sup_b", role=Role.SUPERVISOR, scope=rolled.city.bureau_b))

    listing = _get(client, "list_export", "results", "xlsx", unit=rolled.city.bureau_a.pk)
    notice = _get(client, "notice", rolled.run.pk, rolled.city.zhang_san.pk)
    own = _get(client, "list_export", "results", "xlsx")

    assert listing.status_code == 404
    assert notice.status_code == 404
    names = {r[1] for r in openpyxl.load_workbook(io.BytesIO(own.content)).active.iter_rows(min_row=2,
                                                                                          values_only=True)}
    assert "陈七" in names
    assert "张三" not in names


def test_a_civil_servant_may_not_open_the_analysis_or_export_lists(client, rolled):
    client.force_login(factories.user("zs", person=rolled.city.zhang_san))

    assert _get(client, "dashboard").status_code == 403
    assert _get(client, "list_export", "results", "xlsx").status_code == 403
    assert _audits("analytics.list.results.export") == 0


def test_batch_notices_write_one_pdf_per_person_into_a_zip_with_progress_and_an_audit_row(
        rolled, django_capture_on_commit_callbacks, monkeypatch):
    from kaohe.analytics import tasks
    from kaohe.analytics.selectors import run_for, subtree_for

    monkeypatch.setattr(tasks, "CHUNK", 4)  # many chunks of whole groups over both processes, as for a city
    tree = subtree_for(rolled.office, run_for(rolled.office), rolled.city.county_a.pk)
    with django_capture_on_commit_callbacks(execute=False):
        job = notices_batch_start(actor=rolled.office, tree=tree)

    notices_batch_task(job.pk)

    job = Job.objects.get(pk=job.pk)
    people = RunResult.objects.filter(run=rolled.run, person__unit__path__startswith=rolled.city.county_a.path)
    assert job.status == JobStatus.SUCCEEDED
    assert job.done == job.total == people.count() == 29
    from django.core.files.storage import default_storage

    with default_storage.open(job.result_file, "rb") as handle, zipfile.ZipFile(handle) as archive:
        names = archive.namelist()
        zhang = next(n for n in names if n.endswith("张三.pdf"))
        assert "张三" in pdf_text(archive.read(zhang))
    assert len(names) == len(set(names)) == 29
    assert _audits("analytics.notices.export") == 1


def test_a_missing_cjk_font_is_refused_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(pdffont.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdffont, "FALLBACK_PATHS", ("/nonexistent/NotoSansCJK-Regular.ttc",))

    with pytest.raises(ApplicationError, match="fonts-noto-cjk"):
        pdffont.font_path()
