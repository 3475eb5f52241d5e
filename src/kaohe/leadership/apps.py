from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "kaohe.leadership"
    label = "leadership"
    verbose_name = "Leadership appraisal"
