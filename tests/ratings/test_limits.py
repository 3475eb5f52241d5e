"""Walk-in limits: per network 10 a minute and 100 a day, per device 1 a target a day; 429 in Chinese."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from kaohe.ratings.models import Rating
from tests import factories
from tests.ratings.conftest import static_url, visit_url

pytestmark = pytest.mark.django_db
REDIS_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15",
                  "KEY_PREFIX": "kaohe-test-ratings"},
}


def in_chinese(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def many_targets(rated, n):
    from kaohe.ratings.services import targets_ensure

    for i in range(n):
        factories.person(f"员工{i}", rated.city.station_a)
    return targets_ensure(actor=None, unit=rated.city.station_a)


def rate_from(client, target, ip, device):
    client.cookies["kh_device"] = device
    return client.post(static_url(target), {"level": "1"}, REMOTE_ADDR=ip)


def test_the_eleventh_walk_in_rating_from_one_network_in_a_minute_is_429(client, rated):
    targets = many_targets(rated, 11)

    answers = [rate_from(client, t, "198.51.100.7", f"{i:032x}").status_code for i, t in enumerate(targets[:11])]

    assert answers == [302] * 10 + [429]
    assert Rating.objects.count() == 10


def test_the_429_page_says_why_in_the_page_language(client, rated):
    targets = many_targets(rated, 11)
    for i, target in enumerate(targets[:10]):
        rate_from(client, target, "198.51.100.7", f"{i:032x}")

    response = rate_from(client, targets[10], "198.51.100.7", "f" * 32)

    assert response.status_code == 429
    assert in_chinese("Too many ratings from this network. Please try again in a minute.") in response.content.decode()


def test_another_network_is_not_held_back(client, rated):
    targets = many_targets(rated, 11)
    for i, target in enumerate(targets[:10]):
        rate_from(client, target, "198.51.100.7", f"{i:032x}")

    assert rate_from(client, targets[10], "198.51.100.8", "e" * 32).status_code == 302


@override_settings(KAOHE_RATINGS_RATES={"ip_minute": "1000/m", "ip_day": "3/d"})
def test_the_daily_limit_of_a_network_is_429(client, rated):
    targets = many_targets(rated, 4)

    answers = [rate_from(client, t, "198.51.100.7", f"{i:032x}").status_code for i, t in enumerate(targets[:4])]

    assert answers == [302, 302, 302, 429]


def test_one_device_rates_a_target_once_a_day(client, rated):
    first = rate_from(client, rated.zhang, "198.51.100.7", "a" * 32)
    second = rate_from(client, rated.zhang, "198.51.100.7", "a" * 32)
    other_target = rate_from(client, rated.li, "198.51.100.7", "a" * 32)

    assert (first.status_code, second.status_code, other_target.status_code) == (302, 429, 302)
    assert in_chinese("You have already rated this service today. Thank you.") in second.content.decode()
    assert Rating.objects.count() == 2


def test_the_database_still_refuses_a_second_walk_in_when_the_counters_were_lost(client, rated):
    rate_from(client, rated.zhang, "198.51.100.7", "a" * 32)
    caches["ratelimit"].clear()

    again = rate_from(client, rated.zhang, "198.51.100.7", "a" * 32)

    assert again.status_code == 409
    assert Rating.objects.count() == 1


def test_visit_codes_are_not_held_back_by_the_network_limit(client, rated):
    answers = [client.post(visit_url(rated.zhang, f"case-{i}"), {"level": "1"}, REMOTE_ADDR="198.51.100.7").status_code
               for i in range(12)]

    assert answers == [302] * 12


@pytest.mark.redis
@override_settings(CACHES=REDIS_CACHES)
def test_limits_count_on_redis_under_keyed_hashes_only(client, rated):
    caches["ratelimit"].clear()
    targets = many_targets(rated, 11)

    answers = [rate_from(client, t, "198.51.100.7", f"{i:032x}").status_code for i, t in enumerate(targets[:11])]

    keys = [k.decode() for k in caches["ratelimit"]._cache.get_client().keys("*kaohe-test-ratings*")]
    caches["ratelimit"].clear()
    assert answers == [302] * 10 + [429]
    assert keys
    assert not any("198.51.100.7" in k for k in keys)


@override_settings(CACHES={**REDIS_CACHES, "ratelimit": {**REDIS_CACHES["ratelimit"],
                                                          "LOCATION": "redis://127.0.0.1:1/0"}})
def test_an_unreachable_limit_store_refuses_walk_ins_with_503(client, rated):
    response = rate_from(client, rated.zhang, "198.51.100.7", "a" * 32)

    assert response.status_code == 503
    assert Rating.objects.count() == 0
