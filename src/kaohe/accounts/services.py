"""Writes of accounts: users, role assignments, API tokens. Each checks, writes and audits."""

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import ApiToken, RoleAssignment, User
from kaohe.accounts.roles import ADMIN_ROLES, SCOPED_ROLES, Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.services import audit_append
from kaohe.core.crypto import sm3_hex
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.org.models import CivilServant, Unit


def _require_role(actor: User | None, role: str) -> None:
    """`None` is the system itself (management commands); people need the role."""
    if actor is not None and not scope_for(actor, roles=[role]).has(role):
        raise PermissionDeniedError(_("Your role does not allow this action."))


def user_deactivate(*, actor: User | None, user: User) -> None:
    """End an account at once: it can no longer log in and its sessions stop working."""
    _require_role(actor, Role.SYSTEM_ADMIN)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_append(actor=actor, action="accounts.user.deactivate", object_type="user", object_id=user.pk)


def user_unlock(*, actor: User | None, user: User) -> None:
    """Lift a lockout before its cool-off ends (security administrator)."""
    from axes.utils import reset

    _require_role(actor, Role.SECURITY_ADMIN)
    with transaction.atomic():
        reset(username=user.username)
        audit_append(actor=actor, action="accounts.user.unlock", object_type="user", object_id=user.pk)


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    display_name: str = "",
    person: CivilServant | None = None,
) -> User:
    """Create a login (system administrator's job). The password must pass the policy."""
    _require_role(actor, Role.SYSTEM_ADMIN)
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("The user name %(name)s is taken.") % {"name": username}, field="username")
    user = User(username=username, display_name=display_name, person=person)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="password") from exc
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save()
        audit_append(actor=actor, action="accounts.user.create", object_type="user", object_id=user.pk,
                     detail={"username": username, "person_id": person.pk if person else None})
    return user


def role_assign(*, actor: User | None, user: User, role: str, scope_unit: Unit | None = None) -> RoleAssignment:
    """Grant a role over a unit subtree (security administrator's job: access policy).

    The three admin roles are mutually exclusive for one user (三权分立).
    """
    _require_role(actor, Role.SECURITY_ADMIN)
    if role not in Role.values:
        raise ApplicationError(_("Unknown role %(role)s.") % {"role": role}, field="role")
    if role in SCOPED_ROLES and scope_unit is None:
        raise ApplicationError(_("This role needs a unit as its data scope."), field="scope_unit")
    if role == Role.CIVIL_SERVANT and user.person_id is None:
        raise ApplicationError(_("Link the account to a civil servant before granting this role."), field="role")
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        if role in ADMIN_ROLES and (held & ADMIN_ROLES) - {role}:
            raise ApplicationError(
                _("A user may hold only one of the system, security and audit administrator roles."), field="role"
            )
        assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, scope_unit=scope_unit)
        audit_append(actor=actor, action="accounts.role.assign", object_type="user", object_id=user.pk,
                     detail={"role": role, "scope_unit_id": scope_unit.pk if scope_unit else None})
    return assignment


def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    _require_role(actor, Role.SECURITY_ADMIN)
    with transaction.atomic():
        audit_append(actor=actor, action="accounts.role.revoke", object_type="user", object_id=assignment.user_id,
                     detail={"role": assignment.role, "scope_unit_id": assignment.scope_unit_id})
        assignment.delete()


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for the actor's own integrations. Returns the key, shown only once."""
    if not name.strip():
        raise ApplicationError(_("Give the token a name that says what uses it."), field="name")
    key = "kh_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name.strip(), prefix=key[:8], digest=sm3_hex(key.encode()))
        audit_append(actor=actor, action="accounts.token.create", object_type="api_token", object_id=token.pk,
                     detail={"name": token.name})
    return token, key


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise PermissionDeniedError(_("You can revoke only your own tokens."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_append(actor=actor, action="accounts.token.revoke", object_type="api_token", object_id=token.pk)


def api_token_user(key: str) -> User | None:
    """The active user behind a bearer token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=sm3_hex(key.encode()), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def login_audit(*, user: Any, username: str, outcome: str) -> None:
    """Record a login attempt; the username typed is kept, never the password."""
    audit_append(actor=user, action="accounts.login", object_type="user",
                 object_id=getattr(user, "pk", "") or "", outcome=outcome, detail={"username": username[:150]})


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """Change one's own password: the old one must match and the new one pass the policy."""
    if not user.check_password(old_password):
        raise ApplicationError(_("The current password is wrong."), field="old_password")
    if old_password == new_password:
        raise ApplicationError(_("Choose a password different from the current one."), field="new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="new_password") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit_append(actor=user, action="accounts.password.change", object_type="user", object_id=user.pk)


def otp_device_for(user: User) -> Any:
    """The user's TOTP device, created unconfirmed on first use (enrolment)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def otp_verify(*, user: User, token: str) -> Any:
    """Check a one-time code (each code works once; ±1 step tolerance). Audited either way."""
    device = otp_device_for(user)
    ok = bool(token.strip().isdigit()) and device.verify_token(token.strip())
    with transaction.atomic():
        if ok and not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        audit_append(actor=user, action="accounts.otp.verify", object_type="user", object_id=user.pk,
                     outcome="success" if ok else "failure", detail={"enrolment": not device.confirmed or not ok})
    if not ok:
        raise ApplicationError(_("The code is wrong or already used. Enter the current 6-digit code."),
                               field="token")
    return device
