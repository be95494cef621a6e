"""Registration certificates: issue them from a student's page or a case, and download them.

School staff reach a student through stepwise.schools.access (404 for other schools'
students); a school's attendance officers and leaders may issue. A service's staff
reach the case's student through the case (404 for other services' cases). Every page,
issue and download is audited: each reads a child's register.
"""

import hashlib
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.access import has_school_role, require_school_role
from stepwise.accounts.models import Membership, Organisation
from stepwise.audit.services import audit_record
from stepwise.cases.access import get_case_for_user
from stepwise.cases.models import Case
from stepwise.rules.days import long_date
from stepwise.schools.access import get_school_for_user, get_student_for_user
from stepwise.schools.models import School, Student
from stepwise.web.files import download

from .forms import IssueForm
from .models import RegistrationCertificate
from .selectors import case_schools, certificates_at_school, certificates_for_student
from .services import Draft, certificate_draft, certificate_issue

ISSUER_ROLES = (Membership.Role.ATTENDANCE_OFFICER, Membership.Role.SCHOOL_LEADER)
PERIODS = RegistrationCertificate.Period


@dataclass
class Offer:
    """A certificate that could be issued now: its school and period, and what it would show."""

    school: School
    period: str
    label: str
    draft: Draft | None
    unavailable: str = ""  # why it cannot be issued
    error: str = ""  # why the last attempt to issue it was refused

    @property
    def key(self) -> str:
        return f"{self.school.pk}-{self.period}"


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _offers(schools: list[School], student: Student, refused: dict[str, str]) -> list[Offer]:
    today = timezone.localdate()
    offers = []
    for school in schools:
        for period, label in PERIODS.choices:
            offer = Offer(school, period, label, None)
            try:
                offer.draft = certificate_draft(
                    school=school, student=student, period=period, today=today
                )
            except ValidationError as e:
                offer.unavailable = " ".join(e.messages)
            offer.error = refused.get(offer.key, "")
            offers.append(offer)
    return offers


def _issue(
    request: HttpRequest, *, schools: list[School], student: Student, issued_for: Organisation
) -> tuple[RegistrationCertificate | None, list[tuple[str, str]], dict[str, str]]:
    """Issue the certificate the posted form asks for.

    Return it, or the problems for the error summary as (anchor, message) pairs and,
    by offer key, why that offer was refused.
    """
    form = IssueForm(request.POST)
    if not form.is_valid():
        return None, [("issue", str(e)) for errors in form.errors.values() for e in errors], {}
    by_code = {s.code: s for s in schools}
    school = by_code.get(form.cleaned_data["school"]) if len(schools) > 1 else schools[0]
    if school is None:
        return None, [("issue", "school: choose one of the schools on this case")], {}
    period = form.cleaned_data["period"]
    try:
        issued = certificate_issue(
            school=school,
            student=student,
            period=period,
            by=_me(request),
            issued_for=issued_for,
            confirmed_unresolved=form.cleaned_data["confirm"],
        )
    except ValidationError as e:
        key = f"{school.pk}-{period}"
        problems = [
            (f"confirm-{key}" if field == "confirm" else "issue", message)
            for field, messages_ in e.message_dict.items()
            for message in messages_
        ]
        return None, problems, {key: " ".join(e.message_dict.get("confirm", []))}
    return issued, [], {}


def _audit(request: HttpRequest, organisation, object_type: str, pk: int, detail: str) -> None:
    audit_record(
        request=request,
        organisation=organisation,
        action="view" if request.method == "GET" else "change",
        object_type=object_type,
        object_id=pk,
        detail=detail,
    )


def _download(
    request: HttpRequest, kept: RegistrationCertificate, audit, back_url: str
) -> HttpResponse:
    pdf = bytes(kept.pdf)
    found_sha = hashlib.sha256(pdf).hexdigest()
    if found_sha != kept.sha256:
        # The stored file is not the one issued: say so, never serve it as the certificate.
        audit(f"certificate {kept.pk} REFUSED: hash mismatch")
        return render(
            request,
            "certificates/tampered.html",
            {"certificate": kept, "found_sha": found_sha, "back_url": back_url},
            status=409,
        )
    audit(f"certificate {kept.pk} {kept.sha256}")
    return download(pdf, "application/pdf", kept.file_name)


