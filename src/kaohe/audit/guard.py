"""The append-only guard: database triggers refuse UPDATE and DELETE on the audit tables.

On SQLite the trigger calls the function `kaohe_audit_purge_allowed()`, registered on each
connection; it answers 0 unless maintenance was switched on in this process. A connection that
lacks the function (the sqlite3 shell) fails the trigger too, so editing fails closed. On
PostgreSQL the trigger reads the session setting `kaohe.audit_purge`. The test suite switches
maintenance on so that test databases can be flushed; tamper tests switch it off.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

_purge_allowed = {"value": False}


def install_sqlite_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "kaohe_audit_purge_allowed", 0, lambda: int(_purge_allowed["value"]), deterministic=False
        )
    elif connection.vendor == "postgresql" and _purge_allowed["value"]:
        with connection.connection.cursor() as cursor:
            cursor.execute("SET kaohe.audit_purge = 'on'")


def set_purge_allowed(allowed: bool) -> None:
    """Switch maintenance for this process and the open connection (tests, retention job)."""
    _purge_allowed["value"] = allowed
    if connection.vendor == "postgresql" and connection.connection is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('kaohe.audit_purge', %s, false)", ["on" if allowed else "off"])


@contextmanager
def purge_allowed(allowed: bool) -> Iterator[None]:
    before = _purge_allowed["value"]
    set_purge_allowed(allowed)
    try:
        yield
    finally:
        set_purge_allowed(before)
