from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<str:code>/", views.school, name="school"),
    path("schools/<str:code>/terms/<str:term_key>/", views.standings, name="standings"),
    path("schools/<str:code>/students/<str:national_id>/", views.student, name="student"),
]
