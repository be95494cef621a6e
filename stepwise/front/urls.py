from django.urls import path

from . import calendar_views, case_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<str:code>/", views.school, name="school"),
    path("schools/<str:code>/terms/<str:term_key>/", views.standings, name="standings"),
    path("schools/<str:code>/students/<str:national_id>/", views.student, name="student"),
    path("schools/<str:code>/calendar/", calendar_views.school_calendar, name="school_calendar"),
    path(
        "schools/<str:code>/calendar/terms/<str:term_key>/",
        calendar_views.term_dates,
        name="term_dates",
    ),
    path("cases/<int:pk>/", case_views.case, name="case"),
    path("cases/<int:pk>/log/new/", case_views.log_new, name="log_new"),
]
