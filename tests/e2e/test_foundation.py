"""The first things an appraisal officer and a civil servant do in the browser."""

import pytest
from playwright.sync_api import expect

from kaohe.accounts.roles import Role
from tests import factories
from tests.browser import login

pytestmark = pytest.mark.e2e


def test_office_switches_language_finds_a_person_by_initials_and_opens_the_page(page):
    city = factories.small_city()
    factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)

    login(page, "office", factories.PASSWORD)
    expect(page.get_by_role("heading", level=2).first).to_have_text("待我处理")

    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("What needs you now")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("待我处理")

    page.get_by_role("navigation").get_by_role("link", name="人员").click()
    page.fill("#q", "zs")
    expect(page.locator("#people-rows tr")).to_have_count(1)
    page.get_by_role("link", name="张三").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    expect(page.locator("dl.facts")).to_contain_text(city.zhang_san.id_number[-4:])
    expect(page.locator("dl.facts")).not_to_contain_text(city.zhang_san.id_number)


def test_civil_servant_is_refused_a_colleagues_page(page):
    city = factories.small_city()
    factories.user("zs", person=city.zhang_san)

    login(page, "zs", factories.PASSWORD)
    response = page.goto(f"/people/{city.li_si.pk}/")

    assert response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("数据范围")
    expect(page.locator("main")).not_to_contain_text("李四")


def test_unit_tree_expands_children_on_demand(page):
    city = factories.small_city()
    factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)

    login(page, "office", factories.PASSWORD)
    page.goto("/units/")
    page.locator("summary", has_text="江州市").click()

    expect(page.get_by_role("link", name="临江区", exact=True)).to_be_visible()
