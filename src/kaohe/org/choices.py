"""Code sets of the organisation: levels, unit categories, post levels, statuses, record kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / subdistrict")


class UnitCategory(models.TextChoices):
    """Drives the appraisal scheme (DOMAIN.md "Organisation")."""

    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SERVICE = "service", _("Service")
    GENERAL = "general", _("General administration")
    TOWNSHIP_URBAN = "township_urban", _("Township: urban service")
    TOWNSHIP_INDUSTRIAL = "township_industrial", _("Township: industrial and comprehensive")
    TOWNSHIP_AGRICULTURAL = "township_agricultural", _("Township: agricultural and ecological")


class PostLevel(models.TextChoices):
    """职级 of the 综合管理类 sequence, highest first (公务员职务与职级并行规定)."""

    INSPECTOR_1 = "inspector_1", _("Inspector, first class")
    INSPECTOR_2 = "inspector_2", _("Inspector, second class")
    RESEARCHER_1 = "researcher_1", _("Researcher, first class")
    RESEARCHER_2 = "researcher_2", _("Researcher, second class")
    RESEARCHER_3 = "researcher_3", _("Researcher, third class")
    RESEARCHER_4 = "researcher_4", _("Researcher, fourth class")
    PRINCIPAL_1 = "principal_1", _("Principal staff member, first class")
    PRINCIPAL_2 = "principal_2", _("Principal staff member, second class")
    PRINCIPAL_3 = "principal_3", _("Principal staff member, third class")
    PRINCIPAL_4 = "principal_4", _("Principal staff member, fourth class")
    CLERK_1 = "clerk_1", _("Staff member, first class")
    CLERK_2 = "clerk_2", _("Staff member, second class")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("In post")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    RETIRED = "retired", _("Retired")
    LEFT = "left", _("Left the service")


class SanctionKind(models.TextChoices):
    """政务处分 / 处分; the promotion freeze in months is the statutory period."""

    WARNING = "warning", _("Warning")
    DEMERIT = "demerit", _("Demerit")
    MAJOR_DEMERIT = "major_demerit", _("Major demerit")
    DEMOTION = "demotion", _("Demotion")
    REMOVAL = "removal", _("Removal from post")


SANCTION_MONTHS = {
    SanctionKind.WARNING: 6,
    SanctionKind.DEMERIT: 12,
    SanctionKind.MAJOR_DEMERIT: 18,
    SanctionKind.DEMOTION: 24,
    SanctionKind.REMOVAL: 24,
}


class AccountabilityKind(models.TextChoices):
    ADMONITION = "admonition", _("Admonishing talk")
    ORG_ADJUSTMENT = "org_adjustment", _("Organisational adjustment")
    ORG_HANDLING = "org_handling", _("Organisational handling")


class LeaveKind(models.TextChoices):
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    STUDY = "study", _("Full-time study")
    SECONDMENT = "secondment", _("Secondment")
    OTHER = "other", _("Other")


class ProtectedKind(models.TextChoices):
    """The cases of 公务员法 第89条 in which dismissal is not allowed."""

    INJURY_ON_DUTY = "injury_on_duty", _("Injury or illness on duty")
    MEDICAL_PERIOD = "medical_period", _("Medical treatment period")
    PREGNANCY = "pregnancy", _("Pregnancy")
    MATERNITY = "maternity", _("Maternity leave")
    NURSING = "nursing", _("Nursing period")
