from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "kaohe.ballots"
    label = "ballots"
    verbose_name = "360° ballots"
