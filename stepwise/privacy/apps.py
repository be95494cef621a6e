from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "stepwise.privacy"
    label = "privacy"
    verbose_name = "Privacy rights: subject access and retention"
