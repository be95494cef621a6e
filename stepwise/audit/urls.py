from django.urls import path

from . import views

urlpatterns = [
    path("organisations/<int:org_id>/audit/", views.audit_log, name="audit_log"),
    path("organisations/<int:org_id>/audit/export/", views.audit_export, name="audit_export"),
]
