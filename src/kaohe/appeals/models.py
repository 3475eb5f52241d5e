"""Review (复核), appeal (申诉) and objection (异议) cases against an annual result; fault-tolerance
waivers (容错免责) of a deduction."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaohe.appraisal.models import Appraisal
from kaohe.core.fields import EncryptedTextField
from kaohe.org.models import CivilServant, Unit


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


class WaiverStatus(models.TextChoices):
    FILED = "filed", "filed"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"


class Waiver(models.Model):
    """A fault-tolerance application (容错免责): waive the deduction on one indicator of one year, for a
    person or a unit, caused by an honest mistake in reform or innovation. Discipline inspection applies
    the "三个区分开来" test; only when all three findings hold may it approve, waiving `share` percent of
    the points lost. An approved waiver feeds the next scoring run and shows in the explanation."""

    person = models.ForeignKey(CivilServant, null=True, blank=True, on_delete=models.PROTECT, related_name="waivers")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="waivers",
                             help_text="A unit subject (机关绩效考核); empty for a person")
    year = models.PositiveSmallIntegerField()
    indicator_code = models.CharField(max_length=16)
    account = EncryptedTextField(context="appeals.waiver.account", help_text="what happened and why")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_on = models.DateField()
    status = models.CharField(max_length=12, choices=WaiverStatus.choices, default=WaiverStatus.FILED)
    trial_not_defiance = models.BooleanField(null=True, help_text="先行先试的失误, 不是明知故犯")
    exploration_not_prohibited = models.BooleanField(null=True, help_text="无明确限制的探索, 非明令禁止后我行我素")
    public_not_private = models.BooleanField(null=True, help_text="为推动发展的无意过失, 不是为谋取私利")
    share = models.PositiveSmallIntegerField(null=True, blank=True, help_text="percent of the deduction waived")
    decision = EncryptedTextField(context="appeals.waiver.decision", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False, unit__isnull=True)
                                   | Q(person__isnull=True, unit__isnull=False),
                                   name="waiver_one_subject"),
            models.CheckConstraint(condition=Q(share__isnull=True) | Q(share__gte=1, share__lte=100),
                                   name="waiver_share_percent"),
            models.UniqueConstraint(fields=["person", "year", "indicator_code"],
                                    condition=Q(person__isnull=False) & ~Q(status="rejected"),
                                    name="waiver_one_per_person_deduction"),
            models.UniqueConstraint(fields=["unit", "year", "indicator_code"],
                                    condition=Q(unit__isnull=False) & ~Q(status="rejected"),
                                    name="waiver_one_per_unit_deduction"),
        ]

    def __str__(self) -> str:
        return f"waiver {self.year} {self.indicator_code} {self.status}"

    @property
    def subject_unit(self) -> Unit:
        """The unit of the person, or the unit itself: whose offices and inspectors the waiver concerns."""
        unit = self.person.unit if self.person is not None else self.unit
        if unit is None:
            raise ValueError("a waiver names a person or a unit")  # the check constraint makes this unreachable
        return unit

    @property
    def subject_name(self) -> str:
        return self.person.name if self.person is not None else self.subject_unit.name


class WaiverMaterial(models.Model):
    """A file supporting a waiver application (a meeting record, an approval, a report), encrypted at rest."""

    waiver = models.ForeignKey(Waiver, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(max_length=120)
    content = models.BinaryField()
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name
