"""Writes of 360° ballots: relatives, rounds (create, add raters, open, close), casting, self-summaries.

Every write checks the actor, validates, writes and audits in one transaction. The audit records
participation — who took part in which round — and never a ratee, a role or a score of a vote.
"""

import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.models import Cycle, CycleStatus
from kaohe.appraisal.scoring import scheme_category
from kaohe.appraisal.workflow import votes_close
from kaohe.audit.services import audit_append
from kaohe.ballots.choices import ADDED_ROLES, DIMENSIONS, RATER_ROLES, RelationshipKind, RoundStatus
from kaohe.ballots.models import (
    ANONYMITY_DEFAULT,
    ANONYMITY_FLOOR,
    Ballot,
    BallotRound,
    Participation,
    RaterAssignment,
    Relationship,
)
from kaohe.ballots.roster import relatives_among, round_structural_roster
from kaohe.ballots.rules import may_rate
from kaohe.ballots.sealing import ballot_row, seal, stored_votes
from kaohe.ballots.suppression import Cell, Vote, tally
from kaohe.collection.models import RaterAggregate
from kaohe.collection.sheets import sheets_update
from kaohe.core.crypto import provider
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.indicators.choices import SchemeStatus
from kaohe.indicators.models import Scheme
from kaohe.org.choices import PersonStatus
from kaohe.org.models import CivilServant, Unit


class AlreadyVotedError(ApplicationError):
    """The voter has already taken part in the round (one vote per voter and round)."""

    status = 409


def require_office_over(actor: User | None, unit: Unit) -> None:
    """The appraisal office of the unit runs its ballot rounds (actor None: the system)."""
    if actor is not None and not scope_for(actor, roles=[Role.APPRAISAL_OFFICE]).covers_path(unit.path):
        raise PermissionDeniedError(_("Only the appraisal office of %(unit)s may do this.") % {"unit": unit.name})


def _locked(rnd: BallotRound, *, status: str) -> BallotRound:
    """The round row, locked for the transaction, in the expected status."""
    locked = BallotRound.objects.select_for_update().select_related("unit").get(pk=rnd.pk)
    if locked.status != status:
        raise ApplicationError(_("The round is %(status)s; this needs a round that is %(expected)s.") % {
            "status": locked.get_status_display(), "expected": RoundStatus(status).label})
    return locked


def voter_hash(rnd: BallotRound, person_id: int) -> str:
    """HMAC-SM3 of the voter, keyed by the provider's index key and this round's secret."""
    if not rnd.secret:
        raise ApplicationError(_("The round has not been opened."))
    return provider().blind_index(str(person_id), context=f"ballots.participation:{rnd.pk}:{rnd.secret}")


# Relatives ---------------------------------------------------------------------------------------------

def relationship_record(*, actor: User | None, person: CivilServant, relative: CivilServant,
                        kind: str) -> Relationship:
    """Record that two people are close relatives; they are then never each other's raters."""
    require_office_over(actor, person.unit)
    if kind not in RelationshipKind.values:
        raise ApplicationError(_("Unknown kind of relative %(kind)s.") % {"kind": kind}, field="kind")
    if person.pk == relative.pk:
        raise ApplicationError(_("A person cannot be their own relative."), field="relative")
    low, high = sorted((person.pk, relative.pk))
    if Relationship.objects.filter(person_id=low, relative_id=high).exists():
        raise ApplicationError(_("This relation is already recorded."), field="relative")
    with transaction.atomic():
        record = Relationship.objects.create(person_id=low, relative_id=high, kind=kind)
        audit_append(actor=actor, action="ballots.relationship.record", object_type="person", object_id=person.pk,
                     detail={"relative_id": relative.pk, "kind": kind})
    return record


# Rounds --------------------------------------------------------------------------------------------------

def scheme_anonymity_min(unit: Unit, year: int) -> int:
    """The active scheme's `policy.anonymity_min` for the unit's category and year; 5 without one."""
    scheme = Scheme.objects.filter(year=year, status=SchemeStatus.ACTIVE, level="",
                                   category=scheme_category(unit.level, unit.category)).first()
    try:
        value = int((scheme.settings if scheme else {})["policy"]["anonymity_min"])
    except (KeyError, TypeError, ValueError):
        return ANONYMITY_DEFAULT
    return max(ANONYMITY_FLOOR, value)


