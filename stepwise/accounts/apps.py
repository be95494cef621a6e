from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stepwise.accounts"
    label = "accounts"
