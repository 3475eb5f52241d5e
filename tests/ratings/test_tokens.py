"""Rating codes: genuine ones are read, altered or forged ones refused, old ones expired."""

import time

import pytest
from django.core import signing
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.ratings.models import Rating
from kaohe.ratings.tokens import (
    STATIC_SALT,
    VISIT_SALT,
    Claim,
    TokenExpiredError,
    TokenInvalidError,
    read_token,
    static_token,
    visit_token,
)

pytestmark = pytest.mark.django_db
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:"


def test_a_static_token_names_its_target():
    assert read_token(static_token("person", 42)) == Claim(kind="person", target_id=42, service_ref="")


def test_a_visit_token_carries_its_service_reference():
    claim = read_token(visit_token("window", 7, " 2026-0001 "))

    assert claim == Claim(kind="window", target_id=7, service_ref="2026-0001")
    assert claim.is_visit


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0, max_value=10_000), replacement=st.sampled_from(ALPHABET))
def test_changing_any_character_of_a_token_makes_it_invalid(position, replacement):
    token = visit_token("person", 42, "case-1")
    i = position % len(token)
    altered = token[:i] + replacement + token[i + 1:]
    if altered == token:
        return

    with pytest.raises(TokenInvalidError):
        read_token(altered)


def test_codes_signed_by_djangos_own_signer_are_read_and_ours_are_identical_to_its():
    """The signer derives its HMAC key once; the tokens stay Django's, so printed codes keep working."""
    stock = signing.TimestampSigner(salt=VISIT_SALT)
    printed = stock.sign_object({"t": "w", "i": 7, "r": "2026-0001"})

    assert read_token(printed) == Claim(kind="window", target_id=7, service_ref="2026-0001")
    assert stock.unsign_object(visit_token("window", 7, "2026-0001")) == {"t": "w", "i": 7, "r": "2026-0001"}


def test_a_code_signed_with_a_retired_key_still_reads_while_the_key_is_a_fallback():
    old = signing.TimestampSigner(salt=STATIC_SALT, key="the-retired-secret-key-0123456789-abcdefghij")
    printed = old.sign_object({"t": "p", "i": 42})

    with override_settings(SECRET_KEY_FALLBACKS=["the-retired-secret-key-0123456789-abcdefghij"]):
        assert read_token(printed) == Claim(kind="person", target_id=42, service_ref="")
    with pytest.raises(TokenInvalidError):
        read_token(printed)


def test_a_token_signed_with_another_key_is_invalid():
    forged = signing.dumps({"t": "p", "i": 42}, salt=STATIC_SALT, key="not-our-secret-key-0123456789-abcdefghijkl")

    with pytest.raises(TokenInvalidError):
        read_token(forged)


def test_a_token_for_another_purpose_is_invalid():
    other = signing.dumps({"t": "p", "i": 42}, salt="kaohe.something.else")

    with pytest.raises(TokenInvalidError):
        read_token(other)


def test_a_visit_token_expires_after_24_hours(monkeypatch):
    token = visit_token("person", 42, "case-1")
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 24 * 3600 + 5)

    with pytest.raises(TokenExpiredError) as expired:
        read_token(token)

    assert expired.value.status == 410


def test_a_static_token_expires_after_400_days(monkeypatch):
    token = static_token("person", 42)
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 399 * 86400)
    assert read_token(token).target_id == 42

    monkeypatch.setattr(signing.time, "time", lambda: now + 401 * 86400)
    with pytest.raises(TokenExpiredError):
        read_token(token)


def test_the_page_of_a_forged_code_is_a_chinese_error_with_400(client, rated):
    response = client.get("/r/eyJ0IjoicCIsImkiOjF9:1vMr8c:forgedsignature0000000000000000000000000/")

    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="zh-hans">' in html
    assert 'data-testid="citizen-error"' in html


def test_the_page_of_an_expired_code_says_so_with_410_and_stores_nothing(client, rated, monkeypatch):
    url = f"/r/{visit_token('person', rated.zhang.pk, 'case-1')}/"
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 2 * 86400)

    response = client.post(url, {"level": "1"})

    assert response.status_code == 410
    assert Rating.objects.count() == 0


def test_a_genuine_token_of_an_unknown_target_is_404(client, rated):
    response = client.get(f"/r/{static_token('person', 999_999)}/")

    assert response.status_code == 404
