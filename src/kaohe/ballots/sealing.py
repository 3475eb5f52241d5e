"""Sealed ballots: scores kept in an encrypted, fixed-width text until they may be seen.

A ballot is sealed while its round is open, and stays sealed after closing when its rater group is
not shown (hidden or withheld by suppression): the database then holds in the open only the scores
of groups that are published anyway. `ballot_vote` reads either form back for the tally.
"""

from collections.abc import Sequence
from decimal import Decimal

from kaohe.ballots.choices import DIMENSIONS
from kaohe.ballots.models import Ballot, BallotRound
from kaohe.ballots.suppression import Vote, overall_of

SEAL_WIDTH = 3  # every score takes three digits, so ciphertext lengths say nothing about the scores


def seal(values: Sequence[int]) -> str:
    return ",".join(f"{v:0{SEAL_WIDTH}d}" for v in values)


def unseal(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(","))


def vote_of(ratee_id: int, role: str, values: tuple[int, ...]) -> Vote:
    """A vote from its raw scores: one overall score, or the five dimension scores."""
    if len(values) == 1:
        return Vote(ratee_id, role, Decimal(values[0]))
    return Vote(ratee_id, role, overall_of(values), values)


def ballot_vote(ratee_id: int, role: str, sealed: str, overall: Decimal | None,
                dimensions: Sequence[int | None]) -> Vote:
    """The vote of a stored ballot, sealed or open."""
    if sealed:
        return vote_of(ratee_id, role, unseal(sealed))
    if overall is None:
        raise ValueError("A ballot is neither sealed nor open")
    dims = None if dimensions[0] is None else tuple(int(d or 0) for d in dimensions)
    return Vote(ratee_id, role, overall, dims)


def stored_votes(rnd: BallotRound) -> list[Vote]:
    """Every ballot of the round as the tally reads it, sealed or open (the tally is re-computable, J4)."""
    rows = Ballot.objects.filter(round=rnd).values_list("ratee_id", "role", "sealed", "overall", *DIMENSIONS)
    return [ballot_vote(ratee, role, sealed, overall, dims) for ratee, role, sealed, overall, *dims in rows]


def raw_values(vote: Vote) -> tuple[int, ...]:
    """The scores as cast: the five dimension scores, or the one overall score."""
    return vote.dimensions if vote.dimensions is not None else (int(vote.overall),)


def ballot_row(rnd: BallotRound, vote: Vote, *, open_: bool) -> Ballot:
    """A fresh ballot row (new random key) holding the vote sealed, or open in the score columns."""
    if not open_:
        return Ballot(round=rnd, ratee_id=vote.ratee, role=vote.role, sealed=seal(raw_values(vote)))
    dims = dict(zip(DIMENSIONS, vote.dimensions, strict=True)) if vote.dimensions else {}
    return Ballot(round=rnd, ratee_id=vote.ratee, role=vote.role, overall=vote.overall, **dims)
