"""Twenty citizens submitting the same visit code at once store exactly one rating (database constraint)."""

import threading

import pytest
from django.db import connection

from kaohe.ratings.committer import committer
from kaohe.ratings.models import FollowUp, Rating
from kaohe.ratings.services import RatingRefusedError, rating_submit
from tests.ratings.conftest import build_rated_city, visit_item

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 20


@pytest.fixture(autouse=True)
def _committer_lets_go_of_the_database():
    yield
    committer.release()


def race(item, *, grouped):
    """Submit `item` from 20 threads released together; return the answers."""
    start = threading.Barrier(THREADS)
    answers: list[str] = []

    def submit():
        start.wait()
        try:
            rating_submit(item=item, grouped=grouped)
            answers.append("stored")
        except RatingRefusedError as refused:
            answers.append(refused.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(answers)


def test_twenty_concurrent_transactions_with_one_reference_store_one_rating():
    rated = build_rated_city()

    answers = race(visit_item(rated.zhang, "2026-RACE-1", level=4), grouped=False)

    assert answers == ["already_stored"] * 19 + ["stored"]
    assert Rating.objects.filter(service_ref="2026-RACE-1").count() == 1
    assert FollowUp.objects.count() == 1


def test_twenty_concurrent_grouped_submissions_with_one_reference_store_one_rating():
    rated = build_rated_city()

    answers = race(visit_item(rated.zhang, "2026-RACE-2", level=2), grouped=True)

    assert answers == ["already_stored"] * 19 + ["stored"]
    assert Rating.objects.filter(service_ref="2026-RACE-2").count() == 1


def test_concurrent_different_levels_for_one_reference_keep_the_first_and_call_the_rest_duplicates():
    rated = build_rated_city()
    items = [visit_item(rated.zhang, "2026-RACE-3", level=1 + i % 5) for i in range(THREADS)]
    start = threading.Barrier(THREADS)
    answers: list[str] = []

    def submit(item):
        start.wait()
        try:
            rating_submit(item=item, grouped=False)
            answers.append("stored")
        except RatingRefusedError as refused:
            answers.append(refused.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    stored = Rating.objects.get(service_ref="2026-RACE-3")
    same_level = sum(1 for item in items if item.level == stored.level) - 1
    assert answers.count("stored") == 1
    assert answers.count("already_stored") == same_level
    assert answers.count("duplicate") == THREADS - 1 - same_level
