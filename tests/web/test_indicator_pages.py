"""Library and scheme pages for the appraisal office; API endpoints behind them."""

import pytest
from django.urls import reverse

from kaohe.accounts.roles import Role
from kaohe.indicators.models import Indicator, Scheme
from kaohe.indicators.services import default_content_load
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(city):
    default_content_load(actor=None, year=2026)
    return factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)


def test_library_filters_by_dimension_and_kind(client, office):
    client.force_login(office)

    page = client.get(reverse("web:library"), {"year": 2026, "dimension": "lian", "kind": "veto"}).content.decode()

    assert "LI02" in page
    assert "LI01" not in page
    assert "JI01" not in page


def test_library_of_2025_lists_the_retired_meeting_indicator(client, office):
    client.force_login(office)

    assert "会议出席率" in client.get(reverse("web:library"), {"year": 2025}).content.decode()
    assert "会议出席率" not in client.get(reverse("web:library"), {"year": 2026}).content.decode()


def test_diff_page_shows_added_and_retired(client, office):
    client.force_login(office)

    page = client.get(reverse("web:library_diff"), {"from": 2025, "to": 2026}).content.decode()

    assert "JI10" in page
    assert "QI04" in page


def test_creating_an_indicator_with_bad_json_keeps_what_was_typed(client, office):
    client.force_login(office)
    form = {"code": "JI99", "name_zh": "新指标", "name_en": "New", "dimension": "ji", "kind": "quantitative",
            "source": "import", "direction": "higher", "rule_kind": "ratio", "rule_params": "{target: 100",
            "year": "2026"}

    response = client.post(reverse("web:indicator_new"), form)

    assert response.status_code == 400
    assert "新指标" in response.content.decode()
    assert "{target: 100" in response.content.decode()
    assert not Indicator.objects.filter(code="JI99").exists()


def test_creating_a_valid_indicator_redirects_to_the_library(client, office):
    client.force_login(office)
    form = {"code": "JI99", "name_zh": "新指标", "name_en": "New", "dimension": "ji", "kind": "quantitative",
            "source": "import", "direction": "higher", "rule_kind": "ratio", "rule_params": '{"target": 100}',
            "target": "100", "year": "2026"}

    response = client.post(reverse("web:indicator_new"), form)

    assert response.status_code == 302
    assert Indicator.objects.get(code="JI99").year_from == 2026


def test_the_preview_partial_scores_a_value(client, office):
    client.force_login(office)

    response = client.post(reverse("web:rule_preview"),
                           {"rule_kind": "lower_better", "rule_params": '{"k": 10}', "preview_value": "2.5"})

    assert "75.00" in response.content.decode()


def test_scheme_check_partial_reports_a_sum_of_101_without_saving(client, office):
    client.force_login(office)
    scheme = Scheme.objects.get(category="service", profile="plan")
    form = {f"dim_{k}": v for k, v in scheme.dimension_weights.items()}
    form.update({f"w_{i.code}": str(i.weight) for i in scheme.items.all()})
    form["w_JI02"] = "31"

    response = client.post(reverse("web:scheme_check", args=[scheme.pk]), form)

    assert "101" in response.content.decode()
    assert scheme.items.get(code="JI02").weight == 30


def test_api_lists_schemes_and_refuses_bad_weights_with_problems(client, office):
    client.force_login(office)
    scheme = Scheme.objects.get(category="service", profile="plan")
    body = {"dimension_weights": scheme.dimension_weights,
            "indicator_weights": {i.code: str(i.weight) for i in scheme.items.all()}}
    body["indicator_weights"]["JI02"] = "31"

    response = client.put(f"/api/indicators/schemes/{scheme.pk}/weights", body, content_type="application/json")

    assert response.status_code == 400
    assert [p["code"] for p in response.json()["problems"]] == ["indicator_weights_sum"]


def test_api_ahp_returns_weights_and_consistency(client, office):
    client.force_login(office)

    body = client.post("/api/indicators/ahp", {"matrix": [[1, 3], [1 / 3, 1]]}, content_type="application/json").json()

    assert body == {"weights": ["75.00", "25.00"], "cr": 0.0, "acceptable": True}


def test_the_preview_of_a_rubric_reads_a_level(client, office):
    client.force_login(office)

    response = client.post(reverse("web:rule_preview"), {"rule_kind": "rubric",
                           "rule_params": '{"levels": [["好", 100], ["较好", 85]]}', "preview_value": "较好"})

    assert "85.00" in response.content.decode()


def test_library_export_downloads_an_audited_workbook_that_imports_back_unchanged(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaohe.audit.models import AuditEvent

    client.force_login(office)
    exported = client.get(reverse("web:library_export"), {"year": 2026})
    upload = SimpleUploadedFile("library.xlsx", exported.content)
    response = client.post(reverse("web:library_import"), {"year": 2026, "file": upload})

    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="indicators.library.export", actor="office").count() == 1
    assert response.status_code == 200
    assert response.context["report"].errors == []
    assert len(response.context["report"].unchanged) == 25 + 22  # people's and units' indicators


def test_a_bad_file_offers_the_error_report_and_imports_nothing(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(office)
    count = Indicator.objects.count()

    response = client.post(reverse("web:library_import"), {"year": 2026, "commit": "1",
                                                          "file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    report = client.get(reverse("web:import_errors", args=[response.context["error_file"]]))

    assert response.status_code == 400
    assert Indicator.objects.count() == count
    assert report.status_code == 200
