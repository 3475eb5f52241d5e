"""The indicator library (versioned by year) and appraisal schemes (考核方案)."""

from django.db import models
from django.db.models import Q

from kaohe.indicators.choices import (
    Dimension,
    Direction,
    IndicatorKind,
    Profile,
    RuleKind,
    SchemeCategory,
    SchemeStatus,
    Source,
    Subject,
)
from kaohe.org.choices import Level


class Indicator(models.Model):
    """One version of a library indicator, valid from `year_from` to `year_to` (open = still in use).

    Revising an indicator for a later year closes this version and opens a new one with the same
    code, so a cycle scored with an older year keeps the rule it was opened with.
    """

    code = models.CharField(max_length=16)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200)
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    kind = models.CharField(max_length=16, choices=IndicatorKind.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    unit = models.CharField(max_length=20, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    rule_kind = models.CharField(max_length=16, choices=RuleKind.choices)
    rule_params = models.JSONField(default=dict)
    core = models.BooleanField(default=False, help_text="核心指标: set centrally, cannot be dropped locally")
    subject = models.CharField(max_length=8, choices=Subject.choices, default=Subject.PERSON)
    description = models.TextField(blank=True)
    year_from = models.PositiveSmallIntegerField()
    year_to = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["dimension", "code", "year_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year_from"], name="indicator_unique_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(year_to__isnull=True), name="indicator_one_open"),
            models.CheckConstraint(condition=Q(year_to__isnull=True) | Q(year_to__gte=models.F("year_from")),
                                   name="indicator_years_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def is_active(self) -> bool:
        return self.year_to is None


class Scheme(models.Model):
    """A scheme (考核方案) for one category × level and year, created from a rule profile.

    `settings` holds every setting except weights as validated JSON (see `indicators.adapter`);
    `dimension_weights` maps 德能勤绩廉 to percents; indicator weights are `SchemeIndicator` rows.
    """

    name = models.CharField(max_length=100)
    category = models.CharField(max_length=16, choices=SchemeCategory.choices)
    level = models.CharField(max_length=16, choices=Level.choices, blank=True, help_text="blank: every level")
    year = models.PositiveSmallIntegerField()
    profile = models.CharField(max_length=16, choices=Profile.choices)
    status = models.CharField(max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    dimension_weights = models.JSONField(default=dict)
    settings = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "category", "level", "profile"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "level", "year"], condition=Q(status="active"), name="scheme_one_active"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SchemeIndicator(models.Model):
    """An indicator of the library bound into a scheme with its weight (percent of its dimension)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=16)
    weight = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["scheme_id", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="scheme_indicator_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.weight}%"
