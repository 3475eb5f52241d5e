"""Appraisal cycles, quarterly grades, grade history, quota raises, scoring runs and their results."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaohe.core.fields import EncryptedTextField
from kaohe.core.models import Job
from kaohe.org.models import CivilServant, Unit


class CycleStatus(models.TextChoices):
    OPEN = "open", "open"
    CLOSED = "closed", "closed"


class Cycle(models.Model):
    """An appraisal year for a set of units (the subtree of `root`), with the schemes frozen at opening.

    `schemes` maps a scheme category to the scheme snapshot (`indicators.adapter.snapshot`).
    """

    name = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    root = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    schemes = models.JSONField(default=dict)
    opened_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class QuarterGrade(models.Model):
    """A 平时 quarter: the person's summary, the supervisor's grade (1 好, 2 较好, 3 一般, 4 较差;
    null until graded) with a comment, and when the person saw the feedback."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="quarter_grades")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    summary = EncryptedTextField(context="appraisal.quartergrade.summary", blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    performance = models.PositiveSmallIntegerField(null=True, blank=True, help_text="业绩 1 low – 3 high")
    potential = models.PositiveSmallIntegerField(null=True, blank=True, help_text="潜力 1 low – 3 high")
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    graded_at = models.DateTimeField(null=True, blank=True)
    feedback_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year", "quarter"], name="quarter_grade_unique"),
            models.CheckConstraint(condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=4),
                                   name="quarter_grade_1_to_4"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}Q{self.quarter}={self.grade}"


class AnnualGrade(models.Model):
    """The decided grade of a year (1 优秀 … 4 不称职; 0 with a non-grade code), and the credit toward
    the next pay step and 级别 carried after that year."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="annual_grades")
    year = models.PositiveSmallIntegerField()
    grade = models.PositiveSmallIntegerField()
    non_grade = models.CharField(max_length=2, blank=True)
    step_credit_after = models.PositiveSmallIntegerField(default=0)
    level_credit_after = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="annual_grade_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}={self.grade}{self.non_grade}"


class QuotaRaise(models.Model):
    """Extra 优秀 places for one appraisal group and pool, granted by a recorded approval."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="quota_raises")
    group = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    pool = models.PositiveSmallIntegerField(default=0)
    extra = models.PositiveSmallIntegerField()
    approval_reference = models.CharField(max_length=100)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "group", "pool"], name="quota_raise_unique")]

    def __str__(self) -> str:
        return f"+{self.extra} {self.group_id}/{self.pool}"


class RunStatus(models.TextChoices):
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"


class ScoringRun(models.Model):
    """One scoring of a cycle. Results are written atomically with the run turning current, so a
    crash leaves the previous version current. `floor_run` is the run an appeal re-run may not worsen."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="runs")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    is_current = models.BooleanField(default=False)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    floor_run = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    floor_people = models.JSONField(default=list, blank=True)
    people = models.PositiveIntegerField(default=0)
    input_digest = models.CharField(max_length=64, blank=True)
    snapshot_file = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["cycle_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="run_unique_version"),
            models.UniqueConstraint(fields=["cycle"], condition=Q(is_current=True), name="run_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} v{self.version}"


class RunResult(models.Model):
    """One person's result in a run: scores, grade, quota rank, gates, bonus and consequences.

    `gates` and `consequences` are bit sets (see `appraisal.results`); indicator scores and the
    explanation are rebuilt on demand from the run's snapshot of its inputs.
    """

    # Result rows are written by COPY in one transaction from rows just read; database-level foreign
    # keys on run, person and group would be re-checked 110,000 times at commit (deferred), for nothing
    # (0.5 s of a city's run for the run key alone). Deleting a run still deletes its results (Django's
    # collector does the cascade, as it does for every key).
    # Keys: the primary key (run, person), and (run, group, grade); a per-column index would be a third
    # and fourth index to build for every one of the rows a run writes. No surrogate id: on PostgreSQL it
    # cost a sequence call per row and an index of its own (ADR 0014).
    pk = models.CompositePrimaryKey("run", "person")
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="results", db_index=False,
                            db_constraint=False)
    person = models.ForeignKey(CivilServant, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
                               db_index=False)
    group = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
                              db_index=False)
    pool = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=16)
    composite = models.FloatField(null=True)
    annual = models.FloatField(null=True)
    regular = models.FloatField(null=True)
    special = models.FloatField(null=True)
    dim_de = models.FloatField(null=True)
    dim_neng = models.FloatField(null=True)
    dim_qin = models.FloatField(null=True)
    dim_ji = models.FloatField(null=True)
    dim_lian = models.FloatField(null=True)
    non_grade = models.PositiveSmallIntegerField()
    grade = models.PositiveSmallIntegerField()
    rank = models.PositiveIntegerField()
    pool_quota = models.PositiveIntegerField()
    pool_participants = models.PositiveIntegerField()
    tie_break = models.SmallIntegerField()
    gates = models.PositiveIntegerField()
    consequences = models.PositiveIntegerField()
    bonus_factor = models.FloatField(null=True)
    promotion_freeze_months = models.PositiveSmallIntegerField()
    step_credit_after = models.PositiveSmallIntegerField()
    level_credit_after = models.PositiveSmallIntegerField()
    weakest_dimension = models.SmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "group", "grade"])]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.person_id} {self.grade}"


class Appraisal(models.Model):
    """One person's annual appraisal in a cycle, moving through `engine.workflow.Step`.

    Each grade that shaped the result is kept: the supervisor's proposal, the engine's proposal (from
    the current run), the committee's (with the reason when it differs from the engine), the final one.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="appraisals")
    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="appraisals")
    step = models.CharField(max_length=20, default="self_summary")
    summary = EncryptedTextField(context="appraisal.appraisal.summary", blank=True)
    votes_closed = models.BooleanField(default=False)
    supervisor_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    supervisor_comment = models.TextField(blank=True)
    special_review_note = models.TextField(blank=True)
    special_review_veto = models.BooleanField(default=False)
    special_review_done = models.BooleanField(default=False)
    engine_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    committee_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    override_reason = models.TextField(blank=True)
    final_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agrees = models.BooleanField(null=True, blank=True)
    opinion = EncryptedTextField(context="appraisal.appraisal.opinion", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "person"], name="appraisal_unique")]
        indexes = [models.Index(fields=["cycle", "step"])]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.cycle_id} {self.step}"


class Publication(models.Model):
    """公示 of a unit's proposed 优秀 inside the organ, for at least 5 working days, with an objection box."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="publications")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="publication_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start_date}–{self.end_date}"


class Objection(models.Model):
    """An objection raised during a 公示; the text is encrypted, the committee resolves it."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="objections")
    about = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField(context="appraisal.objection.text")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"objection {self.pk} about {self.about_id}"


class Interview(models.Model):
    """An interview (约谈) with a help plan, opened after two consecutive quarters below standard."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="interviews")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    due = models.DateField()
    plan = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year", "quarter"], name="interview_unique")]

    def __str__(self) -> str:
        return f"约谈 {self.person_id} {self.year}Q{self.quarter}"
