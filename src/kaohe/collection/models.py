"""Collected data: indicator values with their provenance, the current value sheet per person and
period that scoring reads, aggregated 360° ratings and special-task results."""

from django.db import models

from kaohe.indicators.choices import Source
from kaohe.org.models import CivilServant


class IndicatorValue(models.Model):
    """One value received for an indicator (append-only provenance: who sent it, when, its hash).

    `quarter` 0 is the whole year. `level` holds a rubric level (好/较好/…) instead of a number.
    `sample_size` is the number of ratings behind a satisfaction value.
    """

    # No database key on the person: the collection services check every batch's people in one query
    # (`values_people_check`) instead of a trigger per row at commit (6 s of a million-row import; ADR 0012).
    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="indicator_values",
                               db_constraint=False)
    code = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(default=0)
    value = models.FloatField(null=True, blank=True)
    level = models.CharField(max_length=16, blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    batch = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "year", "code"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.code} {self.year}Q{self.quarter}"


class SheetColumn(models.Model):
    """The position of an indicator code in every value sheet (append-only: codes are never moved)."""

    code = models.CharField(max_length=16, unique=True)
    position = models.PositiveIntegerField(unique=True)

    def __str__(self) -> str:
        return f"{self.code}@{self.position}"


class ValueSheet(models.Model):
    """The current values of one person for one year as packed float64 — the wide row scoring reads
    (one row a person, not one a value). The layout is `collection.sheets`: fixed slots for quarters,
    special task, satisfaction sample, 360° aggregates and history, then one slot per `SheetColumn`.
    NaN is "no value". Kept by the collection services beside the `IndicatorValue` provenance rows."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="value_sheets")
    year = models.PositiveSmallIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="value_sheet_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class RaterAggregate(models.Model):
    """360° ballots of one rater role about one person and year, aggregated (no ballot, no voter)."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="rater_aggregates")
    year = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=16)
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year", "role"], name="rater_aggregate_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.role} n={self.count}"


class SpecialTaskResult(models.Model):
    """The result of a special task (专项 / 一事一考) for one person, 0–100."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="special_results")
    year = models.PositiveSmallIntegerField()
    task = models.CharField(max_length=100)
    score = models.FloatField()

    def __str__(self) -> str:
        return f"{self.person_id} {self.task} {self.score}"
