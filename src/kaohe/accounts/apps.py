from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kaohe.accounts"
    label = "accounts"
    verbose_name = "Accounts"