def _ratees_of(unit: Unit, ratees: Sequence[CivilServant] | None) -> list[CivilServant]:
    if ratees is None:
        return list(CivilServant.objects.filter(unit=unit, status=PersonStatus.ACTIVE).order_by("pk"))
    strangers = [p.name for p in ratees if p.unit_id != unit.pk]
    if strangers:
        raise ApplicationError(_("Not in %(unit)s: %(names)s.") % {"unit": unit.name, "names": "、".join(strangers)},
                               field="ratees")
    return list(ratees)


def round_create(*, actor: User | None, unit: Unit, year: int, name: str = "",
                 ratees: Sequence[CivilServant] | None = None, anonymity_min: int | None = None,
                 by_dimension: bool = False) -> BallotRound:
    """A draft round for the unit's people (or the given ones); the minimum comes from the scheme."""
    require_office_over(actor, unit)
    scheme_min = scheme_anonymity_min(unit, year)
    minimum = scheme_min if anonymity_min is None else anonymity_min
    if minimum < ANONYMITY_FLOOR:
        raise ApplicationError(_("The anonymity minimum must be at least %(floor)s.") % {"floor": ANONYMITY_FLOOR},
                               field="anonymity_min")
    people = _ratees_of(unit, ratees)
    if not people:
        raise ApplicationError(_("%(unit)s has nobody to rate.") % {"unit": unit.name}, field="ratees")
    with transaction.atomic():
        rnd = BallotRound.objects.create(name=name.strip() or f"{unit.name} {year}", year=year, unit=unit,
                                         anonymity_min=minimum, by_dimension=by_dimension)
        rnd.ratees.set(people)
        audit_append(actor=actor, action="ballots.round.create", object_type="ballot_round", object_id=rnd.pk,
                     detail={"unit_id": unit.pk, "year": year, "ratees": len(people), "anonymity_min": minimum,
                             "scheme_anonymity_min": scheme_min, "by_dimension": by_dimension})
    return rnd


def round_rater_add(*, actor: User | None, round: BallotRound, voter: CivilServant, ratee: CivilServant,
                    role: str) -> RaterAssignment:
    """Add a member of the public or a service recipient as a rater of one ratee (draft rounds only)."""
    require_office_over(actor, round.unit)
    if role not in ADDED_ROLES:
        raise ApplicationError(_("Only public and service-recipient raters are added by hand."), field="role")
    if not round.ratees.filter(pk=ratee.pk).exists():
        raise ApplicationError(_("%(name)s is not rated in this round.") % {"name": ratee.name}, field="ratee")
    if not may_rate(voter.pk, ratee.pk, relatives_among([voter.pk, ratee.pk])):
        raise ApplicationError(_("%(voter)s may not rate %(ratee)s: oneself or a close relative.") % {
            "voter": voter.name, "ratee": ratee.name}, field="voter")
    with transaction.atomic():
        rnd = _locked(round, status=RoundStatus.DRAFT)
        if (voter.pk, ratee.pk) in round_structural_roster(rnd) or rnd.assignments.filter(
                voter=voter, ratee=ratee).exists():
            raise ApplicationError(_("%(voter)s already rates %(ratee)s in this round.") % {
                "voter": voter.name, "ratee": ratee.name}, field="voter")
        assignment = RaterAssignment.objects.create(round=rnd, voter=voter, ratee=ratee, role=role)
        audit_append(actor=actor, action="ballots.rater.add", object_type="ballot_round", object_id=rnd.pk,
                     detail={"voter_id": voter.pk, "ratee_id": ratee.pk, "role": role})
    return assignment


def round_rater_remove(*, actor: User | None, round: BallotRound, voter: CivilServant, ratee: CivilServant) -> None:
    """Remove an added rater of a draft round."""
    require_office_over(actor, round.unit)
    with transaction.atomic():
        rnd = _locked(round, status=RoundStatus.DRAFT)
        removed, _counts = rnd.assignments.filter(voter=voter, ratee=ratee).delete()
        if not removed:
            raise NotFoundError(_("%(voter)s is not an added rater of %(ratee)s.") % {
                "voter": voter.name, "ratee": ratee.name})
        audit_append(actor=actor, action="ballots.rater.remove", object_type="ballot_round", object_id=rnd.pk,
                     detail={"voter_id": voter.pk, "ratee_id": ratee.pk})


def _check_added_raters(rnd: BallotRound, structural: Mapping[tuple[int, int], str]) -> None:
    added = list(rnd.assignments.select_related("voter", "ratee"))
    relatives = relatives_among([a.voter_id for a in added] + [a.ratee_id for a in added])
    for a in added:
        if (a.voter_id, a.ratee_id) in structural or not may_rate(a.voter_id, a.ratee_id, relatives):
            raise ApplicationError(_("%(voter)s may no longer rate %(ratee)s as added; remove or fix it first.") % {
                "voter": a.voter.name, "ratee": a.ratee.name})


