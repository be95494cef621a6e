from django.urls import path

from . import import_views, views

urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/add/<str:kind>/", views.organisation_add, name="organisation_add"),
    path("organisations/<int:org_id>/change/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:org_id>/people/", views.people, name="people"),
    path("organisations/<int:org_id>/people/<int:user_id>/", views.member, name="member"),
    path(
        "organisations/<int:org_id>/people/<int:user_id>/end/",
        views.member_end,
        name="member_end",
    ),
    path(
        "organisations/<int:org_id>/people/<int:user_id>/two-factor-reset/",
        views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
]

urlpatterns += [
    path("schools/<str:code>/imports/", import_views.imports, name="imports"),
    path("schools/<str:code>/imports/<int:pk>/", import_views.upload, name="upload"),
    path(
        "schools/<str:code>/imports/<int:pk>/problems.csv",
        import_views.upload_problems,
        name="upload_problems",
    ),
]
