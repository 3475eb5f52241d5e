"""System checks of the audit log's settings."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

MINIMUM_RETENTION_DAYS = 184  # six calendar months can be 184 days (网络安全法 第21条)


@register()
def retention_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    days = getattr(settings, "AUDIT_RETENTION_DAYS", 0)
    if days < MINIMUM_RETENTION_DAYS:
        return [Error(f"AUDIT_RETENTION_DAYS is {days}; the law requires at least {MINIMUM_RETENTION_DAYS}.",
                      hint="Set AUDIT_RETENTION_DAYS to 184 or more.", id="kaohe.E001")]
    return []
