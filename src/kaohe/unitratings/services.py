"""Writes of ratings between units: reverse evaluation rounds and collaboration tasks.

Every write checks the actor, validates, writes and audits in one transaction. Reverse evaluation
audits participation only — never a department or a score of a vote; collaboration ratings are
official and audited with their scores.
"""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import Scope, scope_for
from kaohe.appraisal.services import require_office_for
from kaohe.audit.services import audit_append
from kaohe.ballots.choices import RoundStatus
from kaohe.ballots.models import ANONYMITY_FLOOR, BallotRound
from kaohe.ballots.sealing import ballot_vote, seal
from kaohe.ballots.services import AlreadyVotedError, scheme_anonymity_min, voter_hash
from kaohe.ballots.suppression import EMPTY, HIDDEN, Cell, Vote, half_up, tally
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.indicators.choices import Source
from kaohe.org.models import CivilServant, Unit
from kaohe.unitratings import roster
from kaohe.unitratings.models import (
    CollaborationRating,
    CollaborationTask,
    ReverseParticipation,
    ReverseRater,
    ReverseRound,
    ReverseScore,
    TaskStatus,
)
from kaohe.units.models import LeaderRole, UnitLeader
from kaohe.units.services import unit_value_record

REVERSE_CODE, COLLABORATION_CODE = "UD04", "UD05"
ROLE = "rater"  # the one rater group of a reverse round, as `ballots.suppression.tally` counts it


# Reverse evaluation: rounds -------------------------------------------------------------------------------

def _locked(rnd: ReverseRound, *, status: str) -> ReverseRound:
    """The round row, locked for the transaction, in the expected status."""
    locked = ReverseRound.objects.select_for_update().select_related("government").get(pk=rnd.pk)
    if locked.status != status:
        raise ApplicationError(_("The round is %(status)s; this needs a round that is %(expected)s.") % {
            "status": locked.get_status_display(), "expected": RoundStatus(status).label})
    return locked


def round_voter_hash(rnd: ReverseRound, person_id: int) -> str:
    """The ballots' keyed voter hash; it reads only the round's key and secret, which a reverse round has."""
    return voter_hash(cast(BallotRound, rnd), person_id)


def _raters_of(government: Unit, raters: Sequence[CivilServant] | None) -> list[CivilServant]:
    if raters is None:
        return list(roster.leading_staff(government))
    refused = roster.strangers(government, list(raters))
    if refused:
        raise ApplicationError(_("Not working in a township or lower government under %(unit)s: %(names)s.") % {
            "unit": government.name, "names": "、".join(p.name for p in refused)}, field="raters")
    return list({p.pk: p for p in raters}.values())


def reverse_round_create(*, actor: User | None, government: Unit, year: int, name: str = "",
                         raters: Sequence[CivilServant] | None = None,
                         anonymity_min: int | None = None) -> ReverseRound:
    """A draft round over the government's departments; raters default to the leading staff below it."""
    require_office_for(actor, government)
    departments = roster.departments_of(government)
    if not departments:
        raise ApplicationError(_("%(unit)s has no departments to rate.") % {"unit": government.name})
    scheme_min = scheme_anonymity_min(government, year)
    minimum = scheme_min if anonymity_min is None else anonymity_min
    if minimum < ANONYMITY_FLOOR:
        raise ApplicationError(_("The anonymity minimum must be at least %(floor)s.") % {"floor": ANONYMITY_FLOOR},
                               field="anonymity_min")
    people = _raters_of(government, raters)
    if not people:
        raise ApplicationError(_("Nobody under %(unit)s can rate its departments.") % {"unit": government.name},
                               field="raters")
    with transaction.atomic():
        rnd = ReverseRound.objects.create(name=name.strip()[:100] or f"{government.name} {year} 反向测评", year=year,
                                          government=government, anonymity_min=minimum)
        rnd.departments.set(departments)
        ReverseRater.objects.bulk_create([ReverseRater(round=rnd, person=p) for p in people])
        audit_append(actor=actor, action="unitratings.reverse_round.create", object_type="reverse_round",
                     object_id=rnd.pk, detail={"government_id": government.pk, "year": year, "raters": len(people),
                                               "departments": len(departments), "anonymity_min": minimum,
                                               "scheme_anonymity_min": scheme_min})
    return rnd


