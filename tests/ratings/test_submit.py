"""Submitting a rating: the citizen's page, the stored row, the follow-up of a bad rating, refusals."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from kaohe.audit.models import AuditEvent
from kaohe.ratings.models import FollowUp, Rating
from kaohe.ratings.services import RatingRefusedError, rating_submit
from kaohe.ratings.store import Reason
from tests.ratings.conftest import SEPT_30, static_url, visit_item, visit_url

pytestmark = pytest.mark.django_db


def in_chinese(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def test_the_citizen_page_shows_the_masked_name_and_five_levels(client, rated):
    response = client.get(static_url(rated.zhang))

    html = response.content.decode()
    assert response.status_code == 200
    assert "张*" in html
    assert "张三" not in html
    assert "临江区民政局" in html
    assert [f'data-testid="level-{n}"' in html for n in range(1, 6)] == [True] * 5
    assert response.cookies["kh_device"]["httponly"] is True


def test_a_rating_from_the_page_is_stored_with_hashes_and_an_encrypted_comment(client, rated):
    response = client.post(visit_url(rated.zhang, "2026-BJ-0001"), {"level": "2", "comment": "很耐心 13812345678"},
                           REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302
    assert response["Location"] == "/r/thanks/"
    rating = Rating.objects.get()
    assert (rating.target_id, rating.unit_id, rating.level, rating.channel, rating.service_ref) == (
        rated.zhang.pk, rated.city.bureau_a.pk, 2, "scan", "2026-BJ-0001")
    assert rating.comment == "很耐心 13812345678"
    assert len(rating.ip_hash) == 64
    assert "203.0.113.9" not in rating.ip_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT comment, ip_hash FROM ratings_rating")
        stored_comment, _stored_ip = cursor.fetchone()
    assert stored_comment.startswith("v1.")
    assert "1381234" not in stored_comment
    assert FollowUp.objects.count() == 0
    event = AuditEvent.objects.get(action="ratings.rating.submit")
    assert (event.actor, event.ip, event.object_id) == ("system", "", str(rating.pk))
    assert "203.0.113.9" not in event.detail


def test_the_thank_you_page_answers(client):
    response = client.get("/r/thanks/")

    assert response.status_code == 200
    assert 'data-testid="thanks"' in response.content.decode()


def test_a_bad_rating_opens_a_follow_up_due_in_five_working_days_after_the_holiday(rated):
    outcome = rating_submit(item=visit_item(rated.zhang, "case-1", level=4), today=SEPT_30)

    case = FollowUp.objects.get()
    # 9月30日 (Wed) + 5 working days: 10月8日, 9日, 10日 (Saturday, made a working day), 12日, 13日.
    assert (case.rating_id, case.unit_id, case.status, case.opened_on, case.due_on) == (
        outcome.rating_id, rated.city.bureau_a.pk, "open", SEPT_30, dt.date(2026, 10, 13))
    assert outcome.follow_up_due == dt.date(2026, 10, 13)


def test_very_dissatisfied_opens_a_follow_up_and_basically_satisfied_does_not(rated):
    rating_submit(item=visit_item(rated.zhang, "case-1", level=5), today=SEPT_30)
    rating_submit(item=visit_item(rated.zhang, "case-2", level=3), today=SEPT_30)

    assert sorted(FollowUp.objects.values_list("rating__service_ref", flat=True)) == ["case-1"]


def test_a_bad_rating_in_a_year_without_calendar_is_refused_and_nothing_is_written(rated):
    with pytest.raises(RatingRefusedError) as refused:
        rating_submit(item=visit_item(rated.zhang, "case-2027", level=4), today=dt.date(2027, 1, 4))

    assert (refused.value.reason, refused.value.status) == (Reason.NO_CALENDAR, 503)
    assert "working-day calendar" in refused.value.message
    assert (Rating.objects.count(), FollowUp.objects.count()) == (0, 0)
    assert not AuditEvent.objects.filter(action__startswith="ratings.rating").exists()


def test_a_good_rating_in_such_a_year_is_stored_all_the_same(rated):
    rating_submit(item=visit_item(rated.zhang, "case-2027", level=1), today=dt.date(2027, 1, 4))

    assert Rating.objects.get().rated_on == dt.date(2027, 1, 4)


def test_a_service_reference_is_rated_once_and_a_replay_is_told_apart(rated):
    rating_submit(item=visit_item(rated.zhang, "case-1", level=2), today=SEPT_30)

    with pytest.raises(RatingRefusedError) as replay:
        rating_submit(item=visit_item(rated.zhang, "case-1", level=2), today=SEPT_30)
    with pytest.raises(RatingRefusedError) as other:
        rating_submit(item=visit_item(rated.window_target, "case-1", level=5), today=SEPT_30)

    assert (replay.value.reason, replay.value.status) == (Reason.ALREADY_STORED, 409)
    assert (other.value.reason, other.value.status) == (Reason.DUPLICATE, 409)
    assert Rating.objects.count() == 1
    assert FollowUp.objects.count() == 0


def test_the_page_refuses_a_second_rating_of_the_same_visit_with_409(client, rated):
    url = visit_url(rated.zhang, "case-9")
    client.post(url, {"level": "1"})

    again = client.post(url, {"level": "3"})

    assert again.status_code == 409
    assert in_chinese("This service has already been rated. Each service is rated once.") in again.content.decode()
    assert Rating.objects.count() == 1


def test_a_level_outside_the_five_is_refused_on_the_page_and_nothing_is_written(client, rated):
    response = client.post(visit_url(rated.zhang, "case-3"), {"level": "6", "comment": "x"})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Rating.objects.count() == 0


def test_a_comment_over_500_characters_is_refused(client, rated):
    response = client.post(visit_url(rated.zhang, "case-4"), {"level": "1", "comment": "长" * 501})

    assert response.status_code == 400
    assert Rating.objects.count() == 0


def test_a_rating_of_an_inactive_target_is_refused_with_410(client, rated):
    rated.zhang.active = False
    rated.zhang.save(update_fields=["active"])

    response = client.post(visit_url(rated.zhang, "case-5"), {"level": "1"})

    assert response.status_code == 410
    assert Rating.objects.count() == 0


def test_a_window_is_rated_by_its_own_code(client, rated):
    page = client.get(static_url(rated.window_target)).content.decode()
    client.post(static_url(rated.window_target), {"level": "1"})

    assert in_chinese("Window %(number)s") % {"number": "3"} + " · 社会救助" in page
    rating = Rating.objects.get()
    assert (rating.target_id, rating.unit_id) == (rated.window_target.pk, rated.city.bureau_a.pk)
    assert rating.service_ref.startswith("walkin:")


def test_a_person_no_longer_in_post_is_not_rated(client, rated):
    from kaohe.org.services import person_set_status

    person_set_status(actor=None, person=rated.city.zhang_san, status="retired")

    response = client.post(visit_url(rated.zhang, "case-6"), {"level": "1"})

    assert response.status_code == 410
    assert Rating.objects.count() == 0
