"""Pages of feeds: upload, the import page with its status partial, confirm, downloads, feed sources."""

import io

import openpyxl
import pytest
from django.urls import reverse

from kaohe.accounts.roles import Role
from kaohe.feeds.models import FeedSource, ValueImport
from kaohe.feeds.tasks import value_import_check
from tests import factories
from tests.feeds.files import HEADERS, xlsx

pytestmark = pytest.mark.django_db


def _upload(client, data: bytes, name: str = "values.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("feeds:imports"), {"file": file})


def test_uploading_on_the_page_leads_to_the_import_page(client, content, office):
    client.force_login(office)

    response = _upload(client, xlsx([[content.zhang_san.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None]]))

    item = ValueImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feeds:import_detail", args=[item.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="checking"' in page
    assert f'hx-get="{reverse("feeds:import_status", args=[item.pk])}"' in page


def test_a_wrong_file_is_refused_on_the_page_with_the_reason(client, content, office):
    client.force_login(office)
    client.cookies["django_language"] = "en"

    response = _upload(client, b"hello", "values.txt")

    assert response.status_code == 400
    assert "Choose an Excel workbook (.xlsx) or a CSV file (.csv)." in response.content.decode()
    assert ValueImport.objects.count() == 0


def test_the_status_partial_shows_the_preview_and_the_confirm_button_when_ready(client, content, office):
    client.force_login(office)
    _upload(client, xlsx([[content.zhang_san.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None]]))
    item = ValueImport.objects.get()
    value_import_check(item.check_job_id)

    page = client.get(reverse("feeds:import_status", args=[item.pk])).content.decode()

    assert 'data-status="ready"' in page
    assert 'data-testid="confirm-import"' in page
    assert "hx-trigger" not in page
    assert client.post(reverse("feeds:import_confirm", args=[item.pk])).status_code == 302
    assert ValueImport.objects.get().status == "committing"


def test_the_error_report_downloads_as_excel(client, content, office):
    client.force_login(office)
    _upload(client, xlsx([["S999999", "某某", "JI02", 2026, 0, 1, None, None]]))
    item = ValueImport.objects.get()
    value_import_check(item.check_job_id)

    page = client.get(reverse("feeds:import_status", args=[item.pk])).content.decode()
    response = client.get(reverse("feeds:import_errors", args=[item.pk]))

    assert 'data-testid="error-report"' in page
    assert "S999999" in page
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][:3] == (2, "工号", "S999999")


def test_the_api_tells_the_status_of_ones_own_import(client, content, office):
    client.force_login(office)
    _upload(client, xlsx([[content.zhang_san.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None]]))
    item = ValueImport.objects.get()
    value_import_check(item.check_job_id)

    body = client.get(f"/api/feeds/imports/{item.pk}").json()

    assert body == {"id": item.pk, "file_name": "values.xlsx", "status": "ready", "rows": 1, "error_count": 0,
                    "percent": 100}


def test_another_users_import_is_not_found(client, content, office):
    other = factories.user("office-2", role=Role.APPRAISAL_OFFICE, scope=content.county_a)
    client.force_login(office)
    _upload(client, xlsx([[content.zhang_san.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None]]))
    item = ValueImport.objects.get()
    client.force_login(other)

    assert client.get(reverse("feeds:import_detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("feeds:import_confirm", args=[item.pk])).status_code == 404


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_templates_have_the_chinese_headers(client, content, office, file_format):
    client.force_login(office)

    response = client.get(reverse("feeds:template", args=[file_format]), {"year": 2026})

    if file_format == "csv":
        assert response.content.decode("utf-8-sig").strip() == ",".join(HEADERS)
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["指标数据", "填写说明", "指标代码"]
        assert next(book["指标数据"].values) == tuple(HEADERS)
        assert ("DE02", "职业道德", None, "好、较好、一般、较差") in list(book["指标代码"].values)


def test_a_system_administrator_creates_a_feed_source_and_sees_its_secret_once(client, content):
    admin = factories.user("sysadmin", role=Role.SYSTEM_ADMIN, scope=content.city)
    client.force_login(admin)

    page = client.post(reverse("feeds:sources"), {"name": "一网通办", "kind": "one_net", "unit": content.county_a.pk,
                                                  "codes": "JI02，ji10"}).content.decode()

    source = FeedSource.objects.get()
    assert (source.allowed_codes, source.scope_unit_id) == (["JI02", "JI10"], content.county_a.pk)
    assert f'data-testid="new-secret">{source.secret}<' in page
    assert source.secret not in client.get(reverse("feeds:sources")).content.decode()


def test_the_feed_sources_page_is_for_system_administrators_only(client, content, office):
    client.force_login(office)

    assert client.get(reverse("feeds:sources")).status_code == 403
