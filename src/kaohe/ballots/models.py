"""Anonymous 360° ballots (民主测评) and self-summaries.

A round's roster (`RaterAssignment`) says who may rate whom and in which role; `Participation`
holds one keyed hash per voter (the one-vote rule); `Ballot` holds scores for a ratee and a rater
role with no link to its voter and no time. See the package docstring for the threat model.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaohe.ballots.choices import RaterRole, RelationshipKind, RoundStatus
from kaohe.core.fields import EncryptedTextField
from kaohe.org.models import CivilServant, Unit

ANONYMITY_FLOOR = 3
ANONYMITY_DEFAULT = 5


class BallotRound(models.Model):
    """A ballot round (测评轮次) for some ratees of a unit in an appraisal year: draft → open → closed.

    `anonymity_min` is the smallest rater group whose aggregate is shown (the scheme's
    `policy.anonymity_min`, default 5, never below 3). `secret` keys the participation hashes of this
    round only, so hashes of two rounds cannot be matched; it is stored encrypted.
    """

    name = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ballot_rounds")
    ratees = models.ManyToManyField(CivilServant, related_name="ballot_rounds_rated")
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    anonymity_min = models.PositiveSmallIntegerField(default=ANONYMITY_DEFAULT)
    by_dimension = models.BooleanField(default=False, help_text=_("Score 德能勤绩廉 separately"))
    secret = EncryptedTextField(context="ballots.ballotround.secret", blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(anonymity_min__gte=ANONYMITY_FLOOR),
                                   name="ballot_round_anonymity_at_least_floor"),
        ]

    def __str__(self) -> str:
        return self.name


class RaterAssignment(models.Model):
    """The roster snapshot taken when a round opens: `voter` may rate `ratee` in `role`.

    Added raters (public, service recipients) are entered while the round is a draft; superiors and
    peers follow from the organisation when it opens. Never oneself, never a close relative.
    """

    round = models.ForeignKey(BallotRound, on_delete=models.CASCADE, related_name="assignments")
    voter = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="+")
    ratee = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=RaterRole.choices)

    class Meta:
        ordering = ["round_id", "ratee_id", "role", "voter_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "voter", "ratee"], name="rater_assignment_unique"),
            models.CheckConstraint(condition=~Q(voter=F("ratee")), name="rater_assignment_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id}→{self.ratee_id} {self.role}"


class Participation(models.Model):
    """That someone voted in a round: HMAC-SM3 of the voter under the round's secret, unique per round.

    One row per voter and round (a voter rates all their ratees in one submission), holding how many
    ballots that submission cast. No ratee, no time, a random key: nothing to join with a ballot.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(BallotRound, on_delete=models.PROTECT, related_name="participations")
    voter_hash = models.CharField(max_length=64)
    ballots_cast = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "voter_hash"], name="participation_one_per_voter")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.voter_hash[:8]}"


class Ballot(models.Model):
    """One rater's scores for one ratee: no voter, no time, a random (UUID4) key.

    While the round is open the scores are sealed (encrypted in `sealed`, see `sealing`) and the score
    columns are empty; closing the round writes every ballot afresh, in random order, with new keys:
    open in the score columns where its rater group is shown, still sealed where it is not. `overall`
    is the score that enters the 360° aggregate (0–100); in `by_dimension` rounds the mean of the five.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(BallotRound, on_delete=models.PROTECT, related_name="ballots")
    ratee = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=RaterRole.choices)
    sealed = EncryptedTextField(context="ballots.ballot.sealed", blank=True)
    overall = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    de = models.PositiveSmallIntegerField(null=True, blank=True)
    neng = models.PositiveSmallIntegerField(null=True, blank=True)
    qin = models.PositiveSmallIntegerField(null=True, blank=True)
    ji = models.PositiveSmallIntegerField(null=True, blank=True)
    lian = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(overall__isnull=True) | Q(overall__gte=0, overall__lte=100),
                                   name="ballot_overall_between_0_and_100"),
            *(models.CheckConstraint(condition=Q(**{f"{d}__isnull": True}) | Q(**{f"{d}__lte": 100}),
                                     name=f"ballot_{d}_at_most_100") for d in ("de", "neng", "qin", "ji", "lian")),
        ]

    def __str__(self) -> str:
        return f"ballot {self.round_id} {self.ratee_id} {self.role}"


class Relationship(models.Model):
    """A close-relative relation between two people (stored once, lower id first); they never rate
    each other (公务员法 第七十四条 relations, 第七十六条 公务回避)."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="+")
    relative = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=RelationshipKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="relationship_unique_pair"),
            models.CheckConstraint(condition=Q(person__lt=F("relative")), name="relationship_ordered_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}↔{self.relative_id} {self.kind}"
