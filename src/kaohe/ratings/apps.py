from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "kaohe.ratings"
    label = "ratings"
    verbose_name = "Public ratings"
