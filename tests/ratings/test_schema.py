"""The rating tables keep no raw network address and no citizen identity (等保 G3, PIPL)."""

import re

import pytest
from django.db import connection

from kaohe.ratings.models import Rating
from tests.ratings.conftest import visit_url

pytestmark = pytest.mark.django_db
FORBIDDEN = re.compile(r"(^|_)(ip|ip_address|remote|addr|address|phone|mobile|id_number|name|user_agent)$")


def rating_tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t.startswith("ratings_"))


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def test_the_app_has_its_five_tables():
    assert rating_tables() == ["ratings_followup", "ratings_followupstep", "ratings_rating", "ratings_ratingtarget",
                               "ratings_servicewindow"]


def test_the_rating_table_has_exactly_these_columns():
    assert sorted(columns("ratings_rating")) == sorted([
        "id", "target_id", "unit_id", "level", "comment", "channel", "service_ref", "rated_on", "device_hash",
        "ip_hash", "counted"])


@pytest.mark.parametrize("table", ["ratings_followup", "ratings_followupstep", "ratings_rating"])
def test_no_column_of_the_citizen_tables_can_hold_a_raw_address_or_an_identity(table):
    assert [c for c in columns(table) if FORBIDDEN.search(c)] == []


def test_the_network_and_device_are_stored_only_as_64_digit_keyed_hashes(client, rated):
    client.cookies["kh_device"] = "0123456789abcdef0123456789abcdef"
    client.post(visit_url(rated.zhang, "case-1"), {"level": "1"}, REMOTE_ADDR="10.1.2.3")

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM ratings_rating")
        row = [str(value) for value in cursor.fetchone()]
    rating = Rating.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", rating.ip_hash)
    assert re.fullmatch(r"[0-9a-f]{64}", rating.device_hash)
    assert not any("10.1.2.3" in value or "0123456789abcdef0123" in value for value in row)


def test_there_is_no_timestamp_finer_than_the_day_on_a_rating():
    with connection.cursor() as cursor:
        kinds = {c.name: c.type_code for c in connection.introspection.get_table_description(cursor,
                                                                                           "ratings_rating")}
    assert "rated_on" in kinds
    assert not any(name.endswith("_at") for name in kinds)
