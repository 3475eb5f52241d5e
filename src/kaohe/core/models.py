"""Background job records: status and progress that pages poll while a worker does long work."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """One piece of long work (import, scoring run, report batch) done by the worker."""

    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    result_file = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class CalendarDay(models.Model):
    """An administrator's correction of the working-day calendar: a holiday or a make-up working day.

    Entries override chinesecalendar's data; a year becomes known when it is declared complete
    (`CalendarYear`), so a year nobody has published is still refused rather than guessed.
    """

    date = models.DateField(unique=True)
    working = models.BooleanField(help_text="True: a make-up working day (调休); False: a holiday")
    name = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.working else 'holiday'}"


class CalendarYear(models.Model):
    """A year whose holidays and make-up days have all been entered by hand (after the State Council notice)."""

    year = models.PositiveSmallIntegerField(unique=True)
    source = models.CharField(max_length=200, help_text="e.g. 国务院办公厅关于2027年部分节假日安排的通知")

    def __str__(self) -> str:
        return str(self.year)


class Notification(models.Model):
    """An item in a user's inbox: something that needs them, with a link and a due date."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    link = models.CharField(max_length=300, blank=True)
    due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due", "-created_at"]
        indexes = [models.Index(fields=["user", "done_at"])]

    def __str__(self) -> str:
        return self.title
