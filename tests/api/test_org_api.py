"""The API: token auth for integrators, scoped lists, keyset pages, 4xx with a reason."""

import pytest

from kaohe.accounts.roles import Role
from kaohe.accounts.services import api_token_create, api_token_revoke
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_token(city):
    user = factories.user("office-a", role=Role.APPRAISAL_OFFICE, scope=city.county_a)
    _token, key = api_token_create(actor=user, name="HR system")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_schema_is_served(client):
    schema = client.get("/api/openapi.json").json()

    assert "/api/org/people" in schema["paths"]


def test_no_credentials_is_401_with_a_reason(client, city):
    response = client.get("/api/org/people")

    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_people_are_listed_within_scope_only(client, city, office_token):
    names = {p["name"] for p in client.get("/api/org/people", **office_token).json()["items"]}

    assert names == {"张三", "李四", "孙八", "王五", "赵六"}


def test_people_pages_follow_the_cursor_to_the_end(client, city, office_token):
    seen, cursor = [], ""
    while True:
        page = client.get("/api/org/people", {"limit": 2, "cursor": cursor}, **office_token).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert len(seen) == 5
    assert seen == sorted(seen)


def test_search_by_initials_through_the_api(client, city, office_token):
    items = client.get("/api/org/people", {"q": "ww"}, **office_token).json()["items"]

    assert [p["name"] for p in items] == ["王五"]


def test_person_detail_is_masked(client, city, office_token):
    body = client.get(f"/api/org/people/{city.zhang_san.pk}", **office_token).json()

    assert body["id_number_masked"].startswith(city.zhang_san.id_number[:3])
    assert "*" in body["id_number_masked"]
    assert body["phone_masked"] == "138****5678"


def test_person_outside_scope_is_404(client, city, office_token):
    response = client.get(f"/api/org/people/{city.chen_qi.pk}", **office_token)

    assert response.status_code == 404
    assert "数据范围" in response.json()["detail"]


@pytest.mark.parametrize(
    ("_case", "url", "status"),
    [
        ("non-numeric id", "/api/org/people/abc", 422),
        ("limit too big", "/api/org/people?limit=100000", 422),
        ("garbage cursor", "/api/org/people?cursor=%%%", 400),
        ("unknown unit filter", "/api/org/people?unit_id=987654", 404),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_reason(client, city, office_token, _case, url, status):
    response = client.get(url, **office_token)

    assert response.status_code == status
    assert response.json()["detail"]


def test_revoked_token_is_refused(client, city):
    user = factories.user("office-a", role=Role.APPRAISAL_OFFICE, scope=city.county_a)
    token, key = api_token_create(actor=user, name="old")
    api_token_revoke(actor=user, token=token)

    assert client.get("/api/org/people", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
