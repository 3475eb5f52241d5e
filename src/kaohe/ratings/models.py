"""Public ratings (群众扫码评价 / 好差评): service windows, rating targets, ratings and their follow-ups.

Privacy (PIPL, 等保 G3): a rating keeps no raw IP address and no identity of the citizen. The device
cookie and the IP address are stored only as keyed hashes (HMAC-SM3 through the crypto provider,
salted with the day, so they cannot be linked across days); the optional comment may carry contact
data and is encrypted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaohe.core.fields import EncryptedTextField
from kaohe.org.models import CivilServant, Unit
from kaohe.ratings.choices import Channel, FollowUpStatus, RatingLevel, StepAction, TargetKind

COMMENT_CONTEXT = "ratings.rating.comment"
NOTE_CONTEXT = "ratings.followupstep.note"


class ServiceWindow(models.Model):
    """A service window (服务窗口) of a unit, such as 窗口 3 of a service hall; rated by its own QR code."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="service_windows")
    number = models.CharField(max_length=16)
    name = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["unit_id", "number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="service_window_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class RatingTarget(models.Model):
    """What a QR code rates: one civil servant or one service window (a row is made with its first code).

    The unit that answers for a rating is the person's or window's unit on the day of the rating.
    `serves_at` is the window where a person works, printed under their code.
    """

    kind = models.CharField(max_length=8, choices=TargetKind.choices)
    person = models.OneToOneField(CivilServant, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="rating_target")
    window = models.OneToOneField(ServiceWindow, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="rating_target")
    serves_at = models.ForeignKey(ServiceWindow, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="staff_targets", help_text="a person's window, printed with the code")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=TargetKind.PERSON, person__isnull=False, window__isnull=True)
                           | Q(kind=TargetKind.WINDOW, window__isnull=False, person__isnull=True)),
                name="rating_target_person_xor_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.person_id or self.window_id}"


class Rating(models.Model):
    """One rating by a member of the public: level 1 (非常满意, 100) … 5 (非常不满意, 20).

    `service_ref` is unique over all ratings (一次一评 / 一事一评): a case number or visit reference
    is rated once whatever the target; a walk-in scan of a static code gets the reference
    ``walkin:<keyed hash of target, device and day>``, so one device rates a target once a day.
    `counted` turns false when the unit's contest of the rating is upheld.
    """

    target = models.ForeignKey(RatingTarget, on_delete=models.PROTECT, related_name="ratings", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    level = models.PositiveSmallIntegerField(choices=RatingLevel.choices)
    comment = EncryptedTextField(context=COMMENT_CONTEXT, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    service_ref = models.CharField(max_length=100)
    rated_on = models.DateField()
    device_hash = models.CharField(max_length=64, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    counted = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service_ref"], name="rating_one_per_service_ref"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        # Few indexes on purpose: each one costs every insert (bench/ratings.py).
        indexes = [models.Index(fields=["target", "rated_on"], name="rating_target_day")]

    def __str__(self) -> str:
        return f"{self.service_ref} L{self.level}"


class FollowUp(models.Model):
    """A follow-up case (回访, 整改) opened by a bad rating, assigned to the unit, due in working days.

    The unit visits, then rectifies or closes; it may instead contest a malicious rating, which a
    discipline inspector or an appraisal office above the unit upholds (the rating stops counting)
    or dismisses (the unit must answer as before).
    """

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="follow_up")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField(max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    opened_on = models.DateField()
    due_on = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "status", "due_on"], name="follow_up_queue")]

    def __str__(self) -> str:
        return f"follow-up {self.pk} {self.status} due {self.due_on}"


class FollowUpStep(models.Model):
    """One step of a follow-up case: who did what on which day, with the note (encrypted: it may
    quote the citizen)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=16, choices=StepAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    note = EncryptedTextField(context=NOTE_CONTEXT, blank=True)

    class Meta:
        ordering = ["follow_up_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.action} {self.on}"
