from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "stepwise.schools"
    label = "schools"
