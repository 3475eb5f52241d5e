"""The roles of DOMAIN.md "Who uses it" and what each may reach."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    SUPERVISOR = "supervisor", _("Supervisor")
    APPRAISAL_OFFICE = "appraisal_office", _("Appraisal office")
    COMMITTEE = "committee", _("Appraisal committee member")
    DISCIPLINE = "discipline", _("Discipline inspector")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")


# 三权分立: one user holds at most one of these.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})

# Roles whose data scope is a unit subtree and who may read the people in it.
PEOPLE_READER_ROLES = frozenset(
    {Role.SUPERVISOR, Role.APPRAISAL_OFFICE, Role.COMMITTEE, Role.DISCIPLINE, Role.SYSTEM_ADMIN}
)

# Roles that need a unit scope when assigned.
SCOPED_ROLES = PEOPLE_READER_ROLES
