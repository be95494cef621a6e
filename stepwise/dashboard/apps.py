from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "stepwise.dashboard"
    label = "dashboard"
