"""Review (复核), appeal (申诉) and objection (异议) cases against an annual result."""

from django.conf import settings
from django.db import models

from kaohe.appraisal.models import Appraisal
from kaohe.core.fields import EncryptedTextField


class CaseKind(models.TextChoices):
    REVIEW = "review", "复核"
    APPEAL = "appeal", "申诉"
    OBJECTION = "objection", "异议"


class CaseStatus(models.TextChoices):
    FILED = "filed", "filed"
    ACCEPTED = "accepted", "accepted"
    DECIDED = "decided", "decided"
    REJECTED = "rejected", "rejected"


class Case(models.Model):
    """A case against one person's decided grade. While it runs, the decision stays in force; a change
    is never to the appellant's harm (the re-scoring run keeps their grade as a floor)."""

    kind = models.CharField(max_length=12, choices=CaseKind.choices)
    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="cases")
    earlier = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="The review this appeal follows")
    grounds = EncryptedTextField(context="appeals.case.grounds")
    filed_on = models.DateField()
    filing_deadline = models.DateField()
    decision_due = models.DateField()
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.FILED)
    committee = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="appeal_cases")
    outcome = models.CharField(max_length=12, blank=True, help_text="upheld or changed")
    new_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    decision = EncryptedTextField(context="appeals.case.decision", blank=True)
    decided_on = models.DateField(null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["decision_due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "kind"], condition=models.Q(status__in=["filed", "accepted"]),
                                    name="case_one_open_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.appraisal_id} {self.status}"
