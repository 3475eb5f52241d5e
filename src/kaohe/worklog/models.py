"""Daily work: logs, weekly plans (周清月结), personal commitments (个人绩效承诺书), the supervisor's
ledger (台账) with monthly feedback, and special tasks (一事一考)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaohe.core.fields import EncryptedTextField
from kaohe.org.models import CivilServant, Unit


class WorkLog(models.Model):
    """A day's work log (工作日志)."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="work_logs")
    date = models.DateField()
    text = models.TextField()
    hours = models.DecimalField(max_digits=4, decimal_places=1, default=8)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "date"], name="worklog_one_per_day")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date}"


class WeeklyPlan(models.Model):
    """A week's plan: items planned and how many were done by the week's end (周清)."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="weekly_plans")
    week_start = models.DateField(help_text="the Monday")
    items = models.JSONField(default=list, help_text='[{"task": "…", "done": true}]')

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "week_start"], name="weekly_plan_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.week_start}"

    @property
    def completion(self) -> float | None:
        if not self.items:
            return None
        return 100.0 * sum(bool(item.get("done")) for item in self.items) / len(self.items)


class CommitmentStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    SUBMITTED = "submitted", "submitted"
    APPROVED = "approved", "approved"


class Commitment(models.Model):
    """A personal performance commitment for a year (个人绩效承诺书): tasks with targets and deadlines,
    approved by the supervisor and then published; revised mid-year only on approval (a new version)."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="commitments")
    year = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.DRAFT)
    reason = models.TextField(blank=True, help_text="why a revision was needed (policy change…)")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year", "version"], name="commitment_version_unique"),
            models.UniqueConstraint(fields=["person", "year"], condition=Q(superseded=False),
                                    name="commitment_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} v{self.version}"


class CommitmentTask(models.Model):
    """One committed task with its target, start, deadline and reported progress (0–100%)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    target = models.CharField(max_length=200)
    start = models.DateField()
    deadline = models.DateField()
    progress = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100")]

    def __str__(self) -> str:
        return self.title


class LedgerEntry(models.Model):
    """The supervisor's ledger (台账): notable work and mistakes as they happen; `month_feedback` marks
    the monthly feedback given to the person."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="ledger")
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=[("notable", "notable"), ("mistake", "mistake"),
                                                    ("feedback", "feedback")])
    text = EncryptedTextField(context="worklog.ledgerentry.text")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.kind}"


class SpecialTask(models.Model):
    """A major task (专项, 一事一考: flood, epidemic, rural revitalisation) with target and deadline."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="special_tasks")
    title = models.CharField(max_length=200)
    target = models.CharField(max_length=200)
    start = models.DateField()
    deadline = models.DateField()
    progress = models.PositiveSmallIntegerField(default=0)
    participants = models.ManyToManyField(CivilServant, related_name="special_tasks", blank=True)

    def __str__(self) -> str:
        return self.title
