"""Analysis pages and API: scope, drill-down, the methods explained, statements per dashboard."""

import pytest
from django.db import connection
from django.urls import reverse

from kaohe.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

STATISTICS = ("leniency", "mutual", "correlation", "clusters", "dea")


def test_the_dashboard_shows_every_chart_with_its_table_and_the_drill_down(client, rolled):
    client.force_login(rolled.office)

    page = client.get(reverse("analytics:dashboard")).content.decode()

    for chart in ("distribution", "histogram", "comparison", "radar", "trend"):
        assert f'data-analytics-chart="chart-{chart}"' in page
        assert f'id="chart-{chart}"' in page
    assert page.count("<details>") >= 5
    assert f"unit={rolled.city.county_a.pk}" in page
    assert "江州市" in page


def test_a_leaf_units_dashboard_links_to_its_results_page(client, rolled):
    client.force_login(rolled.office)
    bureau = rolled.city.bureau_a

    page = client.get(reverse("analytics:dashboard"), {"unit": bureau.pk}).content.decode()

    assert reverse("web:unit_results", args=[rolled.run.pk, bureau.pk]) in page


def test_the_dashboard_reads_the_same_number_of_rows_whatever_the_number_of_people(client, rolled):
    client.force_login(rolled.office)
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(reverse("analytics:dashboard"))

    assert response.status_code == 200
    result_reads = [s for s in statements if 'FROM "appraisal_runresult"' in s]
    assert len(result_reads) == 0  # the city's dashboard reads roll-ups only (a leaf unit adds its gate list)
    assert len(statements) <= 40


def test_a_supervisor_sees_only_their_subtree_and_gets_404_for_another_unit(client, rolled):
    client.force_login(factories.user("sup_a", role=Role.SUPERVISOR, scope=rolled.city.bureau_a))

    own = client.get(reverse("analytics:dashboard"))
    other = client.get(reverse("analytics:dashboard"), {"unit": rolled.city.bureau_b.pk})
    api = client.get("/api/analytics/dashboard", {"unit": rolled.city.bureau_b.pk})

    assert own.status_code == 200
    assert "临江区民政局" in own.content.decode()
    assert "青阳县" not in own.content.decode().split("<main", 1)[1].split("Five dimensions")[0]
    assert other.status_code == 404
    assert api.status_code == 404


@pytest.mark.parametrize("name", STATISTICS)
def test_each_statistics_page_explains_its_method(client, rolled, name):
    client.force_login(rolled.office)

    response = client.get(reverse(f"analytics:{name}"))

    assert response.status_code == 200
    assert 'data-testid="method"' in response.content.decode()


def test_the_api_gives_the_data_behind_every_chart(client, rolled):
    client.force_login(rolled.office)

    data = client.get("/api/analytics/dashboard").json()

    assert set(data["charts"]) == {"distribution", "histogram", "comparison", "radar", "trend"}
    assert data["total"]["people"] == 38
    assert data["charts"]["distribution"]["table"]["rows"][0][0] == "临江区"
    assert sum(data["charts"]["histogram"]["series"][0]["values"]) == 38


def test_the_list_api_pages_by_keyset_and_masks_the_publicity_list(client, rolled):
    client.force_login(rolled.office)

    first = client.get("/api/analytics/lists/results", {"limit": 20}).json()
    second = client.get("/api/analytics/lists/results", {"limit": 20, "cursor": first["next_cursor"]}).json()
    publicity = client.get("/api/analytics/lists/publicity").json()

    assert len(first["rows"]) == 20
    assert len(second["rows"]) == 18
    assert second["next_cursor"] == ""
    assert all("*" in r["name"] and r["person_id"] is None for r in publicity["rows"])


def test_a_civil_servant_gets_403_from_the_analysis_api(client, rolled):
    client.force_login(factories.user("zs", person=rolled.city.zhang_san))

    assert client.get("/api/analytics/dashboard").status_code == 403
    assert client.get("/api/analytics/lists/results").status_code == 403
