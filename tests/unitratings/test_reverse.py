"""Reverse evaluation: rounds, anonymous rating, the anonymity minimum and UD04 on closing."""

import json
from decimal import Decimal

import pytest

from kaohe.audit.models import AuditEvent
from kaohe.ballots.services import AlreadyVotedError, scheme_anonymity_min
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.unitratings.models import ReverseParticipation, ReverseRater, ReverseRound, ReverseScore
from kaohe.unitratings.selectors import reverse_results
from kaohe.unitratings.services import reverse_round_close, reverse_round_create, reverse_round_open
from kaohe.units.models import UnitValue
from tests.unitratings.conftest import YEAR, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(world, draft):
    return reverse_round_open(actor=world.office, round=draft)


def _snapshot():
    return (ReverseParticipation.objects.count(), ReverseScore.objects.count(), AuditEvent.objects.count(),
            sorted(ReverseScore.objects.values_list("id", flat=True)))


def test_a_round_rates_the_citys_departments_by_the_leading_staff_below_it(world, draft):
    raters = set(ReverseRater.objects.filter(round=draft).values_list("person_id", flat=True))

    assert set(draft.departments.all()) == set(world.departments)
    assert raters == {p.pk for p in world.raters}
    assert world.city.zhang_san.pk not in raters  # 临江区民政局 is a department, not a government
    assert world.city.wang_wu.pk not in raters  # 城关街道, but not leading staff
    assert draft.anonymity_min == scheme_anonymity_min(world.city.city, YEAR) == 5
    assert AuditEvent.objects.filter(action="unitratings.reverse_round.create", object_id=str(draft.pk)).exists()


def test_a_rater_outside_the_townships_and_lower_governments_is_refused(world):
    with pytest.raises(ApplicationError, match="张三"):
        reverse_round_create(actor=world.office, government=world.city.city, year=YEAR,
                             raters=[*world.raters, world.city.zhang_san])

    assert ReverseRound.objects.count() == 0


def test_an_office_outside_the_government_is_refused_and_nothing_is_written(world, opened):
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDeniedError):
        reverse_round_create(actor=world.county_office, government=world.city.city, year=YEAR)
    with pytest.raises(PermissionDeniedError):
        reverse_round_close(actor=world.county_office, round=opened)

    opened.refresh_from_db()
    assert (ReverseRound.objects.count(), opened.status, AuditEvent.objects.count()) == (1, "open", before)


def test_the_minimum_is_never_below_three_and_a_round_too_small_to_publish_does_not_open(world):
    with pytest.raises(ApplicationError, match="at least 3"):
        reverse_round_create(actor=world.office, government=world.city.city, year=YEAR, anonymity_min=2)
    small = reverse_round_create(actor=world.office, government=world.city.city, year=YEAR, raters=world.raters[:4])

    with pytest.raises(ApplicationError, match="fewer than the minimum"):
        reverse_round_open(actor=world.office, round=small)

    small.refresh_from_db()
    assert (small.status, small.secret) == ("draft", "")


def test_one_open_or_closed_round_per_government_and_year(world, opened):
    second = reverse_round_create(actor=world.office, government=world.city.city, year=YEAR)

    with pytest.raises(ApplicationError, match="already has the round"):
        reverse_round_open(actor=world.office, round=second)


def test_rating_records_participation_apart_from_sealed_scores_and_audits_no_score(world, opened):
    cast = rate(world, opened, world.raters[0], finance=91, transport=77)

    scores = list(ReverseScore.objects.filter(round=opened))
    event = AuditEvent.objects.filter(action="unitratings.reverse.participation.record").get()
    assert cast == 2
    assert ReverseParticipation.objects.filter(round=opened, scores_cast=2).count() == 1
    assert [(s.score, bool(s.sealed)) for s in scores] == [(None, True), (None, True)]
    assert event.actor_id == world.user_of(world.raters[0]).pk
    assert json.loads(event.detail) == {"year": YEAR}
    assert "91" not in event.detail
    assert str(world.finance.pk) not in event.detail


def test_rating_twice_is_refused_and_changes_nothing(world, opened):
    rate(world, opened, world.raters[0], finance=91)
    before = _snapshot()

    with pytest.raises(AlreadyVotedError):
        rate(world, opened, world.raters[0], finance=10, transport=10, housing=10)

    assert _snapshot() == before


def test_someone_off_the_roster_cannot_rate(world, opened):
    with pytest.raises(NotFoundError):
        rate(world, opened, world.city.wang_wu, finance=60)

    assert ReverseScore.objects.count() == 0


@pytest.mark.parametrize("scores", [{"finance": 101}, {"finance": -1}, {}])
def test_a_score_out_of_range_or_an_empty_sheet_is_refused(world, opened, scores):
    world.user_of(world.raters[0])
    before = _snapshot()

    with pytest.raises(ApplicationError):
        rate(world, opened, world.raters[0], **scores)

    assert _snapshot() == before


def test_closing_publishes_only_departments_rated_by_at_least_k_raters_and_records_ud04(world, opened):
    """Six raters score 财政局, four score 交通局 (k = 5), nobody scores 住建局."""
    for i, person in enumerate(world.raters):
        rate(world, opened, person, finance=80 + i, transport=60 if i < 4 else None)
    keys_while_open = set(ReverseScore.objects.values_list("id", flat=True))

    reverse_round_close(actor=world.office, round=opened)

    results = {r.department.pk: r for r in reverse_results(world.office, opened)}
    values = {v.unit_id: v for v in UnitValue.objects.filter(year=YEAR, code="UD04")}
    assert (results[world.finance.pk].cell.state, results[world.finance.pk].n) == ("shown", 6)
    assert results[world.finance.pk].mean == Decimal("82.50")
    assert (results[world.transport.pk].cell.state, results[world.transport.pk].mean) == ("hidden", None)
    assert results[world.housing.pk].cell.state == "empty"
    assert list(values) == [world.finance.pk]
    assert (values[world.finance.pk].value, values[world.finance.pk].source) == (82.5, "reverse")
    assert keys_while_open.isdisjoint(ReverseScore.objects.values_list("id", flat=True))
    assert set(ReverseScore.objects.filter(department=world.transport).values_list("score", flat=True)) == {None}
    assert ReverseScore.objects.filter(department=world.finance, score__isnull=False).count() == 6


def test_closing_audits_counts_and_the_recorded_values_but_no_scores(world, opened):
    for person in world.raters:
        rate(world, opened, person, finance=70)

    reverse_round_close(actor=world.office, round=opened)

    close = AuditEvent.objects.get(action="unitratings.reverse_round.close")
    recorded = AuditEvent.objects.filter(action="units.value.record", object_id=str(world.finance.pk))
    assert json.loads(close.detail) == {"participants": 6, "published": 1, "withheld": 0, "unrated": 2}
    assert [json.loads(e.detail)["source"] for e in recorded] == ["reverse"]


def test_a_round_rated_by_fewer_than_k_raters_publishes_nothing(world, opened):
    for person in world.raters[:4]:
        rate(world, opened, person, finance=95, transport=95, housing=95)

    reverse_round_close(actor=world.office, round=opened)

    assert {r.cell.state for r in reverse_results(world.office, opened)} == {"hidden"}
    assert not UnitValue.objects.filter(code="UD04").exists()
    assert set(ReverseScore.objects.values_list("score", flat=True)) == {None}


def test_results_are_released_only_after_closing(world, opened):
    with pytest.raises(PermissionDeniedError):
        reverse_results(world.office, opened)
