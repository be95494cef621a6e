from django.urls import path

from . import views

urlpatterns = [
    path(
        "schools/<str:code>/students/<str:national_id>/subject-access/",
        views.subject_access,
        name="subject_access",
    ),
]
