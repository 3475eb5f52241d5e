"""Reverse evaluation rounds (roster, participations, scores without voters) and collaboration tasks
(participants and their signed ratings of each other)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaohe.ballots.choices import RoundStatus
from kaohe.ballots.models import ANONYMITY_DEFAULT, ANONYMITY_FLOOR
from kaohe.core.fields import EncryptedTextField
from kaohe.org.models import CivilServant, Unit


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open for ratings")
    CLOSED = "closed", _("Ratings closed")


class ReverseRound(models.Model):
    """A reverse evaluation round (反向测评) of a government's departments for a year: draft → open → closed.

    `departments` is the snapshot of the government's departments taken at creation; the raters are in
    `ReverseRater`. `anonymity_min` is the smallest number of raters whose mean of a department is
    published (the scheme's `policy.anonymity_min`, default 5, never below 3). `secret` keys the
    participation hashes of this round only and is stored encrypted.
    """

    name = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    government = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reverse_rounds")
    departments = models.ManyToManyField(Unit, related_name="reverse_rounds_rated")
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    anonymity_min = models.PositiveSmallIntegerField(default=ANONYMITY_DEFAULT)
    secret = EncryptedTextField(context="unitratings.reverseround.secret", blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(anonymity_min__gte=ANONYMITY_FLOOR),
                                   name="reverse_round_anonymity_at_least_floor"),
        ]

    def __str__(self) -> str:
        return self.name


class ReverseRater(models.Model):
    """The roster of a round: `person` (working in a township or lower government) rates its departments."""

    round = models.ForeignKey(ReverseRound, on_delete=models.CASCADE, related_name="raters")
    person = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["round_id", "person_id"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="reverse_rater_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.person_id}"


class ReverseParticipation(models.Model):
    """That someone rated in a round: HMAC-SM3 of the rater under the round's secret, unique per round.

    No department, no time, a random key: nothing to join with a score.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(ReverseRound, on_delete=models.PROTECT, related_name="participations")
    voter_hash = models.CharField(max_length=64)
    scores_cast = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "voter_hash"], name="reverse_participation_one")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.voter_hash[:8]}"


class ReverseScore(models.Model):
    """One rater's score (0–100) of one department: no rater, no time, a random (UUID4) key.

    Sealed (encrypted in `sealed`) while the round is open; closing writes every score afresh, shuffled,
    with new keys: open in `score` where the department's mean is published, still sealed where not.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(ReverseRound, on_delete=models.PROTECT, related_name="scores")
    department = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    sealed = EncryptedTextField(context="unitratings.reversescore.sealed", blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                                   name="reverse_score_between_0_and_100"),
        ]

    def __str__(self) -> str:
        return f"reverse score {self.round_id} {self.department_id}"


class CollaborationTask(models.Model):
    """A shared task (e.g. 河长制) of a year, set by the appraisal office of `unit`, whose participating
    units (departments, townships) rate each other's collaboration until the task is closed."""

    name = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="collaboration_tasks")
    participants = models.ManyToManyField(Unit, related_name="collaboration_tasks_joined")
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name


class CollaborationRating(models.Model):
    """A participating unit's official rating (0–100) of another in a task, by its head or appraisal office.

    Not anonymous: who rated and when are kept, and the rating may be changed until the task closes.
    """

    task = models.ForeignKey(CollaborationTask, on_delete=models.PROTECT, related_name="ratings")
    rater_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    ratee_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=500, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ["task_id", "ratee_unit_id", "rater_unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "rater_unit", "ratee_unit"], name="collaboration_rating_unique"),
            models.CheckConstraint(condition=~Q(rater_unit=F("ratee_unit")), name="collaboration_rating_not_self"),
            models.CheckConstraint(condition=Q(score__lte=100), name="collaboration_rating_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.rater_unit_id}→{self.ratee_unit_id} {self.score}"
