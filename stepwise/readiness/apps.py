from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "stepwise.readiness"
