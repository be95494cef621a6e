"""A school's letters from a student's page: the ladder with reasons, send, verified downloads.

Students are looked up through stepwise.letters.access (the school's staff only;
anyone else gets 404). The school's staff see the letters; its attendance officers
send them. Viewing, sending and downloading are audited.
"""

from functools import partial
from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.access import get_admin_organisation_for_user
from stepwise.audit.services import audit_record
from stepwise.schools.models import School, Student

from ..access import (
    get_school_letter_for_user,
    get_school_student_for_user,
    may_send_school_letters,
    require_school_sender,
)
from ..pages import IssueSide, issue_page, serve_letter
from .selectors import (
    caregivers_left_out,
    letter_notices,
    school_ladder,
    school_letters,
    student_numbers,
)
from .services import school_letter_drafts, school_letter_issue, school_letter_plan


def _audit(
    request: HttpRequest, school: School, student: Student, action: str, detail: str
) -> None:
    audit_record(
        request=request,
        organisation=school.organisation,
        action=action,
        object_type="student",
        object_id=student.pk,
        detail=f"{school.code}: {detail}",
    )


def _may_set_heading(request: HttpRequest, school: School) -> bool:
    try:
        get_admin_organisation_for_user(request.user, school.organisation_id)
    except Http404:
        return False
    return True


@login_required
def student_letters(request: HttpRequest, code: str, national_id: str) -> HttpResponse:
    school, student = get_school_student_for_user(request.user, code, national_id)
    _audit(request, school, student, "view", "letters")
    return render(
        request,
        "letters/student_letters.html",
        {
            "school": school,
            "student": student,
            "ladder": school_ladder(school, student, timezone.localdate()),
            "ladder_caption": "The school's letters and whether each may be sent now",
            "letters": school_letters(school, student),
            "notices": letter_notices(school, student),
            "left_out": caregivers_left_out(school, student),
            "may_send": may_send_school_letters(request.user, school),
            "may_set_heading": _may_set_heading(request, school),
        },
    )


@login_required
def school_letter_new(request: HttpRequest, code: str, national_id: str, key: str) -> HttpResponse:
    school, student = get_school_student_for_user(request.user, code, national_id)
    require_school_sender(request.user, school)
    me = cast(User, request.user)
    return issue_page(
        request,
        IssueSide(
            plan=lambda confirmed, on: school_letter_plan(
                school=school,
                student=student,
                letter_key=key,
                today=on,
                by=me,
                confirmed=confirmed,
            ),
            numbers=partial(student_numbers, school, student),
            not_enrolled_since=None,
            issue=partial(
                school_letter_issue, school=school, student=student, letter_key=key, by=me
            ),
            drafts=partial(school_letter_drafts, school=school, student=student, by=me),
            audit=lambda action, detail: _audit(request, school, student, action, detail),
            back_url=reverse("student_letters", args=[school.code, student.national_id]),
            caption=f"{student.full_name} · {school.name}",
            sender=school.organisation,
            sent_note=" Each is recorded as a response: “Sent written communication”.",
            recorded_in="the response's private notes",
        ),
    )


@login_required
def school_letter_download(
    request: HttpRequest, code: str, national_id: str, letter_pk: int
) -> HttpResponse:
    school, student, kept = get_school_letter_for_user(request.user, code, national_id, letter_pk)
    return serve_letter(
        request,
        kept,
        audit=lambda detail: _audit(request, school, student, "download", detail),
        back_url=reverse("student_letters", args=[school.code, student.national_id]),
    )
