from django.apps import AppConfig


class UnitRatingsConfig(AppConfig):
    name = "kaohe.unitratings"
    label = "unitratings"
    verbose_name = "Ratings between units"
