"""The leader's dashboard in a real browser: charts drawn, no console error, drill-down to a unit and a person."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from kaohe.accounts.roles import Role
from kaohe.analytics.rollups import rollups_refresh
from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
from tests import factories
from tests.appraisal.test_scoring_runs import _city_with_people
from tests.browser import login

pytestmark = pytest.mark.e2e


def test_leader_dashboard_draws_its_charts_and_drills_down_to_a_unit_and_a_person(page):
    city = _city_with_people()
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=dt.date(2026, 12, 31))
    rollups_refresh(run)
    factories.user("leader", role=Role.COMMITTEE, scope=city.city)

    login(page, "leader", factories.PASSWORD)
    page.goto("/analysis/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("江州市")
    for chart in ("distribution", "histogram", "comparison", "radar", "trend"):
        expect(page.locator(f"[data-analytics-chart='chart-{chart}'] canvas")).to_have_count(1)
        expect(page.locator(f"[data-analytics-chart='chart-{chart}']")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("chart-distribution").locator("details table tbody tr")).to_have_count(2)

    page.get_by_test_id("drill-unit").filter(has_text="临江区").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("临江区")
    page.get_by_test_id("drill-unit").filter(has_text="临江区民政局").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("临江区民政局")
    page.get_by_test_id("unit-results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("临江区民政局")
    page.get_by_role("link", name="张三").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    expect(page.locator("[data-chart='radar-data'] canvas")).to_have_count(1)
