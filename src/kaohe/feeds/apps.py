from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "kaohe.feeds"
    label = "feeds"
    verbose_name = "Feeds and imports"
