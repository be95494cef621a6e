from django.urls import path

from . import views

urlpatterns = [
    path(
        "schools/<str:code>/students/<str:national_id>/refer/",
        views.referral_new,
        name="referral_new",
    ),
    path("schools/<str:code>/referrals/", views.school_referrals, name="school_referrals"),
    path("services/<int:org_id>/referrals/", views.service_inbox, name="service_inbox"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
]