# --- From the school's student page ---------------------------------------------------------


def _school_student(request: HttpRequest, code: str, national_id: str) -> tuple[School, Student]:
    school = get_school_for_user(request.user, code)
    return school, get_student_for_user(request.user, school, national_id)


@login_required
def student_certificates(request: HttpRequest, code: str, national_id: str) -> HttpResponse:
    school, pupil = _school_student(request, code, national_id)
    may_issue = has_school_role(request.user, school, ISSUER_ROLES)
    problems: list[tuple[str, str]] = []
    refused: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        require_school_role(request.user, school, ISSUER_ROLES)
        issued, problems, refused = _issue(
            request, schools=[school], student=pupil, issued_for=school.organisation
        )
        if issued is not None:
            _audit(request, school.organisation, "student", pupil.pk, f"certificate {issued.pk}")
            messages.success(request, _issued_message(issued))
            return redirect("student_certificates", code=school.code, national_id=pupil.national_id)
        status = 400
    _audit(request, school.organisation, "student", pupil.pk, f"{school.code} certificates")
    return render(
        request,
        "certificates/student_certificates.html",
        {
            "school": school,
            "student": pupil,
            "certificates": certificates_at_school(school, pupil).prefetch_related("changes"),
            "offers": _offers([school], pupil, refused) if may_issue else [],
            "may_issue": may_issue,
            "problems": problems,
        },
        status=status,
    )


@login_required
def student_certificate_download(
    request: HttpRequest, code: str, national_id: str, pk: int
) -> HttpResponse:
    school, pupil = _school_student(request, code, national_id)
    kept = get_object_or_404(RegistrationCertificate, pk=pk, school=school, student=pupil)

    def audit(detail: str) -> None:
        audit_record(
            request=request,
            organisation=school.organisation,
            action="download",
            object_type="student",
            object_id=pupil.pk,
            detail=detail,
        )

    back = reverse("student_certificates", args=[school.code, pupil.national_id])
    return _download(request, kept, audit, back)


# --- From a case -------------------------------------------------------------------------------


def _case_student(request: HttpRequest, pk: int) -> tuple[Case, Student | None]:
    found = get_case_for_user(request.user, pk)
    return found, found.student


@login_required
def case_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    found, student = _case_student(request, pk)
    schools = case_schools(found)
    problems: list[tuple[str, str]] = []
    refused: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if student is None or not schools:
            raise Http404("This case's child is not on a Stepwise school's roll")
        issued, problems, refused = _issue(
            request, schools=schools, student=student, issued_for=found.service
        )
        if issued is not None:
            _audit(request, found.service, "case", found.pk, f"{found.reference}: certificate")
            messages.success(request, _issued_message(issued))
            return redirect("case_certificates", pk=found.pk)
        status = 400
    _audit(request, found.service, "case", found.pk, f"{found.reference}: certificates")
    return render(
        request,
        "certificates/case_certificates.html",
        {
            "case": found,
            "student": student,
            "certificates": certificates_for_student(student).prefetch_related("changes")
            if student
            else [],
            "offers": _offers(schools, student, refused) if student else [],
            "several_schools": len(schools) > 1,
            "problems": problems,
        },
        status=status,
    )


@login_required
def case_certificate_download(request: HttpRequest, pk: int, certificate_pk: int) -> HttpResponse:
    found, student = _case_student(request, pk)
    if student is None:
        raise Http404("No such certificate")
    kept = get_object_or_404(RegistrationCertificate, pk=certificate_pk, student=student)

    def audit(detail: str) -> None:
        audit_record(
            request=request,
            organisation=found.service,
            action="download",
            object_type="case",
            object_id=found.pk,
            detail=f"{found.reference}: {detail}",
        )

    return _download(request, kept, audit, reverse("case_certificates", args=[found.pk]))


def _issued_message(issued: RegistrationCertificate) -> str:
    text = (
        f"Registration certificate issued for {long_date(issued.first_day)} to "
        f"{long_date(issued.last_day)}."
    )
    if issued.unresolved:
        sessions = issued.school.rules.word("sessions")
        text += f" It is flagged: {issued.unresolved} {sessions} are still coded "
        text += f"{issued.unresolved_codes}."
    return text
