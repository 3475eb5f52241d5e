"""The organisation: units, departments, positions, civil servants and their personnel records."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.core.fields import EncryptedTextField
from kaohe.org.choices import (
    AccountabilityKind,
    Gender,
    LeaveKind,
    Level,
    PersonStatus,
    PostLevel,
    ProtectedKind,
    SanctionKind,
    UnitCategory,
)


class Unit(models.Model):
    """A unit (单位/机关) in the tree 中央 → 省 → 市 → 县 → 乡镇街道.

    `path` is the materialised path of primary keys ("/1/7/42/"), so a data scope (a subtree)
    is one indexed prefix match.
    """

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=16, choices=Level.choices)
    category = models.CharField(max_length=32, choices=UnitCategory.choices, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department (科室) inside a unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["unit_id", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="department_unique_name_in_unit")]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A position (岗位) with its difficulty coefficient 岗位难度系数 and risk-post flag."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="positions")
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200, blank=True)
    difficulty = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.80")), MaxValueValidator(Decimal("1.50"))],
    )
    is_risk_post = models.BooleanField(default=False, help_text=_("执法 or 资金管理: joint special review"))
    is_leading = models.BooleanField(default=False, help_text=_("Head of the unit or department"))

    class Meta:
        ordering = ["department_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__gte=Decimal("0.80"), difficulty__lte=Decimal("1.50")),
                name="position_difficulty_between_0_8_and_1_5",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CivilServant(models.Model):
    """A civil servant (公务员). ID number and phone are encrypted; look them up by blind index."""

    staff_no = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=50)
    name_pinyin = models.CharField(max_length=100, db_index=True)
    name_initials = models.CharField(max_length=20, db_index=True)
    gender = models.CharField(max_length=1, choices=Gender.choices)
    birth_date = models.DateField()
    id_number = EncryptedTextField(context="org.civilservant.id_number")
    id_number_index = models.CharField(max_length=64, unique=True)
    phone = EncryptedTextField(context="org.civilservant.phone", blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    hire_date = models.DateField()
    probation_end = models.DateField(null=True, blank=True)
    post_level = models.CharField(max_length=16, choices=PostLevel.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="people")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    status = models.CharField(max_length=16, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)

    class Meta:
        ordering = ["name_pinyin", "id"]
        indexes = [models.Index(fields=["unit", "name_pinyin", "id"])]

    def __str__(self) -> str:
        return self.name


class Posting(models.Model):
    """One stretch of a person's career in a unit/department/position; a transfer closes one."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person_id", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(end_date__isnull=True), name="posting_one_open_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.unit_id} {self.start_date}"


class Sanction(models.Model):
    """A sanction (处分) with its start date and period in months."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(max_length=16, choices=SanctionKind.choices)
    start_date = models.DateField()
    months = models.PositiveSmallIntegerField()
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.start_date}"


class Accountability(models.Model):
    """An accountability measure (问责): 诫勉, 组织调整 or 组织处理."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="accountabilities")
    kind = models.CharField(max_length=16, choices=AccountabilityKind.choices)
    date = models.DateField()
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"


class Leave(models.Model):
    """Leave (请假/脱产), counted in days against the year's working days."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="leaves")
    kind = models.CharField(max_length=16, choices=LeaveKind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    days = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="leave_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start_date}–{self.end_date}"


class ProtectedState(models.Model):
    """A protected state of 公务员法 第89条 (pregnancy, maternity, nursing, injury on duty)."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="protected_states")
    kind = models.CharField(max_length=16, choices=ProtectedKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.start_date}"


class Investigation(models.Model):
    """An open case (立案审查调查): the person is graded later (补定等次), code 5B."""

    person = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="investigations")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"investigation {self.start_date}"
