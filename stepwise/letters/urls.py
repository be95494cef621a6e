from django.urls import path

from . import views
from .batches import views as batch_views
from .cases import views as case_views
from .schools import views as school_views
from .word import views as word_views

urlpatterns = [
    path("organisations/<int:org_id>/letters/sender/", views.letter_sender, name="letter_sender"),
    path(
        "organisations/<int:org_id>/letters/templates/",
        word_views.templates,
        name="word_templates",
    ),
    path(
        "organisations/<int:org_id>/letters/templates/<slug:key>/remove/",
        word_views.template_remove,
        name="word_template_remove",
    ),
    path("cases/<int:pk>/letters/", case_views.case_letters, name="case_letters"),
    path("cases/<int:pk>/letters/new/<slug:key>/", case_views.letter_issue, name="letter_issue"),
    path(
        "cases/<int:pk>/letters/<int:letter_pk>/download/",
        case_views.letter_download,
        name="letter_download",
    ),
    # A school's letters about a student.
    path(
        "schools/<str:code>/students/<str:national_id>/letters/",
        school_views.student_letters,
        name="student_letters",
    ),
    path(
        "schools/<str:code>/students/<str:national_id>/letters/new/<slug:key>/",
        school_views.school_letter_new,
        name="school_letter_new",
    ),
    path(
        "schools/<str:code>/students/<str:national_id>/letters/<int:letter_pk>/download/",
        school_views.school_letter_download,
        name="school_letter_download",
    ),
    # Batches.
    path(
        "schools/<str:code>/letters/batches/",
        batch_views.school_batches,
        name="school_letter_batches",
    ),
    path(
        "schools/<str:code>/letters/batches/<int:pk>/",
        batch_views.school_batch,
        name="school_letter_batch",
    ),
    path(
        "schools/<str:code>/letters/batches/<int:pk>/pdf/",
        batch_views.school_batch_pdf,
        name="school_letter_batch_pdf",
    ),
    path(
        "services/<int:org_id>/letters/batches/",
        batch_views.service_batches,
        name="service_letter_batches",
    ),
    path(
        "services/<int:org_id>/letters/batches/<int:pk>/",
        batch_views.service_batch,
        name="service_letter_batch",
    ),
    path(
        "services/<int:org_id>/letters/batches/<int:pk>/pdf/",
        batch_views.service_batch_pdf,
        name="service_letter_batch_pdf",
    ),
]
