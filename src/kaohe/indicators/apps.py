from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "kaohe.indicators"
    label = "indicators"
    verbose_name = "Indicators and schemes"
