"""Rounds from draft to closed: casting, one vote per voter, sealing, aggregates into scoring, audit."""

import math
from decimal import Decimal

import pytest
from django.db import connection

from kaohe.appraisal import workflow
from kaohe.appraisal.models import Appraisal
from kaohe.appraisal.services import cycle_open
from kaohe.audit.models import AuditEvent
from kaohe.ballots.models import Ballot, BallotRound, Participation
from kaohe.ballots.services import (
    AlreadyVotedError,
    ballot_cast,
    round_close,
    round_create,
    round_open,
    round_verify,
    voter_hash,
)
from kaohe.collection.models import RaterAggregate
from kaohe.collection.sheets import sheet_matrix
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.indicators.models import Scheme
from kaohe.indicators.services import default_content_load
from tests.ballots.conftest import YEAR, build_bureau, cast, paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(bureau, draft) -> BallotRound:
    return round_open(actor=bureau.office, round=draft)


def _state(rnd):
    return (Ballot.objects.filter(round=rnd).count(), Participation.objects.filter(round=rnd).count(),
            AuditEvent.objects.count())


def test_a_round_takes_its_minimum_from_the_active_scheme(bureau):
    default_content_load(actor=None, year=YEAR)
    scheme = Scheme.objects.get(year=YEAR, status="active", category="service", level="")
    scheme.settings["policy"]["anonymity_min"] = 7
    scheme.save()

    rnd = round_create(actor=bureau.office, unit=bureau.unit, year=YEAR)

    assert rnd.anonymity_min == 7
    assert rnd.ratees.count() == 11
    assert round_create(actor=bureau.office, unit=bureau.unit, year=YEAR + 1).anonymity_min == 5


def test_a_minimum_below_three_is_refused_and_no_round_is_created(bureau):
    with pytest.raises(ApplicationError, match="at least 3"):
        round_create(actor=bureau.office, unit=bureau.unit, year=YEAR, anonymity_min=2)

    assert BallotRound.objects.count() == 0


def test_only_the_office_of_the_unit_runs_a_round(bureau, draft):
    other = build_bureau(2)

    with pytest.raises(PermissionDeniedError):
        round_create(actor=other.office, unit=bureau.unit, year=YEAR)
    with pytest.raises(PermissionDeniedError):
        round_open(actor=other.office, round=draft)

    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_cast_writes_one_participation_and_one_sealed_ballot_per_ratee(bureau, opened):
    voter = bureau.a_staff[0]

    receipt = cast(opened, bureau, voter, 73)

    assert receipt.ballots == len(paper(opened, voter)) == 6
    assert Participation.objects.get(round=opened).voter_hash == voter_hash(opened, voter.pk)
    assert Participation.objects.get(round=opened).ballots_cast == 6
    ballots = Ballot.objects.filter(round=opened)
    assert ballots.count() == 6
    assert {b.sealed for b in ballots} == {"073"}
    assert {b.overall for b in ballots} == {None}
    assert round_verify(opened) == []


def test_open_ballots_are_ciphertext_of_one_length_in_the_database(bureau, opened):
    cast(opened, bureau, bureau.a_staff[0], 7)
    cast(opened, bureau, bureau.a_staff[1], 100)

    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed, overall FROM ballots_ballot")
        rows = cursor.fetchall()

    assert len({len(sealed) for sealed, _ in rows}) == 1
    assert all(sealed.startswith("v1.") and "100" not in sealed for sealed, _ in rows)
    assert {overall for _, overall in rows} == {None}


def test_a_second_cast_is_refused_and_changes_nothing(bureau, opened):
    cast(opened, bureau, bureau.a_staff[0])
    before = _state(opened)

    with pytest.raises(AlreadyVotedError, match="already voted"):
        cast(opened, bureau, bureau.a_staff[0], 10)

    assert _state(opened) == before


