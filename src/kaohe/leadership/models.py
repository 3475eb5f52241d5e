"""Leadership appraisal: the team's annual grade, each leading cadre's annual and term appraisals, and the
committee's individual interviews (个别谈话)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.core.fields import EncryptedTextField
from kaohe.org.models import CivilServant, Unit
from kaohe.units.models import UnitLeader

GRADE_1_TO_4 = Q(decided_grade__isnull=True) | Q(decided_grade__gte=1, decided_grade__lte=4)
SCORE_0_TO_100 = Q(democratic_score__isnull=True) | Q(democratic_score__gte=0, democratic_score__lte=100)


class CadreKind(models.TextChoices):
    ANNUAL = "annual", _("Annual appraisal (年度考核)")
    TERM = "term", _("Term appraisal (任期考核)")


class Assessed(models.Model):
    """What a leadership appraisal is decided on: the democratic evaluation (民主测评: mean score 0–100 and
    the number of raters, shown only for groups of at least the anonymity minimum), and the committee's
    decision with what it saw when deciding (the proposal and the unit's grade) and its reason."""

    democratic_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    democratic_raters = models.PositiveIntegerField(default=0)
    proposed_grade = models.PositiveSmallIntegerField(default=0, help_text="the proposal when decided (0: none)")
    unit_grade = models.PositiveSmallIntegerField(default=0, help_text="the unit's grade when decided (0: none)")
    decided_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class TeamAppraisal(Assessed):
    """The annual appraisal of a unit's leadership team (领导班子): graded 1 优秀, 2 良好, 3 一般, 4 较差.
    A team of a unit graded 一般 or lower cannot be 优秀."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="team_appraisals")
    year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-year", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="team_appraisal_one_per_year"),
            models.CheckConstraint(condition=GRADE_1_TO_4, name="team_appraisal_grade_1_to_4"),
            models.CheckConstraint(condition=SCORE_0_TO_100, name="team_appraisal_score_0_to_100"),
        ]

    def __str__(self) -> str:
        return f"team {self.unit_id} {self.year}"


class CadreAppraisal(Assessed):
    """A leading cadre's annual or term (任期) appraisal over `start_year`–`end_year` (equal for annual):
    graded 1 优秀, 2 称职, 3 基本称职, 4 不称职. `report` is the cadre's own 述职述廉 report, stored encrypted."""

    leader = models.ForeignKey(UnitLeader, on_delete=models.PROTECT, related_name="appraisals")
    kind = models.CharField(max_length=8, choices=CadreKind.choices)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    report = EncryptedTextField(context="leadership.cadreappraisal.report", blank=True)
    report_submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-end_year", "leader_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["leader", "kind", "start_year", "end_year"],
                                    name="cadre_appraisal_one_per_period"),
            models.CheckConstraint(condition=Q(start_year__lte=models.F("end_year")),
                                   name="cadre_appraisal_period_ordered"),
            models.CheckConstraint(condition=~Q(kind="annual") | Q(start_year=models.F("end_year")),
                                   name="cadre_appraisal_annual_is_one_year"),
            models.CheckConstraint(condition=GRADE_1_TO_4, name="cadre_appraisal_grade_1_to_4"),
            models.CheckConstraint(condition=SCORE_0_TO_100, name="cadre_appraisal_score_0_to_100"),
        ]

    def __str__(self) -> str:
        return f"cadre {self.leader_id} {self.kind} {self.start_year}-{self.end_year}"


class Interview(models.Model):
    """An individual interview (个别谈话) held by the appraisal committee about a unit's leadership in a year:
    who was interviewed (a civil servant on file, or a name and position typed in), when, and the notes.
    The typed interviewee and the notes are stored encrypted; only committee members over the unit read them,
    and every read is audited."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leadership_interviews")
    year = models.PositiveSmallIntegerField()
    interviewee = models.ForeignKey(CivilServant, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    interviewee_text = EncryptedTextField(context="leadership.interview.interviewee_text", blank=True)
    held_on = models.DateField()
    notes = EncryptedTextField(context="leadership.interview.notes")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(interviewee__isnull=False) | ~Q(interviewee_text=""),
                                   name="interview_names_someone"),
        ]

    def __str__(self) -> str:
        return f"interview {self.unit_id} {self.year} {self.held_on}"