def reverse_round_open(*, actor: User | None, round: ReverseRound) -> ReverseRound:
    """Open the round for rating: one open or closed round per government and year."""
    require_office_for(actor, round.government)
    with transaction.atomic():
        rnd = _locked(round, status=RoundStatus.DRAFT)
        clash = ReverseRound.objects.filter(government=rnd.government, year=rnd.year).exclude(
            pk=rnd.pk).exclude(status=RoundStatus.DRAFT).first()
        if clash is not None:
            raise ApplicationError(_("%(unit)s already has the round %(round)s for %(year)s.") % {
                "unit": rnd.government.name, "round": clash.name, "year": rnd.year})
        raters = rnd.raters.count()
        if raters < rnd.anonymity_min:
            raise ApplicationError(_("%(n)s raters are fewer than the minimum of %(k)s: no result could be "
                                     "published.") % {"n": raters, "k": rnd.anonymity_min})
        rnd.secret = secrets.token_urlsafe(32)
        rnd.status, rnd.opened_on = RoundStatus.OPEN, timezone.localdate()
        rnd.save(update_fields=["secret", "status", "opened_on"])
        audit_append(actor=actor, action="unitratings.reverse_round.open", object_type="reverse_round",
                     object_id=rnd.pk, detail={"raters": raters, "anonymity_min": rnd.anonymity_min})
    round.refresh_from_db()
    return rnd


# Reverse evaluation: rating -------------------------------------------------------------------------------

def _valid(value: object) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100)


@sensitive_variables("scores", "rows")
def _score_rows(rnd: ReverseRound, scores: Mapping[int, int | None]) -> list[ReverseScore]:
    """Validate the whole sheet (every department, each a whole number 0–100 or blank), rows sealed."""
    if set(scores) != set(rnd.departments.values_list("pk", flat=True)):
        raise ApplicationError(_("Rate the departments of this round, and nothing else."), field="scores")
    if not all(_valid(v) for v in scores.values()):
        raise ApplicationError(_("Every score is a whole number from 0 to 100, or blank."), field="scores")
    rows = [ReverseScore(round=rnd, department_id=d, sealed=seal((v,))) for d, v in scores.items() if v is not None]
    if not rows:
        raise ApplicationError(_("Score at least one department."), field="scores")
    secrets.SystemRandom().shuffle(rows)
    return rows


@sensitive_variables("scores", "rows")
def reverse_scores_cast(*, actor: User, round: ReverseRound, scores: Mapping[int, int | None]) -> int:
    """Cast the rater's scores of the departments at once (None: no dealings with it); returns how many.

    One participation row with the keyed hash of the rater, sealed score rows with no link to it. A
    second cast by the same rater is refused (the unique hash, under the round lock).
    """
    person_id = actor.person_id
    if person_id is None:
        raise PermissionDeniedError(_("Only a civil servant with a personal record can rate."))
    with transaction.atomic():
        rnd = _locked(round, status=RoundStatus.OPEN)
        if not rnd.raters.filter(person_id=person_id).exists():
            raise NotFoundError(_("You are not a rater in this round."))
        digest = round_voter_hash(rnd, person_id)
        if ReverseParticipation.objects.filter(round=rnd, voter_hash=digest).exists():
            raise AlreadyVotedError(_("You have already rated in this round."))
        rows = _score_rows(rnd, scores)
        try:
            with transaction.atomic():
                ReverseParticipation.objects.create(round=rnd, voter_hash=digest, scores_cast=len(rows))
        except IntegrityError as exc:
            raise AlreadyVotedError(_("You have already rated in this round.")) from exc
        ReverseScore.objects.bulk_create(rows)
        audit_append(actor=actor, action="unitratings.reverse.participation.record", object_type="reverse_round",
                     object_id=rnd.pk, detail={"year": rnd.year})
    return len(rows)


# Reverse evaluation: closing ------------------------------------------------------------------------------

def stored_votes(rnd: ReverseRound) -> list[Vote]:
    """Every score of the round as the tally reads it, sealed or open."""
    rows = ReverseScore.objects.filter(round=rnd).values_list("department_id", "sealed", "score")
    return [ballot_vote(department, ROLE, sealed, score, (None,)) for department, sealed, score in rows]


def reverse_tables(rnd: ReverseRound, votes: Sequence[Vote] | None = None) -> dict[int, list[Cell]]:
    """Per department: the suppressed cells (the rater group, then the total) of the round's scores."""
    found = stored_votes(rnd) if votes is None else votes
    return tally(found, rnd.anonymity_min, (ROLE,), rnd.departments.values_list("pk", flat=True))


