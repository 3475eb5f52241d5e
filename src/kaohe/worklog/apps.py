from django.apps import AppConfig


class WorklogConfig(AppConfig):
    name = "kaohe.worklog"
    label = "worklog"
    verbose_name = "Daily work"
