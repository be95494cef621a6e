from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "stepwise.intake"
    label = "intake"
