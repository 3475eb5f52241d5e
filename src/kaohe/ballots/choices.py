"""Code sets of 360° ballots: round status, rater roles, the dimensions and close-relative kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.engine.codes import DIMENSIONS, RATER_ROLES

__all__ = ["DIMENSIONS", "RATER_ROLES", "RaterRole", "RelationshipKind", "RoundStatus"]


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", _("Voting closed")


class RaterRole(models.TextChoices):
    """The rater roles of the engine (`engine.codes.RATER_ROLES`), in the same order."""

    SUPERIOR = "superior", _("Superior")
    PEER = "peer", _("Peer")
    PUBLIC = "public", _("Public")
    RECIPIENT = "recipient", _("Service recipient")


# Roles the office adds by hand; superiors and peers follow from the organisation.
ADDED_ROLES = (RaterRole.PUBLIC, RaterRole.RECIPIENT)


class RelationshipKind(models.TextChoices):
    """Close relatives who may not rate each other: the relations of 公务员法 第七十四条, applied as
    公务回避 (第七十六条) to appraisal."""

    SPOUSE = "spouse", _("Spouse (配偶)")
    LINEAL = "lineal", _("Lineal blood relative (直系血亲)")
    COLLATERAL = "collateral", _("Collateral blood relative within three generations (三代以内旁系血亲)")
    IN_LAW = "in_law", _("Close relative by marriage (近姻亲)")