@pytest.mark.parametrize(
    ("_case", "change", "message"),
    [
        ("a ratee missing", lambda s: s.popitem(), "Rate every person"),
        ("a stranger added", lambda s: s.update({0: (50,)}), "Rate every person"),
        ("above 100", lambda s: s.update({next(iter(s)): (101,)}), "0 to 100"),
        ("negative", lambda s: s.update({next(iter(s)): (-1,)}), "0 to 100"),
        ("five scores in an overall round", lambda s: s.update({next(iter(s)): (1, 2, 3, 4, 5)}), "0 to 100"),
        ("not a whole number", lambda s: s.update({next(iter(s)): (80.5,)}), "0 to 100"),
    ],
)
def test_a_bad_ballot_paper_is_refused_whole_and_changes_nothing(bureau, opened, _case, change, message):
    voter, user = bureau.a_staff[0], bureau.user_of(bureau.a_staff[0])
    scores = dict.fromkeys(paper(opened, voter), (80,))
    change(scores)
    before = _state(opened)

    with pytest.raises(ApplicationError, match=message):
        ballot_cast(actor=user, round=opened, scores=scores)

    assert _state(opened) == before


def test_someone_not_on_the_roster_cannot_vote(bureau, opened):
    stranger = build_bureau(1).a_staff[0]
    user = bureau.user_of(stranger)

    with pytest.raises(NotFoundError, match="not a rater"):
        ballot_cast(actor=user, round=opened, scores={})

    assert _state(opened)[:2] == (0, 0)


def test_nobody_votes_in_a_draft_or_a_closed_round(bureau, draft):
    with pytest.raises(ApplicationError, match="is Draft"):
        ballot_cast(actor=bureau.user_of(bureau.a_staff[0]), round=draft, scores={})
    round_open(actor=bureau.office, round=draft)
    round_close(actor=bureau.office, round=draft)

    with pytest.raises(ApplicationError, match="is Voting closed"):
        cast(draft, bureau, bureau.a_staff[0])

    assert Ballot.objects.count() == 0


def test_the_audit_records_participation_and_never_a_ratee_a_role_or_a_score(bureau, opened):
    voter = bureau.a_staff[0]
    cast(opened, bureau, voter, 91)
    round_close(actor=bureau.office, round=opened)

    events = list(AuditEvent.objects.filter(action__in=["ballots.participation.record", "ballots.round.close"]))
    participation = [e for e in events if e.action == "ballots.participation.record"]
    assert [(e.actor_id, e.object_id) for e in participation] == [(bureau.user_of(voter).pk, str(opened.pk))]
    assert [e.detail for e in participation] == ['{"year":2026}']
    text = " ".join(e.detail for e in events)
    assert "91" not in text
    assert not [word for word in ("ratee", "role", "score", "overall", "sealed", "hash") if word in text]


def _close_with_a_department_voting(bureau, rnd, scores):
    """The six staff of 一科 vote: each gives everyone 60, except the department head gets `scores[i]`."""
    for person, score in zip(bureau.a_staff, scores, strict=True):
        cast(rnd, bureau, person, 60, **{f"r{bureau.a_head.pk}": score})
    return round_close(actor=bureau.office, round=rnd)


def test_closing_writes_shown_aggregates_to_rater_aggregates_and_the_value_sheet(bureau, opened):
    _close_with_a_department_voting(bureau, opened, [70, 80, 90, 100, 60, 75])

    aggregate = RaterAggregate.objects.get(person=bureau.a_head, year=YEAR, role="peer")
    assert (aggregate.count, aggregate.total, aggregate.minimum, aggregate.maximum) == (6, 475.0, 60.0, 100.0)
    sheet = sheet_matrix(YEAR, person_ids=[bureau.a_head.pk])
    assert [sheet.column(f"r.peer.{a}")[0] for a in ("count", "total", "minimum", "maximum")] == [6, 475, 60, 100]
    assert [sheet.column(f"r.{role}.count")[0] for role in ("superior", "public", "recipient")] == [0, 0, 0]
    assert math.isnan(sheet.column("r.superior.minimum")[0])


def test_a_lone_superiors_vote_is_hidden_from_pages_and_scoring_and_the_peers_still_count(bureau, opened):
    cast(opened, bureau, bureau.head, 95)
    _close_with_a_department_voting(bureau, opened, [70, 80, 90, 100, 60, 75])

    sheet = sheet_matrix(YEAR, person_ids=[bureau.a_head.pk])
    assert sheet.column("r.superior.count")[0] == 0
    assert math.isnan(sheet.column("r.superior.maximum")[0])
    assert sheet.column("r.peer.count")[0] == 6
    assert list(RaterAggregate.objects.filter(person=bureau.a_head).values_list("role", "count")) == [("peer", 6)]


