from django.urls import path

from . import views

urlpatterns = [
    path("schools/<str:code>/queue/", views.queue, name="queue"),
    path("schools/<str:code>/responses/", views.responses, name="responses"),
    path(
        "schools/<str:code>/students/<str:national_id>/responses/new/",
        views.response_add,
        name="response_add",
    ),
    path(
        "schools/<str:code>/responses/<int:pk>/correct/",
        views.response_correct_view,
        name="response_correct",
    ),
    path(
        "schools/<str:code>/responses/<int:pk>/withdraw/",
        views.response_withdraw_view,
        name="response_withdraw",
    ),
    path("schools/<str:code>/descriptions/", views.descriptions, name="descriptions"),
    path("schools/<str:code>/descriptions/new/", views.description_new, name="description_add"),
    path(
        "schools/<str:code>/descriptions/<int:pk>/rename/",
        views.description_rename_view,
        name="description_rename",
    ),
    path(
        "schools/<str:code>/descriptions/<int:pk>/change/",
        views.description_change,
        name="description_change",
    ),
]
