"""Unit appraisal in the browser: a township's page with its radar chart, and the 9-box grid of a unit."""

import pytest
from playwright.sync_api import expect

from kaohe.accounts.roles import Role
from kaohe.appraisal import quarterly
from kaohe.appraisal.services import cycle_open
from kaohe.indicators.services import default_content_load
from kaohe.units.services import unit_run_execute
from tests import factories
from tests.browser import login
from tests.units.conftest import AS_OF, YEAR, record_values

pytestmark = pytest.mark.e2e

TOWNSHIP_VALUES = {"UT01": 92, "UT02": 88, "UT03": 95, "UT04": 90, "UT05": 100, "UT06": 85, "UC02": 91, "UC03": 88,
                   "UC04": 86}


def test_the_office_opens_a_townships_appraisal_with_its_radar_and_a_units_nine_box(page):
    city = factories.small_city()
    default_content_load(actor=None, year=YEAR)
    cycle = cycle_open(actor=None, name="2026年度考核", year=YEAR, root=city.city)
    record_values(city.township_a, TOWNSHIP_VALUES, level="好")
    unit_run_execute(actor=None, cycle=cycle, as_of=AS_OF)
    office = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)
    boss = factories.user("boss", role=Role.SUPERVISOR, scope=city.county_a)
    quarterly.quarter_grade(actor=boss, person=city.wang_wu, year=YEAR, quarter=1, grade=2, performance=3,
                            potential=3)

    login(page, office.username, factories.PASSWORD)
    page.goto(f"/cycles/{cycle.pk}/units/")
    page.get_by_role("link", name="临江区城关街道").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("临江区城关街道 · 良好")  # alone: no 优秀 place
    radar = page.get_by_test_id("unit-radar")
    expect(radar.locator("canvas")).to_have_count(1)  # ECharts drew the radar
    expect(page.get_by_test_id("explanation")).to_contain_text("良好")

    page.goto(f"/units/{city.county_a.pk}/")
    page.get_by_test_id("talent-link").click()
    expect(page.get_by_test_id("nine-box").locator("[data-box='3-3']")).to_contain_text("王五")
    expect(page.get_by_test_id("talent-pool")).to_contain_text("王五")