def test_a_staff_members_five_peers_count_and_a_group_below_the_minimum_does_not(bureau, opened):
    cast(opened, bureau, bureau.a_head, 90)
    _close_with_a_department_voting(bureau, opened, [70] * 6)

    staff, second_department = bureau.a_staff[0], bureau.b_staff[0]
    assert sheet_matrix(YEAR, person_ids=[staff.pk]).column("r.peer.count")[0] == 5
    assert list(RaterAggregate.objects.filter(person=staff).values_list("role", "count")) == [("peer", 5)]
    assert not RaterAggregate.objects.filter(person=second_department).exists()


def test_closing_rewrites_every_ballot_with_new_keys_open_only_in_shown_groups(bureau, opened):
    cast(opened, bureau, bureau.head, 95)
    for person in bureau.a_staff:
        cast(opened, bureau, person, 64)
    sealed_ids = set(Ballot.objects.values_list("pk", flat=True))

    round_close(actor=bureau.office, round=opened)

    ballots = list(Ballot.objects.filter(round=opened))
    assert len(ballots) == len(sealed_ids) == 2 + 6 * 6
    assert sealed_ids.isdisjoint(b.pk for b in ballots)
    assert all(b.pk.version == 4 for b in ballots)
    still_sealed = [b for b in ballots if b.sealed]
    assert sorted((b.ratee_id, b.role, b.overall) for b in still_sealed) == sorted(
        [(bureau.a_head.pk, "superior", None), (bureau.b_head.pk, "superior", None)])
    assert {(b.overall, b.sealed) for b in ballots if b not in still_sealed} == {(Decimal("64.00"), "")}
    assert round_verify(opened) == []


def test_after_closing_the_database_holds_no_readable_score_of_a_hidden_group(bureau, opened):
    cast(opened, bureau, bureau.head, 95)
    round_close(actor=bureau.office, round=opened)

    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed, overall FROM ballots_ballot WHERE role = 'superior'")
        rows = cursor.fetchall()

    assert len(rows) == 2
    assert all(sealed.startswith("v1.") and "095" not in sealed and overall is None for sealed, overall in rows)


def test_a_by_dimension_ballot_scores_the_mean_of_the_five(bureau):
    rnd = round_open(actor=bureau.office, round=round_create(actor=bureau.office, unit=bureau.unit, year=YEAR,
                                                               by_dimension=True, anonymity_min=3))
    for voter in bureau.a_staff[:3]:
        scores = dict.fromkeys(paper(rnd, voter), (90, 85, 80, 75, 71))
        ballot_cast(actor=bureau.user_of(voter), round=rnd, scores=scores)
    round_close(actor=bureau.office, round=rnd)

    ballots = Ballot.objects.filter(round=rnd, ratee=bureau.a_head)
    assert {(b.de, b.neng, b.qin, b.ji, b.lian, b.overall) for b in ballots} == {
        (90, 85, 80, 75, 71, Decimal("80.20"))}
    assert ballots.count() == 3
    assert RaterAggregate.objects.get(person=bureau.a_head, role="peer").total == 240.6


def test_a_person_is_rated_in_one_round_a_year(bureau, opened):
    second = round_create(actor=bureau.office, unit=bureau.unit, year=YEAR, ratees=[bureau.b_head])

    with pytest.raises(ApplicationError, match="already rated"):
        round_open(actor=bureau.office, round=second)

    second.refresh_from_db()
    assert (second.status, second.assignments.count()) == ("draft", 0)


def test_closing_the_round_ends_the_vote_step_of_the_annual_appraisal(bureau, opened):
    default_content_load(actor=None, year=YEAR)
    cycle = cycle_open(actor=None, name="年度考核", year=YEAR, root=bureau.unit)
    workflow.appraisals_start(actor=None, cycle=cycle)
    Appraisal.objects.filter(cycle=cycle).update(step="vote")
    with pytest.raises(ApplicationError, match="still open"):
        workflow.votes_close(actor=bureau.office, cycle=cycle, unit=bureau.unit)
    round_close(actor=bureau.office, round=opened)
    assert set(Appraisal.objects.filter(cycle=cycle).values_list("step", flat=True)) == {"supervisor"}
