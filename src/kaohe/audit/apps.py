from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kaohe.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from kaohe.audit import checks  # noqa: F401  (registers the system checks)
        from kaohe.audit.guard import install_sqlite_guard

        connection_created.connect(install_sqlite_guard)
