from django.urls import path

from . import views

urlpatterns = [
    path(
        "schools/<str:code>/students/<str:national_id>/certificates/",
        views.student_certificates,
        name="student_certificates",
    ),
    path(
        "schools/<str:code>/students/<str:national_id>/certificates/<int:pk>/download/",
        views.student_certificate_download,
        name="student_certificate_download",
    ),
    path("cases/<int:pk>/certificates/", views.case_certificates, name="case_certificates"),
    path(
        "cases/<int:pk>/certificates/<int:certificate_pk>/download/",
        views.case_certificate_download,
        name="case_certificate_download",
    ),
]
