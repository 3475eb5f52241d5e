"""12345 hotline records: the citizen's text (encrypted), its classification and attribution.

The classifier (`hotline.classifier`) proposes praise / complaint / neutral and the civil servant or
unit named; people decide: the appraisal office may reclassify with a reason, the discipline office
marks probity complaints as substantiated or not. Monthly counts and indicator values (JI05, LI03) are
computed from these rows (`hotline.services.hotline_indicators_feed`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.core.fields import EncryptedTextField
from kaohe.org.models import CivilServant, Unit

DEFAULT_DUE_HOURS = 120.0  # 5 working days: the usual 12345 time limit for a general case (一般诉求)


class Classification(models.TextChoices):
    PRAISE = "praise", _("Praise")
    COMPLAINT = "complaint", _("Complaint")
    NEUTRAL = "neutral", _("Neutral")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Website")
    APP = "app", _("Mobile app")
    WECHAT = "wechat", _("WeChat")
    OTHER = "other", _("Other")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class HotlineRecord(models.Model):
    """One 12345 case: when and how it came, the text (may hold citizens' names and phone numbers, so it is
    encrypted), how it was classified and by which cues, whom it names, and how it was handled.

    `resolution_hours` within `due_hours` is an answer on time (JI05). `probity` marks a complaint about
    probity (吃拿卡要, 红包 …); `substantiated` is the discipline office's finding (None: not reviewed).
    """

    case_no = models.CharField(max_length=64, unique=True)
    received_on = models.DateField()
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.PHONE)
    text = EncryptedTextField(context="hotline.hotlinerecord.text")
    classification = models.CharField(max_length=16, choices=Classification.choices)
    proposed = models.CharField(max_length=16, choices=Classification.choices)
    confidence = models.FloatField()
    rule = models.CharField(max_length=255, blank=True)
    probity = models.BooleanField(default=False)
    substantiated = models.BooleanField(null=True, blank=True)
    person = models.ForeignKey(CivilServant, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="hotline_records")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="hotline_records")
    resolution_hours = models.FloatField(null=True, blank=True)
    due_hours = models.FloatField(default=DEFAULT_DUE_HOURS)
    satisfaction = models.CharField(max_length=16, choices=Satisfaction.choices, blank=True)
    source = models.CharField(max_length=64)
    batch = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["received_on", "person"]), models.Index(fields=["received_on", "unit"])]

    def __str__(self) -> str:
        return f"{self.case_no} {self.classification}"

    @property
    def on_time(self) -> bool | None:
        """Answered within its time limit (None: not answered yet, or the time is unknown)."""
        if self.resolution_hours is None:
            return None
        return self.resolution_hours <= self.due_hours