def _rewrite(rnd: ReverseRound, votes: Sequence[Vote], shown: set[int]) -> None:
    """Write every score afresh, shuffled, with new keys: open where published, sealed elsewhere."""
    fresh = [ReverseScore(round=rnd, department_id=v.ratee, score=v.overall) if v.ratee in shown
             else ReverseScore(round=rnd, department_id=v.ratee, sealed=seal((int(v.overall),))) for v in votes]
    secrets.SystemRandom().shuffle(fresh)
    ReverseScore.objects.filter(round=rnd).delete()
    ReverseScore.objects.bulk_create(fresh, batch_size=500)


def reverse_round_close(*, actor: User | None, round: ReverseRound) -> ReverseRound:
    """Close rating: publish each department's mean where enough raters scored it, recorded as its UD04."""
    require_office_for(actor, round.government)
    with transaction.atomic():
        rnd = _locked(round, status=RoundStatus.OPEN)
        votes = stored_votes(rnd)
        tables = reverse_tables(rnd, votes)
        published = {dept: stats for dept, cells in tables.items() if (stats := cells[0].stats) is not None}
        _rewrite(rnd, votes, set(published))
        for department in rnd.departments.filter(pk__in=list(published)).order_by("pk"):
            stats = published[department.pk]
            unit_value_record(actor=actor, unit=department, year=rnd.year, code=REVERSE_CODE, value=float(stats.mean),
                              source=Source.REVERSE, note=f"{rnd.name} n={stats.n}")
        rnd.status, rnd.closed_on = RoundStatus.CLOSED, timezone.localdate()
        rnd.save(update_fields=["status", "closed_on"])
        states = [cells[0].state for cells in tables.values()]
        audit_append(actor=actor, action="unitratings.reverse_round.close", object_type="reverse_round",
                     object_id=rnd.pk, detail={"participants": rnd.participations.count(), "published": len(published),
                                               "withheld": states.count(HIDDEN), "unrated": states.count(EMPTY)})
    round.refresh_from_db()
    return rnd


# Collaboration --------------------------------------------------------------------------------------------

def collaboration_task_create(*, actor: User | None, unit: Unit, year: int, name: str,
                              participants: Sequence[Unit]) -> CollaborationTask:
    """A shared task of the year whose participating units (departments, townships under `unit`) rate each other."""
    require_office_for(actor, unit)
    if not name.strip():
        raise ApplicationError(_("Name the task."), field="name")
    units = list({u.pk: u for u in participants}.values())
    if len(units) < 2:
        raise ApplicationError(_("A shared task needs at least two participating units."), field="participants")
    refused = [u.name for u in units if not u.path.startswith(unit.path) or not roster.is_appraised(u)]
    if refused:
        raise ApplicationError(_("Not a department or township under %(unit)s: %(names)s.") % {
            "unit": unit.name, "names": "、".join(refused)}, field="participants")
    with transaction.atomic():
        task = CollaborationTask.objects.create(name=name.strip()[:100], year=year, unit=unit)
        task.participants.set(units)
        audit_append(actor=actor, action="unitratings.collaboration_task.create", object_type="collaboration_task",
                     object_id=task.pk, detail={"unit_id": unit.pk, "year": year, "name": task.name,
                                                "participants": sorted(u.pk for u in units)})
    return task


@dataclass(frozen=True)
class RaterRights:
    """For whom a user rates: the units they head, and their appraisal-office scope."""

    headed: frozenset[int]
    office: Scope

    def allows(self, rater_unit: Unit, ratee_unit: Unit) -> bool:
        """The head of the rater unit, or an office over it that does not also oversee the ratee."""
        if rater_unit.pk in self.headed:
            return True
        return self.office.covers_path(rater_unit.path) and not self.office.covers_path(ratee_unit.path)


def rater_rights(actor: User) -> RaterRights:
    headed = UnitLeader.objects.filter(role=LeaderRole.HEAD, end__isnull=True, person_id=actor.person_id)
    return RaterRights(frozenset(headed.values_list("unit_id", flat=True)) if actor.person_id else frozenset(),
                       scope_for(actor, roles=[Role.APPRAISAL_OFFICE]))


def _check_rating(task: CollaborationTask, rater_unit: Unit, ratee_unit: Unit, score: int, comment: str) -> None:
    if rater_unit.pk == ratee_unit.pk:
        raise ApplicationError(_("A unit cannot rate itself."), field="ratee")
    if task.participants.filter(pk__in=[rater_unit.pk, ratee_unit.pk]).count() != 2:
        raise ApplicationError(_("Both units must take part in %(task)s.") % {"task": task.name}, field="ratee")
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
        raise ApplicationError(_("The score is a whole number from 0 to 100."), field="score")
    if len(comment) > 500:
        raise ApplicationError(_("The comment is at most 500 characters."), field="comment")


