from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "kaohe.analytics"
    label = "analytics"
    verbose_name = "Analysis and reports"