def _check_one_round_per_ratee(rnd: BallotRound) -> None:
    clash = (BallotRound.objects.filter(year=rnd.year, status__in=[RoundStatus.OPEN, RoundStatus.CLOSED],
                                        ratees__in=rnd.ratees.all()).exclude(pk=rnd.pk).first())
    if clash is not None:
        raise ApplicationError(_("Some people of this round are already rated in %(round)s for %(year)s.") % {
            "round": clash.name, "year": rnd.year})


def round_open(*, actor: User | None, round: BallotRound) -> BallotRound:
    """Take the roster snapshot (superiors, peers, added raters) and open the round for voting."""
    require_office_over(actor, round.unit)
    with transaction.atomic():
        rnd = _locked(round, status=RoundStatus.DRAFT)
        structural = round_structural_roster(rnd)
        _check_added_raters(rnd, structural)
        _check_one_round_per_ratee(rnd)
        RaterAssignment.objects.bulk_create([RaterAssignment(round=rnd, voter_id=v, ratee_id=r, role=role)
                                             for (v, r), role in sorted(structural.items())])
        if not rnd.assignments.exists():
            raise ApplicationError(_("Nobody may rate anyone in this round: add raters first."))
        rnd.secret = secrets.token_urlsafe(32)
        rnd.status, rnd.opened_on = RoundStatus.OPEN, timezone.localdate()
        rnd.save(update_fields=["secret", "status", "opened_on"])
        audit_append(actor=actor, action="ballots.round.open", object_type="ballot_round", object_id=rnd.pk,
                     detail={"assignments": rnd.assignments.count(), "anonymity_min": rnd.anonymity_min,
                             "voters": rnd.assignments.values("voter_id").distinct().count()})
    round.refresh_from_db()
    return rnd


# Casting -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    """What a voter learns after voting: that they took part, and in how many ballots — not what."""

    round_id: int
    ballots: int


@sensitive_variables("scores", "values", "ballots")
def _ballots_for(rnd: BallotRound, roster: Mapping[int, str], scores: Mapping[int, Sequence[int]]) -> list[Ballot]:
    """Validate the whole ballot paper (every ratee of the voter, each score an integer 0–100)."""
    if set(scores) != set(roster):
        raise ApplicationError(_("Rate every person on your ballot, and nobody else."), field="scores")
    width = len(DIMENSIONS) if rnd.by_dimension else 1
    ballots = []
    for ratee_id in sorted(roster):
        values = list(scores[ratee_id])
        if len(values) != width or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100
                                           for v in values):
            raise ApplicationError(_("Every score is a whole number from 0 to 100."), field=f"score_{ratee_id}")
        ballots.append(Ballot(round=rnd, ratee_id=ratee_id, role=roster[ratee_id], sealed=seal(values)))
    secrets.SystemRandom().shuffle(ballots)
    return ballots


@sensitive_variables("scores", "ballots")
def ballot_cast(*, actor: User, round: BallotRound, scores: Mapping[int, Sequence[int]]) -> Receipt:
    """Cast the voter's ballots for all their ratees at once: one participation row, sealed ballots.

    `scores` maps each ratee id to (overall,) or, in by-dimension rounds, the five scores 德能勤绩廉.
    A second cast by the same voter is refused (the unique participation hash, under the round lock).
    """
    person_id = actor.person_id
    if person_id is None:
        raise PermissionDeniedError(_("Only a civil servant with a personal record can vote."))
    with transaction.atomic():
        rnd = _locked(round, status=RoundStatus.OPEN)
        roster = dict(rnd.assignments.filter(voter_id=person_id).values_list("ratee_id", "role"))
        if not roster:
            raise NotFoundError(_("You are not a rater in this round."))
        digest = voter_hash(rnd, person_id)
        if Participation.objects.filter(round=rnd, voter_hash=digest).exists():
            raise AlreadyVotedError(_("You have already voted in this round."))
        ballots = _ballots_for(rnd, roster, scores)
        try:
            with transaction.atomic():
                Participation.objects.create(round=rnd, voter_hash=digest, ballots_cast=len(ballots))
        except IntegrityError as exc:
            raise AlreadyVotedError(_("You have already voted in this round.")) from exc
        Ballot.objects.bulk_create(ballots)
        audit_append(actor=actor, action="ballots.participation.record", object_type="ballot_round",
                     object_id=rnd.pk, detail={"year": rnd.year})
    return Receipt(rnd.pk, len(ballots))


# Closing -------------------------------------------------------------------------------------------------

