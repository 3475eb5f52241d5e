from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "kaohe.appraisal"
    label = "appraisal"
    verbose_name = "Appraisal"
