"""One voter submitting twenty times at once leaves one participation and one set of ballots (J4)."""

import threading

import pytest
from django.db import connection

from kaohe.ballots.models import Ballot, Participation
from kaohe.ballots.services import AlreadyVotedError, ballot_cast, round_create, round_open, round_verify
from kaohe.core.errors import ApplicationError
from tests.ballots.conftest import YEAR, build_bureau, paper

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(calls):
    """Run the callables in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def worker(i, call):
        barrier.wait()
        try:
            outcomes[i] = call()
        except ApplicationError as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_twenty_concurrent_casts_by_one_voter_leave_exactly_one_participation():
    bureau = build_bureau()
    rnd = round_open(actor=bureau.office, round=round_create(actor=bureau.office, unit=bureau.unit, year=YEAR))
    voter = bureau.a_staff[0]
    user = bureau.user_of(voter)
    scores = dict.fromkeys(paper(rnd, voter), (80,))

    outcomes = run_at_once([lambda: ballot_cast(actor=user, round=rnd, scores=scores)] * 20)

    receipts = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(receipts) == 1
    assert [type(o) for o in outcomes if isinstance(o, Exception)] == [AlreadyVotedError] * 19
    assert Participation.objects.filter(round=rnd).count() == 1
    assert Ballot.objects.filter(round=rnd).count() == len(scores) == 6
    assert round_verify(rnd) == []
