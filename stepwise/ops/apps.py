from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "stepwise.ops"
    label = "ops"
