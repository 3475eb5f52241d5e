"""Reads of 360° ballots, each within the caller's role and scope.

- the appraisal office of a round's unit manages it (roster, progress, aggregates, export);
- supervisors whose scope covers the unit see the aggregates once the round is closed;
- a voter sees the rounds they rate in, their ballot paper and whether they have voted — never a score.
Aggregates always come out of `suppression.tally`: the same cells for every viewer and every format.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.ballots.choices import RATER_ROLES, RaterRole, RoundStatus
from kaohe.ballots.models import BallotRound, Participation, RaterAssignment
from kaohe.ballots.roster import round_structural_roster
from kaohe.ballots.sealing import stored_votes
from kaohe.ballots.services import voter_hash
from kaohe.ballots.suppression import Cell, tally
from kaohe.core.errors import NotFoundError, PermissionDeniedError
from kaohe.org.models import CivilServant

READERS = (Role.APPRAISAL_OFFICE, Role.SUPERVISOR)


def _paths_q(paths: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(unit__path__startswith=path)
    return q


def rounds_visible(user: User) -> QuerySet[BallotRound]:
    """Rounds the caller manages, and closed rounds of units in their supervisor scope."""
    supervised = _paths_q(scope_for(user, roles=[Role.SUPERVISOR]).unit_paths) & Q(status=RoundStatus.CLOSED)
    office = _paths_q(scope_for(user, roles=[Role.APPRAISAL_OFFICE]).unit_paths)
    return BallotRound.objects.filter(office | supervised).select_related("unit")


def round_get(user: User, round_id: int) -> BallotRound:
    rnd = rounds_visible(user).filter(pk=round_id).first()
    if rnd is None:
        raise NotFoundError(_("No ballot round %(id)s in your data scope.") % {"id": round_id})
    return rnd


def manages(user: User, rnd: BallotRound) -> bool:
    return scope_for(user, roles=[Role.APPRAISAL_OFFICE]).covers_path(rnd.unit.path)


# Voters --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MyRound:
    round: BallotRound
    ratees: int
    voted: bool


def has_voted(user: User, rnd: BallotRound) -> bool:
    if user.person_id is None or not rnd.secret:
        return False
    return Participation.objects.filter(round=rnd, voter_hash=voter_hash(rnd, user.person_id)).exists()


def my_rounds(user: User) -> list[MyRound]:
    """Open and closed rounds in which the caller is a rater, newest first."""
    if user.person_id is None:
        return []
    rounds = (BallotRound.objects.filter(assignments__voter_id=user.person_id).exclude(status=RoundStatus.DRAFT)
              .select_related("unit").distinct().order_by("-year", "-pk"))
    return [MyRound(r, r.assignments.filter(voter_id=user.person_id).count(), has_voted(user, r)) for r in rounds]


def my_round_get(user: User, round_id: int) -> BallotRound:
    rnd = next((m.round for m in my_rounds(user) if m.round.pk == round_id), None)
    if rnd is None:
        raise NotFoundError(_("You are not a rater in ballot round %(id)s.") % {"id": round_id})
    return rnd


@dataclass(frozen=True)
class PaperRow:
    """One line of a voter's ballot paper: whom they rate and in which role."""

    ratee: CivilServant
    role: str

    @property
    def role_label(self) -> str:
        return str(RaterRole(self.role).label)


def ballot_paper(user: User, rnd: BallotRound) -> list[PaperRow]:
    assignments = rnd.assignments.filter(voter_id=user.person_id).select_related("ratee", "ratee__department")
    return [PaperRow(a.ratee, a.role) for a in assignments.order_by("ratee__name_pinyin", "ratee_id")]


# The office ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    voters: int
    voted: int


def round_progress(user: User, rnd: BallotRound) -> Progress:
    """How many rostered voters have voted: counts only, never who."""
    if not manages(user, rnd):
        raise PermissionDeniedError(_("Only the appraisal office of %(unit)s may do this.") % {"unit": rnd.unit.name})
    return Progress(rnd.assignments.values("voter_id").distinct().count(), rnd.participations.count())


@dataclass(frozen=True)
class PreviewRow:
    """A ratee of a draft round and their prospective raters per role; short groups will be hidden."""

    ratee: CivilServant
    counts: dict[str, int]
    short: list[str]


def roster_preview(user: User, rnd: BallotRound) -> list[PreviewRow]:
    """The roster the round would open with (superiors, peers and added raters), per ratee and role."""
    if not manages(user, rnd):
        raise PermissionDeniedError(_("Only the appraisal office of %(unit)s may do this.") % {"unit": rnd.unit.name})
    pairs = dict(round_structural_roster(rnd)) if rnd.status == RoundStatus.DRAFT else {}
    pairs.update({(v, r): role for v, r, role in rnd.assignments.values_list("voter_id", "ratee_id", "role")})
    counts = Counter((ratee, role) for (_voter, ratee), role in pairs.items())
    rows = []
    for ratee in rnd.ratees.select_related("department").order_by("name_pinyin", "pk"):
        by_role = {role: counts[(ratee.pk, role)] for role in RATER_ROLES}
        short = [role for role, n in by_role.items() if 0 < n < rnd.anonymity_min]
        rows.append(PreviewRow(ratee, by_role, short))
    return rows


def added_raters(user: User, rnd: BallotRound) -> QuerySet[RaterAssignment]:
    """The raters the office added by hand to a draft round."""
    if not manages(user, rnd) or rnd.status != RoundStatus.DRAFT:
        return RaterAssignment.objects.none()
    return rnd.assignments.select_related("voter", "ratee").order_by("ratee__name_pinyin", "voter__name_pinyin")


# Aggregates ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AggregateRow:
    """A ratee's published cells: one per rater role (engine order), then the total over all roles."""

    ratee: CivilServant
    cells: list[Cell]

    @property
    def roles(self) -> list[Cell]:
        return self.cells[:-1]

    @property
    def total(self) -> Cell:
        return self.cells[-1]


def _readable_ratees(user: User, rnd: BallotRound) -> QuerySet[CivilServant]:
    if manages(user, rnd):
        return rnd.ratees.all()
    scope = scope_for(user, roles=[Role.SUPERVISOR])
    return rnd.ratees.filter(scope.people_q()) if scope.unit_paths else rnd.ratees.none()


def round_aggregates(user: User, rnd: BallotRound) -> list[AggregateRow]:
    """The suppressed aggregates of a closed round for the ratees the caller may read."""
    if rnd.status != RoundStatus.CLOSED:
        raise PermissionDeniedError(_("Results are released only when the round is closed."))
    ratees = list(_readable_ratees(user, rnd).order_by("name_pinyin", "pk"))
    if not ratees:
        raise PermissionDeniedError(_("You may not see the results of this round."))
    tables = tally(stored_votes(rnd), rnd.anonymity_min, RATER_ROLES, rnd.ratees.values_list("pk", flat=True))
    return [AggregateRow(ratee, tables[ratee.pk]) for ratee in ratees]
