"""Who is acting, from where, in which request: set once per request, read by the audit writer."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    ip: str = ""
    request_id: str = ""


EMPTY = AuditContext()
current: ContextVar[AuditContext] = ContextVar("audit_context")
