from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "stepwise.certificates"
    verbose_name = "Registration certificates"
