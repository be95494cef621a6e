from django.urls import path

from . import views

urlpatterns = [
    path("schools/<str:code>/early-warning/", views.early_warning, name="early_warning"),
    path("schools/<str:code>/dashboard/", views.dashboard, name="dashboard"),
    path("schools/<str:code>/dashboard/targets/", views.targets, name="dashboard_targets"),
    path(
        "schools/<str:code>/dashboard/ministry-export/",
        views.ministry_export,
        name="ministry_export",
    ),
]
