from django.urls import path

from . import views

urlpatterns = [
    path("referrals/<int:pk>/decide/", views.referral_decide, name="referral_decide"),
    path("services/<int:org_id>/cases/", views.cases, name="cases"),
    path("services/<int:org_id>/cases/new/", views.case_new, name="case_new"),
    path("services/<int:org_id>/cases/transferred/", views.transferred, name="transferred_cases"),
    path("services/<int:org_id>/cases/import/", views.transfer_import, name="transfer_import"),
    path("services/<int:org_id>/tasks/", views.tasks, name="tasks"),
    path("cases/<int:pk>/chronology/", views.case_chronology, name="case_chronology"),
    path("cases/<int:pk>/people/new/", views.person_new, name="person_new"),
    path("cases/<int:pk>/people/<int:person_pk>/", views.person_edit, name="person_edit"),
    path("cases/<int:pk>/people/<int:person_pk>/end/", views.person_end, name="person_end"),
    path("cases/<int:pk>/safety/new/", views.safety_new, name="safety_new"),
    path(
        "cases/<int:pk>/safety/<int:flag_pk>/withdraw/",
        views.safety_withdraw,
        name="safety_withdraw",
    ),
    path("cases/<int:pk>/agencies/new/", views.agency_new, name="agency_new"),
    path("cases/<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("cases/<int:pk>/tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path("cases/<int:pk>/status/", views.case_status, name="case_status"),
    path("cases/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment,
        name="case_attachment",
    ),
]
