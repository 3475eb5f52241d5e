"""Units as appraisal subjects: their leaders, their indicator values, scoring runs and results,
collective commendations and approvals to exceed the staff quota ceiling."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.appraisal.models import Cycle
from kaohe.indicators.choices import Source
from kaohe.org.models import CivilServant, Unit


class LeaderRole(models.TextChoices):
    HEAD = "head", _("Head of the unit (主要负责人)")
    PARTY_SECRETARY = "secretary", _("Party secretary (党组织书记)")
    MEMBER = "member", _("Member of the leadership team (班子成员)")


class UnitLeader(models.Model):
    """A member of a unit's leadership team (领导班子) for a period; the head and the party secretary are
    the people a poor unit result gates."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leaders")
    person = models.ForeignKey(CivilServant, on_delete=models.PROTECT, related_name="leadership_posts")
    role = models.CharField(max_length=10, choices=LeaderRole.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "role", "start"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "role"], condition=Q(end__isnull=True) & ~Q(role="member"),
                                    name="one_current_head_and_secretary"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.role} {self.person_id}"


class UnitValue(models.Model):
    """A unit's value of one indicator for a year, with its source (typed, imported, fed, rated…)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="indicator_values")
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=16)
    value = models.FloatField(null=True, blank=True)
    level = models.CharField(max_length=16, blank=True, help_text="rubric level (好/较好/一般/较差)")
    source = models.CharField(max_length=16, choices=Source.choices)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year", "code"], name="unit_value_unique")]
        indexes = [models.Index(fields=["year", "code"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.code}={self.value}"


class UnitRun(models.Model):
    """One scoring of the cycle's units; the current run is the one results are read from."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="unit_runs")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=False)
    as_of = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="unit_run_version_unique"),
            models.UniqueConstraint(fields=["cycle"], condition=Q(is_current=True), name="unit_run_one_current"),
        ]

    def __str__(self) -> str:
        return f"unit run {self.cycle_id} v{self.version}"


class UnitResult(models.Model):
    """A unit's result in a run: composite, proposed grade (1 优秀, 2 良好, 3 一般, 4 较差; 0 none), the
    committee's decided grade if it differs, indicator scores and the explanation items."""

    run = models.ForeignKey(UnitRun, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="appraisal_results")
    category = models.CharField(max_length=16)
    group_id = models.BigIntegerField()
    composite = models.FloatField(null=True)
    grade = models.PositiveSmallIntegerField()
    rank = models.PositiveIntegerField(default=0)
    group_quota = models.PositiveIntegerField(default=0, help_text="优秀 places among the group's units")
    decided_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    scores = models.JSONField(default=dict, help_text="indicator code → score 0–100 (null without data)")
    explanation = models.JSONField(default=list, help_text="[{code, params}] as the engine explained it")

    class Meta:
        ordering = ["run_id", "category", "-composite"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="unit_result_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.grade}"

    @property
    def final_grade(self) -> int:
        return self.decided_grade or self.grade


class Commendation(models.Model):
    """A collective commendation (集体嘉奖/表彰) of the unit in a year: each raises its staff's 优秀 quota
    by the scheme's `commendation_bonus` points."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="commendations")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class QuotaCeilingApproval(models.Model):
    """A recorded approval for a unit's staff 优秀 quota above the profile ceiling, up to `ratio_percent`."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="quota_approvals")
    year = models.PositiveSmallIntegerField()
    ratio_percent = models.DecimalField(max_digits=5, decimal_places=2)
    reason = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="quota_approval_one_per_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} ≤{self.ratio_percent}%"
