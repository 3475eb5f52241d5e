"""Code sets of the indicator library and schemes; the values are the engine's vocabulary."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    DE = "de", _("Integrity (德)")
    NENG = "neng", _("Competence (能)")
    QIN = "qin", _("Diligence (勤)")
    JI = "ji", _("Performance (绩)")
    LIAN = "lian", _("Probity (廉)")


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    QUALITATIVE = "qualitative", _("Qualitative")
    VETO = "veto", _("Veto")


class Source(models.TextChoices):
    FEED = "feed", _("System feed")
    IMPORT = "import", _("Import")
    QR_RATING = "qr_rating", _("QR rating")
    HOTLINE = "hotline", _("12345 hotline")
    LEDGER = "ledger", _("Supervisor ledger")
    RATER_FORM = "rater_form", _("Rater form (360°)")
    MANUAL = "manual", _("Entered by hand")
    SURVEY = "survey", _("Satisfaction survey or phone sampling")
    THIRD_PARTY = "third_party", _("Third-party assessment")
    REVERSE = "reverse", _("Reverse evaluation (反向测评)")
    COLLABORATION = "collaboration", _("Collaboration ratings (跨部门互评)")


#: sources whose values arrive without anyone typing them (the plan's goal: ≥ 90% of values).
AUTOMATIC_SOURCES = frozenset({"feed", "qr_rating", "hotline", "rater_form", "reverse", "collaboration"})


class Subject(models.TextChoices):
    """Who is appraised: a civil servant, or a unit (机关绩效考核)."""

    PERSON = "person", _("Civil servant")
    UNIT = "unit", _("Unit")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class RuleKind(models.TextChoices):
    RATIO = "ratio", _("Ratio to target")
    DEDUCT_BELOW = "deduct_below", _("Deduct below target")
    LOWER_BETTER = "lower_better", _("Lower is better")
    BANDS = "bands", _("Value bands")
    RUBRIC = "rubric", _("Rubric (levels)")
    CAPPED_BONUS = "capped_bonus", _("Capped bonus")
    VETO = "veto", _("Veto (一票否决)")


class Profile(models.TextChoices):
    STATUTORY = "statutory", _("Statutory (公务员法 and 考核规定)")
    PLAN = "plan", _("Planning documents")


class SchemeCategory(models.TextChoices):
    """Who a scheme is for: the three unit categories and county/township grassroots (县乡基层)."""

    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SERVICE = "service", _("Service")
    GENERAL = "general", _("General administration")
    GRASSROOTS = "grassroots", _("County and township grassroots")
    UNIT_TOWN_URBAN = "u_town_urban", _("Units: urban-service townships and subdistricts")
    UNIT_TOWN_INDUSTRIAL = "u_town_ind", _("Units: industrial and comprehensive townships")
    UNIT_TOWN_AGRICULTURAL = "u_town_agri", _("Units: agricultural and ecological townships")
    UNIT_DEPT_LAW = "u_dept_law", _("Units: law-enforcement departments")
    UNIT_DEPT_SERVICE = "u_dept_service", _("Units: service departments")
    UNIT_DEPT_GENERAL = "u_dept_general", _("Units: general-administration departments")
    UNIT_SECTION = "u_section", _("Units: sections, the 五好 pattern")


def category_subject(category: str) -> str:
    """Schemes of the `u_` categories appraise units; the others civil servants."""
    return Subject.UNIT if category.startswith("u_") else Subject.PERSON


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In use")
    ARCHIVED = "archived", _("Archived")
