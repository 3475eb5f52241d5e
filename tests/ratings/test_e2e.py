"""A citizen rates on a 360×740 phone: five big buttons, an optional comment, then the thank-you page."""

import pytest
from playwright.sync_api import expect

from kaohe.ratings.committer import committer
from kaohe.ratings.models import FollowUp, Rating
from tests.ratings.conftest import build_rated_city, static_url, visit_url

pytestmark = pytest.mark.e2e
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth"


@pytest.fixture(autouse=True)
def _committer_lets_go_of_the_database():
    yield
    committer.release()


def test_a_citizen_rates_a_civil_servant_on_a_phone_and_sees_the_thank_you_page(phone_page):
    rated = build_rated_city()
    page = phone_page

    page.goto(static_url(rated.zhang))
    expect(page.get_by_test_id("rated")).to_have_text("张*")
    assert page.evaluate(NO_HORIZONTAL_SCROLL) <= 360
    heights = [page.get_by_test_id(f"level-{n}").bounding_box()["height"] for n in range(1, 6)]
    assert min(heights) >= 48
    page.fill("#comment", "办事很快，态度很好")
    page.get_by_test_id("level-2").tap()

    expect(page.get_by_test_id("thanks")).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL) <= 360
    rating = Rating.objects.get()
    assert (rating.target_id, rating.level, rating.comment) == (rated.zhang.pk, 2, "办事很快，态度很好")


def test_a_bad_rating_of_a_window_visit_tells_the_citizen_it_will_be_followed_up(phone_page):
    rated = build_rated_city()
    page = phone_page

    page.goto(visit_url(rated.window_target, "2026-WIN-0042"))
    assert page.evaluate(NO_HORIZONTAL_SCROLL) <= 360
    page.get_by_test_id("level-5").tap()

    expect(page.get_by_test_id("thanks")).to_be_visible()
    assert "follow_up=1" in page.url
    assert FollowUp.objects.get().rating.service_ref == "2026-WIN-0042"


def test_a_forged_code_shows_the_error_page_on_the_phone(phone_page):
    build_rated_city()
    page = phone_page

    response = page.goto("/r/eyJ0IjoicCIsImkiOjF9:1vMr8c:forgedsignature0000000000000000000000000/")

    assert response.status == 400
    expect(page.get_by_test_id("citizen-error")).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL) <= 360
