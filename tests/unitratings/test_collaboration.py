"""Collaboration ratings: shared tasks, who rates for a unit, never itself, and UD05 on closing."""

import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.unitratings.models import CollaborationRating, CollaborationTask
from kaohe.unitratings.selectors import my_tasks, task_results, task_sheet
from kaohe.unitratings.services import (
    SheetEntry,
    collaboration_rating_set,
    collaboration_sheet_save,
    collaboration_task_close,
    collaboration_task_create,
)
from kaohe.units.models import UnitValue
from tests.unitratings.conftest import YEAR, head_of

pytestmark = pytest.mark.django_db


def _rate(world, task, actor, rater, ratee, score, comment=""):
    return collaboration_rating_set(actor=actor, task=task, rater_unit=rater, ratee_unit=ratee, score=score,
                                    comment=comment)


def test_participants_are_departments_or_townships_under_the_organiser(world):
    with pytest.raises(ApplicationError, match="临江区"):
        collaboration_task_create(actor=world.office, unit=world.city.city, year=YEAR, name="河长制",
                                  participants=[world.finance, world.city.county_a])
    with pytest.raises(ApplicationError, match="at least two"):
        collaboration_task_create(actor=world.office, unit=world.city.city, year=YEAR, name="河长制",
                                  participants=[world.finance])
    with pytest.raises(PermissionDeniedError):
        collaboration_task_create(actor=world.county_office, unit=world.city.city, year=YEAR, name="河长制",
                                  participants=[world.finance, world.transport])

    assert CollaborationTask.objects.count() == 0


def test_a_unit_cannot_rate_itself(world, task):
    with pytest.raises(ApplicationError, match="cannot rate itself"):
        _rate(world, task, world.finance_office, world.finance, world.finance, 90)
    with pytest.raises(IntegrityError), transaction.atomic():
        CollaborationRating.objects.create(task=task, rater_unit=world.finance, ratee_unit=world.finance, score=90,
                                           rated_at=timezone.now())

    assert CollaborationRating.objects.count() == 0


def test_a_units_office_and_its_head_rate_for_it_and_the_ratings_are_audited_with_scores(world, task):
    head = head_of(world.transport, "交通局长")

    _rate(world, task, world.finance_office, world.finance, world.transport, 88, "配合积极")
    _rate(world, task, head, world.transport, world.finance, 92)

    event = AuditEvent.objects.filter(action="unitratings.collaboration_rating.set").first()
    assert sorted(CollaborationRating.objects.values_list("score", flat=True)) == [88, 92]
    assert json.loads(event.detail) == {"rater_unit_id": world.finance.pk, "ratee_unit_id": world.transport.pk,
                                        "score": 88, "previous": None}


@pytest.mark.parametrize("who", ["office", "county_office", "transport_office"])
def test_others_may_not_rate_for_a_unit(world, task, who):
    """The city office oversees both units; the county office is not over 财政局; 交通局's office is not 财政局's."""
    with pytest.raises(PermissionDeniedError):
        _rate(world, task, getattr(world, who), world.finance, world.transport, 60)

    assert CollaborationRating.objects.count() == 0


def test_a_rating_changes_until_the_task_closes_then_stays(world, task):
    _rate(world, task, world.finance_office, world.finance, world.transport, 70)
    _rate(world, task, world.finance_office, world.finance, world.transport, 75, "改")
    collaboration_task_close(actor=world.office, task=task)

    with pytest.raises(ApplicationError, match="closed"):
        _rate(world, task, world.finance_office, world.finance, world.transport, 99)

    rating = CollaborationRating.objects.get()
    assert (rating.score, rating.comment) == (75, "改")


def test_a_unit_outside_the_task_and_a_score_above_100_are_refused(world, task):
    with pytest.raises(ApplicationError, match="take part"):
        _rate(world, task, world.finance_office, world.finance, world.housing, 80)
    with pytest.raises(ApplicationError, match="0 to 100"):
        _rate(world, task, world.finance_office, world.finance, world.transport, 101)

    assert CollaborationRating.objects.count() == 0


def test_closing_records_ud05_as_the_mean_received_over_the_years_closed_tasks(world, task):
    other = collaboration_task_create(actor=world.office, unit=world.city.city, year=YEAR, name="创文",
                                      participants=[world.finance, world.transport])
    _rate(world, task, world.finance_office, world.finance, world.transport, 80)
    _rate(world, task, world.township_office, world.city.township_a, world.transport, 91)
    _rate(world, task, world.transport_office, world.transport, world.finance, 70)
    _rate(world, other, world.finance_office, world.finance, world.transport, 60)

    collaboration_task_close(actor=world.office, task=task)
    first = {v.unit_id: v.value for v in UnitValue.objects.filter(code="UD05")}
    collaboration_task_close(actor=world.office, task=other)
    second = {v.unit_id: v for v in UnitValue.objects.filter(code="UD05")}

    assert first == {world.transport.pk: 85.5, world.finance.pk: 70.0}
    assert second[world.transport.pk].value == 77.0  # (80 + 91 + 60) / 3
    assert {v.source for v in second.values()} == {"collaboration"}
    assert world.city.township_a.pk not in second  # it rated, but received no rating
    close = AuditEvent.objects.filter(action="unitratings.collaboration_task.close").first()
    assert json.loads(close.detail) == {"ratings": 3, "units_recorded": 2}


def test_only_the_organisers_office_closes_a_task(world, task):
    with pytest.raises(PermissionDeniedError):
        collaboration_task_close(actor=world.finance_office, task=task)

    task.refresh_from_db()
    assert task.status == "open"


def test_a_sheet_lists_what_the_caller_may_rate_and_saves_all_or_nothing(world, task):
    sheet = task_sheet(world.finance_office, task)
    good = SheetEntry(world.finance, world.transport, 85)
    bad = SheetEntry(world.finance, world.city.township_a, 140)

    with pytest.raises(ApplicationError):
        collaboration_sheet_save(actor=world.finance_office, task=task, entries=[good, bad])
    saved = collaboration_sheet_save(actor=world.finance_office, task=task, entries=[good])
    again = collaboration_sheet_save(actor=world.finance_office, task=task, entries=[good])

    assert {(line.rater, line.ratee) for line in sheet} == {(world.finance, world.transport),
                                                           (world.finance, world.city.township_a)}
    assert (len(saved), again) == (1, [])
    assert my_tasks(world.finance_office) == [task]
    assert my_tasks(world.office) == []
    assert task_sheet(world.office, task) == []


def test_results_of_a_task_are_released_when_it_closes(world, task):
    _rate(world, task, world.finance_office, world.finance, world.transport, 80)
    with pytest.raises(PermissionDeniedError):
        task_results(world.office, task)
    collaboration_task_close(actor=world.office, task=task)

    results = {r.unit.pk: (r.n, r.mean) for r in task_results(world.office, task)}

    assert results[world.transport.pk] == (1, 80)
    assert results[world.finance.pk] == (0, None)
