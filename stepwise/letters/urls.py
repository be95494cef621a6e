from django.urls import path

from . import views

urlpatterns = [
    path("organisations/<int:org_id>/letters/sender/", views.letter_sender, name="letter_sender"),
    path("cases/<int:pk>/letters/", views.case_letters, name="case_letters"),
    path("cases/<int:pk>/letters/new/<slug:key>/", views.letter_issue, name="letter_issue"),
    path(
        "cases/<int:pk>/letters/<int:letter_pk>/download/",
        views.letter_download,
        name="letter_download",
    ),
]
