from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "kaohe.collection"
    label = "collection"
    verbose_name = "Data collection"
