from django.urls import path

from . import bundle_views, views

urlpatterns = [
    path("cases/<int:pk>/referral/", views.case_readiness_page, name="case_readiness"),
    path("cases/<int:pk>/referral/refer/", views.refer, name="readiness_refer"),
    path(
        "cases/<int:pk>/referral/cannot-contact/<int:person_pk>/",
        views.cannot_contact,
        name="readiness_cannot_contact",
    ),
    path("cases/<int:pk>/referral/put-right/", views.put_right, name="readiness_put_right"),
    path("cases/<int:pk>/referral/<slug:item_key>/", views.attest, name="readiness_attest"),
    path("teams/<int:org_id>/referrals/", views.team_referrals, name="team_referrals"),
    path("referred/<int:pk>/", views.team_referral, name="team_referral"),
    path("cases/<int:pk>/chronology.pdf", bundle_views.chronology_pdf, name="case_chronology_pdf"),
    path("cases/<int:pk>/referral/bundle.pdf", bundle_views.bundle_pdf, name="case_bundle_pdf"),
    path(
        "cases/<int:pk>/referral/bundle.zip",
        bundle_views.bundle_zip_download,
        name="case_bundle_zip",
    ),
    path("referred/<int:pk>/bundle.zip", bundle_views.team_bundle, name="team_referral_bundle"),
]
