"""Code sets of public ratings: what is rated, the five levels, channels and follow-up states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    PERSON = "person", _("Civil servant")
    WINDOW = "window", _("Service window")


class RatingLevel(models.IntegerChoices):
    """The five levels of 好差评, best first: level 1 scores 100 … level 5 scores 20."""

    VERY_SATISFIED = 1, _("Very satisfied")
    SATISFIED = 2, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 4, _("Dissatisfied")
    VERY_DISSATISFIED = 5, _("Very dissatisfied")


# 差评 = 不满意 and 非常不满意: such a rating opens a follow-up case.
BAD_LEVEL_FROM = RatingLevel.DISSATISFIED


def level_score(level: int) -> int:
    """100/80/60/40/20 for levels 1–5."""
    return 120 - 20 * int(level)


class Channel(models.TextChoices):
    SCAN = "scan", _("QR scan")
    PHONE = "phone", _("Phone survey")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    HOTLINE = "hotline", _("12345 hotline")


class FollowUpStatus(models.TextChoices):
    """open → visited → rectified or closed; open/visited → contested → upheld or dismissed (then on as before)."""

    OPEN = "open", _("Awaiting visit")
    VISITED = "visited", _("Visited")
    RECTIFIED = "rectified", _("Rectified")
    CLOSED = "closed", _("Closed")
    CONTESTED = "contested", _("Contested")
    UPHELD = "upheld", _("Contest upheld")
    DISMISSED = "dismissed", _("Contest dismissed")


# States in which the unit still has to act before the due date.
ACTIVE_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.VISITED, FollowUpStatus.DISMISSED)
FINAL_STATUSES = (FollowUpStatus.RECTIFIED, FollowUpStatus.CLOSED, FollowUpStatus.UPHELD)


class StepAction(models.TextChoices):
    VISIT = "visit", _("Return visit")
    RECTIFY = "rectify", _("Rectification")
    CLOSE = "close", _("Closure")
    CONTEST = "contest", _("Contest")
    UPHOLD = "uphold", _("Contest upheld")
    DISMISS = "dismiss", _("Contest dismissed")
