from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "stepwise.front"
    label = "front"
