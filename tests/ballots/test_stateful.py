"""Ballots equal participation in every round at every moment (J4), whatever voters and the office do:
open, vote, vote again, send a bad paper, vote concurrently, close while votes are in flight."""

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from kaohe.ballots.models import Ballot, Participation
from kaohe.ballots.services import (
    AlreadyVotedError,
    ballot_cast,
    round_close,
    round_create,
    round_open,
    round_verify,
    voter_hash,
)
from kaohe.core.errors import ApplicationError
from tests.ballots.conftest import YEAR, build_bureau, paper
from tests.ballots.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

people = st.integers(0, 10)


class BallotRounds(RuleBasedStateMachine):
    """The model: the round's status and who has voted (by their own receipts, never read from ballots)."""

    def __init__(self):
        super().__init__()
        self.bureau = build_bureau(5)
        self.round = round_create(actor=self.bureau.office, unit=self.bureau.unit, year=YEAR)
        self.status = "draft"
        self.voted: set[int] = set()

    @initialize(open_first=st.booleans())
    def start(self, open_first):
        """Most runs start with an open round; the others must open it themselves (or never do)."""
        if open_first:
            self.open()

    def _person(self, index):
        return self.bureau.people[index % len(self.bureau.people)]

    def _cast(self, person, score=70):
        user = self.bureau.user_of(person)
        scores = dict.fromkeys(paper(self.round, person), (score,))
        return lambda: ballot_cast(actor=user, round=self.round, scores=scores)

    def _expect(self, person, outcome):
        """A cast succeeds only in an open round, for a rostered voter who has not voted yet."""
        eligible = self.status == "open" and bool(paper(self.round, person)) and person.pk not in self.voted
        if eligible:
            event("a vote counted")
            assert not isinstance(outcome, Exception), outcome
            self.voted.add(person.pk)
        else:
            assert isinstance(outcome, ApplicationError)

    @rule()
    def open(self):
        if self.status == "draft":
            round_open(actor=self.bureau.office, round=self.round)
            self.status = "open"
        else:
            with pytest.raises(ApplicationError):
                round_open(actor=self.bureau.office, round=self.round)

    @rule(index=people, score=st.integers(0, 100))
    def vote(self, index, score):
        person = self._person(index)
        self._cast(person, score)  # the user exists before anything is counted
        self._expect(person, run_at_once([self._cast(person, score)])[0])

    @rule(index=people)
    def vote_again(self, index):
        person = self._person(index)
        if person.pk in self.voted:
            expected = AlreadyVotedError if self.status == "open" else ApplicationError
            with pytest.raises(expected):
                self._cast(person)()

    @rule(index=people)
    def send_a_score_above_100(self, index):
        person = self._person(index)
        with pytest.raises(ApplicationError):
            self._cast(person, 101)()

    @rule(index=people, copies=st.integers(2, 4))
    def vote_concurrently(self, index, copies):
        person = self._person(index)
        outcomes = run_at_once([self._cast(person) for _ in range(copies)])
        successes = [o for o in outcomes if not isinstance(o, Exception)]
        assert len(successes) <= 1
        self._expect(person, successes[0] if successes else outcomes[0])

    @rule(indexes=st.lists(people, min_size=1, max_size=3, unique=True))
    def close_while_voting(self, indexes):
        voters = [self._person(i) for i in indexes]
        calls = [self._cast(p) for p in voters]
        outcomes = run_at_once([*calls, lambda: round_close(actor=self.bureau.office, round=self.round)])
        closed = not isinstance(outcomes[-1], Exception)
        assert closed == (self.status == "open")
        for person, outcome in zip(voters, outcomes, strict=False):
            if not isinstance(outcome, Exception):
                assert self.status == "open"
                assert person.pk not in self.voted
                self.voted.add(person.pk)
        if closed:
            event(f"closed with {len(self.voted)} voters")
            self.status = "closed"

    @invariant()
    def ballots_equal_participation_times_ratees(self):
        ballots = Ballot.objects.filter(round=self.round).count()
        participations = Participation.objects.filter(round=self.round)
        expected = sum(len(paper(self.round, p)) for p in self.bureau.people if p.pk in self.voted)
        assert ballots == sum(participations.values_list("ballots_cast", flat=True)) == expected
        assert participations.count() == len(self.voted)
        if self.status != "draft":
            self.round.refresh_from_db()
            hashes = set(participations.values_list("voter_hash", flat=True))
            assert hashes == {voter_hash(self.round, pk) for pk in self.voted}
            assert round_verify(self.round) == []


def test_ballots_equal_participation_in_every_reachable_state():
    run_state_machine_as_test(BallotRounds, settings=settings(
        max_examples=20, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
