from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "stepwise.referrals"
    label = "referrals"
