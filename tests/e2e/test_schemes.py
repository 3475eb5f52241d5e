"""The appraisal office edits a scheme's weights in the browser."""

import pytest
from playwright.sync_api import expect

from kaohe.accounts.roles import Role
from kaohe.indicators.models import Scheme, SchemeIndicator
from kaohe.indicators.services import default_content_load
from tests import factories
from tests.browser import login

pytestmark = pytest.mark.e2e


def test_a_weight_making_a_dimension_sum_to_101_shows_the_error_until_fixed_then_saves(page):
    city = factories.small_city()
    factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)
    default_content_load(actor=None, year=2026)
    scheme = Scheme.objects.get(category="service", profile="plan")

    login(page, "office", factories.PASSWORD)
    page.goto(f"/schemes/{scheme.pk}/")
    expect(page.get_by_test_id("scheme-ok")).to_be_visible()
    expect(page.locator("canvas").first).to_be_visible()

    page.fill("#w_JI02", "31")
    expect(page.get_by_test_id("scheme-problems")).to_contain_text("101")
    page.get_by_role("button", name="保存权重").click()
    expect(page.get_by_test_id("scheme-problems")).to_contain_text("101")
    expect(page.locator("#w_JI02")).to_have_value("31")
    assert SchemeIndicator.objects.get(scheme=scheme, code="JI02").weight == 30

    page.fill("#w_JI03", "29")
    expect(page.get_by_test_id("scheme-ok")).to_be_visible()
    page.get_by_role("button", name="保存权重").click()

    expect(page.get_by_role("status")).to_contain_text("已保存")
    assert SchemeIndicator.objects.get(scheme=scheme, code="JI02").weight == 31
    assert SchemeIndicator.objects.get(scheme=scheme, code="JI03").weight == 29


def test_the_rule_preview_scores_a_typed_value(page):
    city = factories.small_city()
    factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)
    default_content_load(actor=None, year=2026)
    from kaohe.indicators.models import Indicator

    indicator = Indicator.objects.get(code="JI05")
    login(page, "office", factories.PASSWORD)
    page.goto(f"/library/{indicator.pk}/?year=2026")
    page.fill("#f-preview", "90")

    expect(page.get_by_test_id("preview-score")).to_contain_text("90")
    expect(page.get_by_test_id("preview-score")).to_contain_text("90.00")
