"""Users, their roles with data scopes, and API tokens for integrators."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from kaohe.accounts.roles import Role


class User(AbstractUser):
    """A login. `person` links a civil servant to their own record."""

    display_name = models.CharField(max_length=100, blank=True)
    person = models.OneToOneField(
        "org.CivilServant", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    password_changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user over a data scope: the subtree rooted at `scope_unit`.

    The civil-servant role has no unit scope: it reaches the user's own record only.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    scope_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "scope_unit"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}@{self.scope_unit_id}"


class ApiToken(models.Model):
    """A bearer token for an integrator. Only its SM3 digest is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
