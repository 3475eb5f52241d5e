"""Pages and API of ratings between units: the office's round and task, the rating pages, results."""

import json
import re

import pytest
from django.urls import reverse

from kaohe.accounts.roles import Role
from kaohe.unitratings.models import CollaborationRating, CollaborationTask, ReverseParticipation, ReverseRound
from kaohe.unitratings.services import collaboration_task_close, reverse_round_close, reverse_round_open
from kaohe.units.models import UnitValue
from tests import factories
from tests.unitratings.conftest import YEAR, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(world, draft):
    return reverse_round_open(actor=world.office, round=draft)


@pytest.fixture
def closed(world, opened):
    """Six raters score 财政局, three of them 交通局: only 财政局 is published."""
    for i, person in enumerate(world.raters):
        rate(world, opened, person, finance=90, transport=50 if i < 3 else None)
    return reverse_round_close(actor=world.office, round=opened)


def _login(client, user):
    client.force_login(user)
    return client


def test_the_office_creates_opens_and_closes_a_round_and_sees_counts_only(client, world):
    _login(client, world.office)

    created = client.post(reverse("unitratings:reverse_rounds"),
                          {"government": world.city.city.pk, "year": YEAR, "name": "2026反向测评"})
    rnd = ReverseRound.objects.get()
    opened = client.post(reverse("unitratings:reverse_round_open", args=[rnd.pk]))
    rate(world, rnd, world.raters[0], finance=88)
    page = client.get(reverse("unitratings:reverse_round", args=[rnd.pk])).content.decode()

    assert created["Location"] == reverse("unitratings:reverse_round", args=[rnd.pk])
    assert opened.status_code == 302
    assert "1 of 6 raters have rated." in page
    assert not re.search(r"(?<![\w.])88(?:\.0+)?(?![\w.])", re.sub(r"<[^>]*>", " ", page))  # the score, not a token


def test_a_rater_scores_once_with_a_blank_and_sees_no_score_afterwards(client, world, opened):
    person = world.raters[0]
    _login(client, world.user_of(person))
    url = reverse("unitratings:reverse_rate", args=[opened.pk])

    listing = client.get(reverse("unitratings:mine")).content.decode()
    form = client.get(url).content.decode()
    response = client.post(url, {f"d-{world.finance.pk}": "87", f"d-{world.transport.pk}": "",
                                 f"d-{world.housing.pk}": "64"})
    after = client.get(url).content.decode()
    client.post(url, {f"d-{world.finance.pk}": "10"})

    assert opened.name in listing
    assert 'data-testid="rate-link"' in listing
    assert form.count('type="number"') == 3
    assert response.status_code == 302
    assert 'data-testid="rated"' in after
    assert [text for text in ('87', 'type="number"') if text in after] == []
    assert ReverseParticipation.objects.get().scores_cast == 2


def test_a_bad_score_is_refused_keeps_what_was_typed_and_writes_nothing(client, world, opened):
    _login(client, world.user_of(world.raters[0]))

    response = client.post(reverse("unitratings:reverse_rate", args=[opened.pk]),
                           {f"d-{world.finance.pk}": "120", f"d-{world.housing.pk}": "66"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="rate-error"' in page
    assert 'value="66"' in page
    assert ReverseParticipation.objects.count() == 0


def test_the_results_page_withholds_a_department_with_too_few_raters(client, world, closed):
    _login(client, world.office)

    page = client.get(reverse("unitratings:reverse_round", args=[closed.pk])).content.decode()
    year = client.get(reverse("unitratings:results"), {"year": YEAR}).content.decode()

    assert f'data-department="{world.transport.name}" data-state="hidden"' in page
    assert "90.00" in page
    assert "50" not in page.split('data-testid="reverse-results"')[1]
    assert f'data-unit="{world.finance.name}" data-code="UD04"' in year
    assert f'data-unit="{world.transport.name}"' not in year


def test_the_api_lists_rounds_in_scope_and_published_results_only(client, world, opened):
    _login(client, world.office)
    assert client.get(f"/api/unitratings/reverse/rounds/{opened.pk}/results").status_code == 403
    for i, person in enumerate(world.raters):
        rate(world, opened, person, finance=90, transport=50 if i < 3 else None)
    reverse_round_close(actor=world.office, round=opened)

    rounds = json.loads(client.get("/api/unitratings/reverse/rounds").content)
    cells = {c["department_id"]: c for c in json.loads(
        client.get(f"/api/unitratings/reverse/rounds/{opened.pk}/results").content)}
    _login(client, world.county_office)
    outside = client.get(f"/api/unitratings/reverse/rounds/{opened.pk}/results")

    assert [r["id"] for r in rounds] == [opened.pk]
    assert (cells[world.finance.pk]["n"], cells[world.finance.pk]["mean"]) == (6, "90.00")
    assert cells[world.transport.pk] == {"department_id": world.transport.pk, "department_name": world.transport.name,
                                         "state": "hidden", "n": None, "mean": None}
    assert outside.status_code == 404


def test_a_supervisor_reads_closed_rounds_only(client, world, opened):
    supervisor = factories.user("supervisor", role=Role.SUPERVISOR, scope=world.city.city)
    _login(client, supervisor)

    assert json.loads(client.get("/api/unitratings/reverse/rounds").content) == []
    assert client.get(reverse("unitratings:reverse_round", args=[opened.pk])).status_code == 404


def test_the_office_creates_a_task_a_unit_rates_on_its_sheet_and_closing_records_ud05(client, world):
    _login(client, world.office)
    client.post(reverse("unitratings:tasks"), {"unit": world.city.city.pk, "year": YEAR, "name": "河长制",
                                               "participants": [world.finance.pk, world.transport.pk]})
    task = CollaborationTask.objects.get()
    _login(client, world.finance_office)
    sheet = client.get(reverse("unitratings:task_rate", args=[task.pk])).content.decode()
    key = f"{world.finance.pk}-{world.transport.pk}"
    saved = client.post(reverse("unitratings:task_rate", args=[task.pk]), {f"s-{key}": "83", f"c-{key}": "配合好"})
    _login(client, world.office)
    progress = client.get(reverse("unitratings:task", args=[task.pk])).content.decode()
    client.post(reverse("unitratings:task_close", args=[task.pk]))
    results = json.loads(client.get(f"/api/unitratings/collaboration/tasks/{task.pk}/results").content)

    assert f'name="s-{key}"' in sheet
    assert saved.status_code == 302
    assert CollaborationRating.objects.get().comment == "配合好"
    assert "1 of 2 ratings given." in progress
    assert UnitValue.objects.get(code="UD05").unit == world.transport
    assert {r["unit_id"]: r["n"] for r in results} == {world.finance.pk: 0, world.transport.pk: 1}


def test_a_unit_with_nothing_to_rate_gets_no_sheet(client, world, task):
    _login(client, world.office)

    assert client.get(reverse("unitratings:task_rate", args=[task.pk])).status_code == 404
    collaboration_task_close(actor=world.office, task=task)
    _login(client, world.finance_office)
    assert client.get(reverse("unitratings:task_rate", args=[task.pk])).status_code == 404


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_render_in_both_languages(client, world, closed, task, language):
    _login(client, world.office)
    client.cookies["django_language"] = language
    pages = [reverse("unitratings:mine"), reverse("unitratings:reverse_rounds"), reverse("unitratings:tasks"),
             reverse("unitratings:reverse_round", args=[closed.pk]), reverse("unitratings:task", args=[task.pk]),
             reverse("unitratings:results")]

    assert [client.get(url).status_code for url in pages] == [200] * len(pages)
