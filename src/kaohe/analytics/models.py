"""Analysis and reports: roll-ups, dashboards, statistics, PDF and Excel reports.

Roll-ups are pre-computed by `analytics.rollups.rollups_refresh(run)` after each scoring run, so the
dashboards never scan 110,000 result rows: a page reads a few hundred roll-up rows at most.
"""

from django.db import models

from kaohe.appraisal.models import ScoringRun
from kaohe.org.models import Unit

HISTOGRAM_BIN = 2  # points of composite per histogram bin: 50 bins over 0–100


class RollupFigures(models.Model):
    """The figures a unit and a segment roll-up share: grade counts against the quota, composite
    quantiles, the histogram and the five dimension means."""

    people = models.PositiveIntegerField()
    grade_1 = models.PositiveIntegerField()
    grade_2 = models.PositiveIntegerField()
    grade_3 = models.PositiveIntegerField()
    grade_4 = models.PositiveIntegerField()
    no_grade = models.PositiveIntegerField()
    non_grade = models.PositiveIntegerField()
    quota = models.PositiveIntegerField()
    participants = models.PositiveIntegerField()
    composite_mean = models.FloatField(null=True)
    composite_p10 = models.FloatField(null=True)
    composite_p25 = models.FloatField(null=True)
    composite_p50 = models.FloatField(null=True)
    composite_p75 = models.FloatField(null=True)
    composite_p90 = models.FloatField(null=True)
    histogram = models.JSONField(default=list)
    dimensions = models.JSONField(default=list)

    class Meta:
        abstract = True


class UnitRollup(RollupFigures):
    """One unit's figures in one scoring run: its own appraisal group (`tree` false) or the whole
    subtree under it (`tree` true). Counts are exact; the composite's percentiles are exact too
    (computed over the rows, not from the histogram).

    `histogram` holds 50 counts of composite in 2-point bins (the last bin includes 100);
    `dimensions` the five dimension means (德能勤绩廉, NaN → null); `gates` the people failing each
    gate (engine `Gate` order); `consequences` counts per `appraisal.results.CONSEQUENCES` name;
    `history` {year: [no grade, 优秀, 称职, 基本称职, 不称职]} of the five previous years from the
    run's inputs; `indicators` {code: mean raw value} over people with a value.
    """

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    tree = models.BooleanField()
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=16)
    category = models.CharField(max_length=32, blank=True)
    satisfaction = models.FloatField(null=True)
    complaints = models.FloatField(null=True)
    gates = models.JSONField(default=list)
    consequences = models.JSONField(default=dict)
    history = models.JSONField(default=dict)
    indicators = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "unit", "tree"], name="unit_rollup_unique")]
        indexes = [models.Index(fields=["run", "tree", "path"])]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.unit_id}{'/*' if self.tree else ''}"


class SegmentRollup(RollupFigures):
    """The whole run's figures per scheme category × unit level (exact, like `UnitRollup`)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=32)
    level = models.CharField(max_length=16)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "category", "level"], name="segment_rollup_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.category}/{self.level}"
