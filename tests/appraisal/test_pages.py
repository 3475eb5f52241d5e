"""Run, unit-result and person-result pages, and their scope."""

import pytest
from django.urls import reverse

from kaohe.appraisal.models import RunResult
from tests import factories

pytestmark = pytest.mark.django_db


def test_unit_results_show_the_quota_line_and_filter_by_grade(client, scored):
    city, run, office = scored.city, scored.run, scored.office
    client.force_login(office)

    page = client.get(reverse("web:unit_results", args=[run.pk, city.bureau_a.pk])).content.decode()
    competent = client.get(reverse("web:unit_results", args=[run.pk, city.bureau_a.pk]), {"grade": 2}).content.decode()

    assert "Quota line" in page or "名额线" in page
    assert "张三" in page
    excellent = RunResult.objects.filter(run=run, group=city.bureau_a, grade=1).select_related("person")
    assert all(r.person.name not in competent for r in excellent)


def test_person_result_shows_the_breakdown_and_the_explanation(client, scored):
    run, office = scored.run, scored.office
    client.force_login(office)
    result = RunResult.objects.filter(run=run, grade__gt=0).order_by("composite").first()

    page = client.get(reverse("web:person_result", args=[run.pk, result.person_id])).content.decode()

    assert result.person.name in page
    assert "radar-data" in page
    assert f"{result.composite:.2f}" in page
    assert page.count("<li>") >= 3


def test_a_civil_servant_sees_their_own_result_but_not_a_colleagues(client, scored):
    city, run = scored.city, scored.run
    client.force_login(factories.user("zs", person=city.zhang_san))

    own = client.get(reverse("web:person_result", args=[run.pk, city.zhang_san.pk]))
    other = client.get(reverse("web:person_result", args=[run.pk, city.li_si.pk]))

    assert own.status_code == 200
    assert other.status_code == 404


def test_starting_a_run_from_the_cycle_page_creates_a_job(client, scored, django_capture_on_commit_callbacks):
    cycle, office = scored.cycle, scored.office
    client.force_login(office)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("web:run_start", args=[cycle.pk]), {"reason": "数据更新"})

    assert response.status_code == 302
    assert cycle.runs.count() == 2
    assert len(callbacks) == 1


def test_the_diff_page_lists_people_whose_grade_changed(client, scored):
    cycle, run, office = scored.cycle, scored.run, scored.office
    import datetime as dt

    from kaohe.appraisal.services import scoring_run_create, scoring_run_execute
    from kaohe.org.services import sanction_record

    top = RunResult.objects.filter(run=run, grade=1).select_related("person").first()
    sanction_record(actor=None, person=top.person, kind="warning", start_date=dt.date(2026, 6, 1))
    second = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=dt.date(2026, 12, 31))
    client.force_login(office)

    page = client.get(reverse("web:run_diff", args=[second.pk, run.pk])).content.decode()

    assert top.person.name in page
