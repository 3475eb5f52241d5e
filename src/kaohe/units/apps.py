from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "kaohe.units"
    label = "units"
    verbose_name = "Unit appraisal"
