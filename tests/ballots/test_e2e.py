"""In the browser: the office opens a round, five colleagues vote, the office closes it and sees the
results, with a group below the minimum shown as hidden."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from kaohe.ballots.models import BallotRound, Participation
from tests import factories
from tests.ballots.conftest import build_bureau
from tests.browser import _page, login

pytestmark = pytest.mark.e2e


def _vote(browser, live_server, username, score):
    context, voter_page, errors = _page(browser, live_server, viewport={"width": 1366, "height": 768}, locale="zh-CN")
    try:
        login(voter_page, username, factories.PASSWORD)
        voter_page.goto("/ballots/")
        voter_page.get_by_test_id("vote-link").click()
        inputs = voter_page.get_by_test_id("ballot-form").locator("input[type=number]")
        expect(inputs).to_have_count(5)
        for i in range(5):
            inputs.nth(i).fill(str(score))
        voter_page.get_by_test_id("ballot-form").locator("button[type=submit]").click()
        expect(voter_page.get_by_test_id("receipt")).to_be_visible()
        expect(voter_page.get_by_test_id("receipt")).not_to_contain_text(str(score))
    finally:
        context.close()
    assert errors == []


def test_a_round_from_open_to_close_shows_large_groups_and_hides_small_ones(page, browser, live_server):
    bureau = build_bureau(5, name="江州市民政局")
    voters = {person.pk: bureau.user_of(person).username for person in bureau.a_staff}
    with translation.override("zh-hans"):
        hidden = gettext("Too few ballots, hidden")

    login(page, bureau.office.username, factories.PASSWORD)
    page.goto("/ballots/rounds/")
    page.select_option("#b-unit", str(bureau.unit.pk))
    page.fill("#b-name", "2026年度民主测评")
    page.get_by_test_id("round-create").locator("button[type=submit]").click()
    expect(page.get_by_test_id("roster")).to_contain_text(bureau.a_head.name)
    page.locator("form[action$='/open/'] button").click()
    expect(page.get_by_test_id("progress")).to_contain_text("0")
    rnd = BallotRound.objects.get(name="2026年度民主测评")
    assert rnd.status == "open"

    for i, username in enumerate(voters.values()):
        _vote(browser, live_server, username, 70 + i)

    page.reload()
    expect(page.get_by_test_id("progress")).to_contain_text("5")
    assert Participation.objects.filter(round=rnd).count() == 5
    page.locator("form[action$='/close/'] button").click()

    results = page.get_by_test_id("results")
    expect(results).to_be_visible()
    head_peers = results.locator(f"tr[data-ratee='{bureau.a_head.name}'] td[data-role='peer']")
    expect(head_peers).to_have_attribute("data-state", "shown")
    expect(head_peers).to_contain_text("72.00")
    expect(head_peers).to_contain_text("n=5")
    staff_peers = results.locator(f"tr[data-ratee='{bureau.a_staff[0].name}'] td[data-role='peer']")
    expect(staff_peers).to_have_attribute("data-state", "hidden")
    expect(staff_peers).to_have_text(hidden)
    expect(results.locator("td[data-state='shown']")).to_have_count(2)
