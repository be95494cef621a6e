from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "stepwise.register"
    label = "register"
