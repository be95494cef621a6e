from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "stepwise.onboarding"
    label = "onboarding"
