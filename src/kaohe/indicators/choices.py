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


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In use")
    ARCHIVED = "archived", _("Archived")
