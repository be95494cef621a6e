from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "stepwise.demo"
    label = "demo"
