"""Pages seen by each kind of user, in Chinese by default and in English on request."""

import re

import pytest
from django.urls import reverse

from kaohe.accounts.roles import Role
from kaohe.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(city):
    return factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.city)


def test_wrong_login_says_so_and_is_a_4xx(client, office):
    response = client.post(reverse("web:login"), {"username": "office", "password": "wrong-password-1"})

    assert response.status_code == 400
    assert "用户名或密码不正确" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login", outcome="failure").count() == 1


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, office):
    wrong = client.post(reverse("web:login"), {"username": "office", "password": "wrong-password-1"})
    unknown = client.post(reverse("web:login"), {"username": "nobody", "password": "wrong-password-1"})

    assert (wrong.status_code, unknown.status_code) == (400, 400)
    def normalised(response, username):
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode().replace(username, ""))

    assert normalised(wrong, "office") == normalised(unknown, "nobody")


def test_login_then_home_shows_the_role(client, office):
    response = client.post(reverse("web:login"), {"username": "office", "password": factories.PASSWORD},
                           follow=True)

    assert response.status_code == 200
    assert "考核办（人事科）" in response.content.decode()


def test_pages_switch_to_english(client, office):
    client.force_login(office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("web:people")).content.decode()

    assert "Search by name, pinyin or initials" in page
    assert "按姓名" not in page


def test_search_by_pinyin_initials_finds_the_person(client, office, city):
    client.force_login(office)

    page = client.get(reverse("web:people"), {"q": "zs"}).content.decode()

    assert "张三" in page
    assert "李四" not in page


def test_unknown_person_is_a_404_with_a_reason(client, office):
    client.force_login(office)

    response = client.get(reverse("web:person_detail", args=[999999]))

    assert response.status_code == 404
    assert "999999" in response.content.decode()


def test_civil_servant_is_refused_a_colleagues_page(client, city):
    staff = factories.user("zs", person=city.zhang_san)
    client.force_login(staff)

    own = client.get(reverse("web:person_detail", args=[city.zhang_san.pk]))
    colleague = client.get(reverse("web:person_detail", args=[city.li_si.pk]))

    assert own.status_code == 200
    assert colleague.status_code == 404
    assert "李四" not in colleague.content.decode()


def test_person_page_masks_the_id_number(client, office, city):
    client.force_login(office)

    page = client.get(reverse("web:person_detail", args=[city.zhang_san.pk])).content.decode()

    assert city.zhang_san.id_number not in page
    assert city.zhang_san.id_number[-4:] in page
    assert "已脱敏" in page


def test_unit_tree_children_load_as_a_partial(client, office, city):
    client.force_login(office)

    partial = client.get(reverse("web:unit_children", args=[city.county_a.pk]), HTTP_HX_REQUEST="true")

    assert partial.status_code == 200
    assert "临江区民政局" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_anonymous_is_sent_to_login(client, city):
    response = client.get(reverse("web:people"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_civil_servant_navigation_has_no_directory(client, city):
    client.force_login(factories.user("zs", person=city.zhang_san))

    page = client.get(reverse("web:home")).content.decode()

    assert reverse("web:my_record") in page
    assert reverse("web:people") not in page


def test_a_user_creates_a_token_sees_it_once_and_it_works_on_the_api(client, office):
    client.force_login(office)

    page = client.post(reverse("web:tokens"), {"name": "HR system"}).content.decode()
    key = re.search(r'data-testid="new-key">([^<]+)<', page).group(1)

    assert key.startswith("kh_")
    assert key not in client.get(reverse("web:tokens")).content.decode()
    client.logout()
    assert client.get("/api/org/people", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_a_token_without_a_name_is_refused_with_the_reason(client, office):
    client.force_login(office)

    response = client.post(reverse("web:tokens"), {"name": "  "})

    assert response.status_code == 400
    assert "用途" in response.content.decode()


def test_chinese_is_the_default_even_for_an_english_browser(client, office):
    client.force_login(office)

    page = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert "待我处理" in page