def _rewrite(rnd: BallotRound, votes: Sequence[Vote], tables: Mapping[int, list[Cell]]) -> None:
    """Write every ballot afresh, shuffled, with new keys: open where its group is shown, sealed elsewhere.

    The new rows share no transaction, order or key with any voter's cast (see the threat model).
    """
    shown = {(c.ratee, c.role) for cells in tables.values() for c in cells if c.stats is not None}
    fresh = [ballot_row(rnd, vote, open_=(vote.ratee, vote.role) in shown) for vote in votes]
    secrets.SystemRandom().shuffle(fresh)
    Ballot.objects.filter(round=rnd).delete()
    Ballot.objects.bulk_create(fresh, batch_size=500)


def _sheet_slots(cells: Sequence[Cell]) -> dict[str, float]:
    """The value-sheet slots of one ratee: a shown role's aggregate; hidden or empty roles count 0."""
    slots: dict[str, float] = {}
    for cell in cells:
        stats = cell.stats
        slots[f"r.{cell.role}.count"] = float(stats.n) if stats else 0.0
        slots[f"r.{cell.role}.total"] = float(stats.total) if stats else 0.0
        slots[f"r.{cell.role}.minimum"] = float(stats.minimum) if stats else math.nan
        slots[f"r.{cell.role}.maximum"] = float(stats.maximum) if stats else math.nan
    return slots


def _write_aggregates(rnd: BallotRound, tables: Mapping[int, list[Cell]]) -> None:
    """Shown role cells become `RaterAggregate` rows and value-sheet slots; scoring sees nothing else."""
    rows = [RaterAggregate(person_id=ratee, year=rnd.year, role=c.role, count=c.stats.n, total=float(c.stats.total),
                           minimum=float(c.stats.minimum), maximum=float(c.stats.maximum))
            for ratee, cells in tables.items() for c in cells[:-1] if c.stats is not None]
    RaterAggregate.objects.filter(person_id__in=list(tables), year=rnd.year).delete()
    RaterAggregate.objects.bulk_create(rows)
    sheets_update(rnd.year, {ratee: _sheet_slots(cells[:-1]) for ratee, cells in tables.items()})


def round_close(*, actor: User | None, round: BallotRound) -> BallotRound:
    """Close voting: tally, rewrite the ballots (open only in shown groups), publish the aggregates to scoring."""
    require_office_over(actor, round.unit)
    with transaction.atomic():
        rnd = _locked(round, status=RoundStatus.OPEN)
        votes = stored_votes(rnd)
        tables = tally(votes, rnd.anonymity_min, RATER_ROLES, rnd.ratees.values_list("pk", flat=True))
        _rewrite(rnd, votes, tables)
        _write_aggregates(rnd, tables)
        rnd.status, rnd.closed_on = RoundStatus.CLOSED, timezone.localdate()
        rnd.save(update_fields=["status", "closed_on"])
        states = [c.state for cells in tables.values() for c in cells]
        audit_append(actor=actor, action="ballots.round.close", object_type="ballot_round", object_id=rnd.pk,
                     detail={"participants": rnd.participations.count(), "cells_shown": states.count("shown"),
                             "cells_hidden": states.count("hidden")})
        for cycle in Cycle.objects.filter(year=rnd.year, status=CycleStatus.OPEN):
            if rnd.unit.path.startswith(cycle.root.path):  # the vote step of the annual appraisal is over
                votes_close(actor=actor, cycle=cycle, unit=rnd.unit)
    round.refresh_from_db()
    return rnd


def round_verify(rnd: BallotRound) -> list[str]:
    """The round's invariants (J4), as a list of what is wrong (empty: all well).

    Ballots equal the ballots the participations cast; every participation belongs to a rostered voter
    and cast exactly that voter's number of ratees. Knows who took part, never what they voted.
    """
    problems = []
    ballots = Ballot.objects.filter(round=rnd).count()
    cast = sum(rnd.participations.values_list("ballots_cast", flat=True))
    if ballots != cast:
        problems.append(f"ballots {ballots} != participation ballots {cast}")
    if rnd.secret:
        sizes: dict[int, int] = {}
        for voter_id in rnd.assignments.values_list("voter_id", flat=True):
            sizes[voter_id] = sizes.get(voter_id, 0) + 1
        expected = {voter_hash(rnd, voter_id): size for voter_id, size in sizes.items()}
        for digest, count in rnd.participations.values_list("voter_hash", "ballots_cast"):
            if expected.get(digest) != count:
                problems.append(f"participation {digest[:8]} is not a rostered voter's full ballot")
    return problems