def collaboration_rating_set(*, actor: User, task: CollaborationTask, rater_unit: Unit, ratee_unit: Unit,
                             score: int, comment: str = "") -> CollaborationRating:
    """Rate another participating unit for the rater unit, or change that rating, while the task is open."""
    comment = comment.strip()
    _check_rating(task, rater_unit, ratee_unit, score, comment)
    if not rater_rights(actor).allows(rater_unit, ratee_unit):
        raise PermissionDeniedError(_("Only the head or the appraisal office of %(unit)s may rate for it (and not an "
                                      "office that also oversees %(ratee)s).") % {
            "unit": rater_unit.name, "ratee": ratee_unit.name})
    with transaction.atomic():
        locked = CollaborationTask.objects.select_for_update().get(pk=task.pk)
        if locked.status != TaskStatus.OPEN:
            raise ApplicationError(_("The task %(task)s is closed; its ratings can no longer change.") % {
                "task": locked.name})
        before = CollaborationRating.objects.filter(task=locked, rater_unit=rater_unit, ratee_unit=ratee_unit).first()
        rating, _created = CollaborationRating.objects.update_or_create(
            task=locked, rater_unit=rater_unit, ratee_unit=ratee_unit,
            defaults={"score": score, "comment": comment, "rated_by": actor, "rated_at": timezone.now()})
        audit_append(actor=actor, action="unitratings.collaboration_rating.set", object_type="collaboration_task",
                     object_id=locked.pk, detail={"rater_unit_id": rater_unit.pk, "ratee_unit_id": ratee_unit.pk,
                                                  "score": score, "previous": before.score if before else None})
    return rating


@dataclass(frozen=True)
class SheetEntry:
    """One rating typed on a rating sheet: for `rater_unit` of `ratee_unit`."""

    rater_unit: Unit
    ratee_unit: Unit
    score: int
    comment: str = ""


def collaboration_sheet_save(*, actor: User, task: CollaborationTask,
                             entries: Sequence[SheetEntry]) -> list[CollaborationRating]:
    """Save a rating sheet all or nothing; entries equal to the stored rating are left alone."""
    stored = {(r.rater_unit_id, r.ratee_unit_id): (r.score, r.comment) for r in task.ratings.all()}
    changed = [e for e in entries if stored.get((e.rater_unit.pk, e.ratee_unit.pk)) != (e.score, e.comment.strip())]
    with transaction.atomic():
        return [collaboration_rating_set(actor=actor, task=task, rater_unit=e.rater_unit, ratee_unit=e.ratee_unit,
                                         score=e.score, comment=e.comment) for e in changed]


def received_means(year: int, units: Sequence[int]) -> dict[int, tuple[int, Decimal]]:
    """Per unit: how many ratings it received over the year's closed tasks, and their mean (2 dp, half-up)."""
    rows = (CollaborationRating.objects.filter(task__year=year, task__status=TaskStatus.CLOSED, ratee_unit_id__in=units)
            .values("ratee_unit_id").annotate(n=Count("id"), total=Sum("score")))
    return {r["ratee_unit_id"]: (r["n"], half_up(Decimal(r["total"]) / r["n"])) for r in rows}


def collaboration_task_close(*, actor: User | None, task: CollaborationTask) -> CollaborationTask:
    """Close the task; each participant's UD05 becomes the mean it received over the year's closed tasks."""
    require_office_for(actor, task.unit)
    with transaction.atomic():
        locked = CollaborationTask.objects.select_for_update().get(pk=task.pk)
        if locked.status != TaskStatus.OPEN:
            raise ApplicationError(_("The task %(task)s is already closed.") % {"task": locked.name})
        locked.status, locked.closed_on = TaskStatus.CLOSED, timezone.localdate()
        locked.save(update_fields=["status", "closed_on"])
        means = received_means(locked.year, list(locked.participants.values_list("pk", flat=True)))
        for unit in locked.participants.filter(pk__in=list(means)).order_by("pk"):
            n, mean = means[unit.pk]
            unit_value_record(actor=actor, unit=unit, year=locked.year, code=COLLABORATION_CODE, value=float(mean),
                              source=Source.COLLABORATION, note=f"n={n}")
        audit_append(actor=actor, action="unitratings.collaboration_task.close", object_type="collaboration_task",
                     object_id=locked.pk, detail={"ratings": locked.ratings.count(), "units_recorded": len(means)})
    task.refresh_from_db()
    return locked
