from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "stepwise.letters"
    verbose_name = "Letters"
