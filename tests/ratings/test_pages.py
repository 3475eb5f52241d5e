"""Staff pages: a unit's codes and its A4 sheet, the follow-up queue with overdue cases in red, a case,
the contests to decide. Each is scoped."""

import datetime as dt

import pytest

from kaohe.ratings import services
from kaohe.ratings.models import FollowUp, RatingTarget, ServiceWindow
from kaohe.ratings.services import rating_submit
from kaohe.ratings.sheet import FontMissingError
from tests import factories
from tests.ratings.conftest import SEPT_30, visit_item
from tests.ratings.pdftext import page_count, texts

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_the_sheet_holds_the_unit_s_people_masked_and_its_window(client, rated, people):
    response = login(client, people.bureau_office).post(f"/r/units/{rated.city.bureau_a.pk}/codes.pdf")

    pdf = response.content
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    lines = texts(pdf)
    assert {"张*", "李*"} <= set(lines)
    assert not any("张三" in line or "李四" in line for line in lines)
    assert any("临江区民政局" in line for line in lines)
    assert sum(1 for line in lines if line in ("张*", "李*")) == 2


def test_a_unit_of_thirteen_codes_prints_on_two_pages(client, rated, people):
    for i in range(10):
        factories.person(f"职员{i}", rated.city.bureau_a)

    response = login(client, people.bureau_office).post(f"/r/units/{rated.city.bureau_a.pk}/codes.pdf")

    assert page_count(response.content) == 2
    assert RatingTarget.objects.filter(person__unit=rated.city.bureau_a).count() == 12


def test_the_sheet_says_clearly_when_the_cjk_font_is_missing(client, rated, people, monkeypatch):
    monkeypatch.setattr("kaohe.ratings.sheet.FONT_FAMILY", "No Such Font CJK")

    response = login(client, people.bureau_office).post(f"/r/units/{rated.city.bureau_a.pk}/codes.pdf")

    assert response.status_code == FontMissingError.status
    assert "fonts-noto-cjk" in response.content.decode()


def test_another_county_s_office_cannot_print_the_bureau_s_codes(client, rated, people):
    client = login(client, people.other_office)

    assert client.get(f"/r/units/{rated.city.bureau_a.pk}/codes/").status_code == 404
    assert client.post(f"/r/units/{rated.city.bureau_a.pk}/codes.pdf").status_code == 404
    assert client.get(f"/r/targets/{rated.zhang.pk}/qr.svg").status_code == 404


def test_the_codes_page_lists_people_and_windows_and_serves_a_qr_image(client, rated, people):
    client = login(client, people.bureau_leader)

    page = client.get(f"/r/units/{rated.city.bureau_a.pk}/codes/").content.decode()
    image = client.get(f"/r/targets/{rated.zhang.pk}/qr.svg")

    assert "张三" in page
    assert "社会救助" in page
    assert image["Content-Type"] == "image/svg+xml"
    assert image.content.startswith(b"<svg")


def test_a_window_is_added_and_a_person_placed_at_it(client, rated, people):
    client = login(client, people.bureau_office)

    client.post(f"/r/units/{rated.city.bureau_a.pk}/windows/", {"number": "5", "name": "婚姻登记"})
    window = ServiceWindow.objects.get(number="5")
    client.post(f"/r/targets/{rated.li.pk}/window/", {"window": str(window.pk)})

    rated.li.refresh_from_db()
    assert rated.li.serves_at == window
    assert RatingTarget.objects.filter(window=window).count() == 1


def test_the_queue_shows_an_overdue_case_in_red_and_a_later_one_in_green(client, rated, people):
    rating_submit(item=visit_item(rated.zhang, "old", level=4), today=SEPT_30)  # due 2026-10-13
    rating_submit(item=visit_item(rated.li, "new", level=5), today=dt.date(2026, 11, 23))  # due 2026-11-30
    old, new = FollowUp.objects.order_by("due_on")

    page = login(client, people.bureau_office).get("/r/follow-ups/").content.decode()

    assert f'data-testid="case-{old.pk}"' in page
    assert page.index(f'data-testid="case-{old.pk}"') < page.index(f'data-testid="case-{new.pk}"')
    old_row = page[page.index(f'data-testid="case-{old.pk}"'):page.index(f'data-testid="case-{new.pk}"')]
    assert 'class="light-red" data-light="red"' in old_row
    assert 'data-light="green"' in page[page.index(f'data-testid="case-{new.pk}"'):]


def test_the_queue_of_another_county_is_empty(client, rated, people):
    rating_submit(item=visit_item(rated.zhang, "old", level=4), today=SEPT_30)

    page = login(client, people.other_office).get("/r/follow-ups/").content.decode()

    assert 'data-testid="case-' not in page


def test_the_case_page_records_a_visit_and_refuses_an_empty_note_in_place(client, rated, people):
    rating_submit(item=visit_item(rated.zhang, "c", level=4, comment="请回电"), today=SEPT_30)
    case = FollowUp.objects.get()
    client = login(client, people.bureau_office)

    page = client.get(f"/r/follow-ups/{case.pk}/").content.decode()
    empty = client.post(f"/r/follow-ups/{case.pk}/", {"action": "visit", "note": ""})
    done = client.post(f"/r/follow-ups/{case.pk}/", {"action": "visit", "note": "已回访"})

    assert "请回电" in page
    assert 'data-testid="action-visit"' in page
    assert 'data-testid="action-uphold"' not in page
    assert empty.status_code == 400
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "visited"


def test_the_inspector_sees_the_contest_and_decides_it_on_the_case_page(client, rated, people):
    rating_submit(item=visit_item(rated.zhang, "c", level=5), today=SEPT_30)
    case = FollowUp.objects.get()
    services.follow_up_contest(actor=people.bureau_office, follow_up=case, reason="恶意评价")
    client = login(client, people.inspector)

    listing = client.get("/r/contests/").content.decode()
    page = client.get(f"/r/follow-ups/{case.pk}/").content.decode()
    client.post(f"/r/follow-ups/{case.pk}/", {"action": "uphold", "note": "属实"})

    assert f'data-testid="case-{case.pk}"' in listing
    assert 'data-testid="action-uphold"' in page
    assert 'data-testid="action-visit"' not in page
    case.refresh_from_db()
    assert case.status == "upheld"


def test_the_bureau_office_does_not_see_its_own_contest_to_decide(client, rated, people):
    rating_submit(item=visit_item(rated.zhang, "c", level=5), today=SEPT_30)
    case = FollowUp.objects.get()
    services.follow_up_contest(actor=people.bureau_office, follow_up=case, reason="恶意评价")

    listing = login(client, people.bureau_office).get("/r/contests/").content.decode()
    refused = client.post(f"/r/follow-ups/{case.pk}/", {"action": "uphold", "note": "同意"})

    assert f'data-testid="case-{case.pk}"' not in listing
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.status == "contested"
