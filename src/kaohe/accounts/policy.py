"""Identity policy of 等保三级 (security-reliability.md A1–A8), in one place.

Password: at least 12 characters with at least 3 of the 4 classes (upper, lower, digit, symbol) —
the stricter of the two usual readings, so it satisfies both; common and contextual passwords are
refused. Privileged roles change their password every 90 days and must use TOTP. Five failures lock
an account for 15 minutes (30 for administrators). Sessions end after 15 idle minutes for privileged
roles, 30 for others, and 8 hours in any case.
"""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaohe.accounts.roles import ADMIN_ROLES, Role

MFA_ROLES = frozenset({*ADMIN_ROLES, Role.APPRAISAL_OFFICE, Role.COMMITTEE})
PASSWORD_ROTATION_ROLES = MFA_ROLES
PASSWORD_MAX_AGE = dt.timedelta(days=90)
IDLE_PRIVILEGED = dt.timedelta(minutes=15)
IDLE_OTHERS = dt.timedelta(minutes=30)
ABSOLUTE_SESSION = dt.timedelta(hours=8)
LOCKOUT = dt.timedelta(minutes=15)
LOCKOUT_ADMIN = dt.timedelta(minutes=30)
MIN_CLASSES = 3


def user_roles(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_kaohe_roles", None)
    if cached is None:
        cached = frozenset(user.roles.values_list("role", flat=True))
        user._kaohe_roles = cached
    return cached


def needs_mfa(user: Any) -> bool:
    return bool(user_roles(user) & MFA_ROLES)


def idle_limit(user: Any) -> dt.timedelta:
    return IDLE_PRIVILEGED if needs_mfa(user) else IDLE_OTHERS


def password_expired(user: Any, now: dt.datetime) -> bool:
    if not user_roles(user) & PASSWORD_ROTATION_ROLES:
        return False
    changed = user.password_changed_at
    return changed is None or now - changed > PASSWORD_MAX_AGE


def lockout_cooloff(request: Any) -> dt.timedelta:
    """Axes cool-off: 30 minutes for the three administrators, 15 for everyone else."""
    from kaohe.accounts.models import RoleAssignment

    username = request.POST.get("username", "") if request is not None and hasattr(request, "POST") else ""
    is_admin = RoleAssignment.objects.filter(user__username=username, role__in=ADMIN_ROLES).exists()
    return LOCKOUT_ADMIN if is_admin else LOCKOUT


class CharacterClassValidator:
    """At least three of: upper-case letter, lower-case letter, digit, symbol."""

    CLASSES = (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]")

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(bool(re.search(pattern, password)) for pattern in self.CLASSES)
        if present < MIN_CLASSES:
            raise ValidationError(_("Use at least three of: capital letters, small letters, digits and symbols."),
                                  code="password_too_simple")

    def get_help_text(self) -> str:
        return _("Your password must use at least three of: capital letters, small letters, digits and symbols.")


class ContextValidator:
    """Refuses passwords built from the user's own name (pinyin), ID number or phone."""

    def validate(self, password: str, user: Any = None) -> None:
        person = getattr(user, "person", None)
        if person is None:
            return
        lowered = password.lower()
        words = [person.name_pinyin, person.name_initials if len(person.name_initials) >= 3 else "",
                 person.id_number[-6:], person.id_number[6:14], (person.phone or "")[-6:]]
        if any(word and len(word) >= 3 and word.lower() in lowered for word in words):
            raise ValidationError(_("The password must not contain your name, ID number or phone number."),
                                  code="password_contextual")

    def get_help_text(self) -> str:
        return _("Your password must not contain your name, ID number or phone number.")
