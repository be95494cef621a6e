from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "stepwise.responses"
    label = "responses"
