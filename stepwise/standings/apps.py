from django.apps import AppConfig


class StandingsConfig(AppConfig):
    name = "stepwise.standings"
    label = "standings"
