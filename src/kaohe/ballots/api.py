"""API of 360° ballots: rounds in scope, a closed round's suppressed results, and my ballot rounds.

Read-only on purpose: votes are cast on the vote page only, the one endpoint whose request body is
kept out of every log. Results carry exactly the cells the page shows (hidden cells without numbers).
"""

from decimal import Decimal

from ninja import Router, Schema

from kaohe.accounts.http import AuthedRequest
from kaohe.ballots import selectors
from kaohe.ballots.models import BallotRound

router = Router(tags=["ballots"])


class RoundOut(Schema):
    id: int
    name: str
    year: int
    unit_id: int
    status: str
    anonymity_min: int
    by_dimension: bool


class CellOut(Schema):
    ratee_id: int
    ratee_name: str
    role: str
    state: str
    n: int | None
    mean: Decimal | None
    dimension_means: list[Decimal] | None


class MyRoundOut(Schema):
    round: RoundOut
    ratees: int
    voted: bool


def _round(rnd: BallotRound) -> RoundOut:
    return RoundOut(id=rnd.pk, name=rnd.name, year=rnd.year, unit_id=rnd.unit_id, status=rnd.status,
                    anonymity_min=rnd.anonymity_min, by_dimension=rnd.by_dimension)


@router.get("/rounds", response=list[RoundOut])
def rounds_list(request: AuthedRequest) -> list[RoundOut]:
    return [_round(r) for r in selectors.rounds_visible(request.user).order_by("-year", "-pk")[:500]]


@router.get("/rounds/{round_id}/results", response=list[CellOut])
def round_results(request: AuthedRequest, round_id: int) -> list[CellOut]:
    rnd = selectors.round_get(request.user, round_id)
    cells = []
    for row in selectors.round_aggregates(request.user, rnd):
        for cell in row.cells:
            stats = cell.stats
            cells.append(CellOut(
                ratee_id=row.ratee.pk, ratee_name=row.ratee.name, role=cell.role, state=cell.state,
                n=stats.n if stats else None, mean=stats.mean if stats else None,
                dimension_means=list(stats.dimension_means) if stats and stats.dimension_means else None,
            ))
    return cells


@router.get("/mine", response=list[MyRoundOut])
def my_rounds(request: AuthedRequest) -> list[MyRoundOut]:
    return [MyRoundOut(round=_round(m.round), ratees=m.ratees, voted=m.voted)
            for m in selectors.my_rounds(request.user)]
