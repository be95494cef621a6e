"""Referrals to an attendance service: the school's form and list, the service's inbox.

Schools, students, services and referrals are looked up through their access
helpers (referrals/access.py and those it builds on): a referral is visible to the
referring school's staff and the receiving service's members, and answers 404 to
everyone else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from stepwise.accounts.access import get_service_for_user, is_service_manager
from stepwise.audit.services import audit_list, audit_record
from stepwise.referrals.access import can_refer, get_referral_for_user
from stepwise.schools.access import get_school_for_user, get_student_for_user, schools_for_user

from .forms import ReferralForm
from .selectors import decided_referrals, inbox_pack, referrals_for_school, triage
from .services import referral_create

DECIDED_SHOWN = 50


@login_required
def referral_new(request: HttpRequest, code: str, national_id: str) -> HttpResponse:
    school = get_school_for_user(request.user, code)
    student = get_student_for_user(request.user, school, national_id)
    if not can_refer(request.user, school):
        raise PermissionDenied("Only the school's attendance officers refer students")
    form = ReferralForm(request.POST if request.method == "POST" else None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_create(
                school=school,
                student=student,
                service=form.cleaned_data["service"],
                reason=form.cleaned_data["reason"],
                summary=form.cleaned_data["summary"],
                referred_by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request, f"{student.full_name} has been referred to {referral.service}."
            )
            return redirect("referral", pk=referral.pk)
    return render(
        request,
        "referrals/referral_new.html",
        {
            "school": school,
            "student": student,
            "form": form,
            "student_url": reverse("student", args=[school.code, student.national_id]),
        },
    )


@login_required
def school_referrals(request: HttpRequest, code: str) -> HttpResponse:
    school = get_school_for_user(request.user, code)
    referrals = list(referrals_for_school(school))
    audit_list(
        request=request,
        organisation=school.organisation,
        listing="school_referrals",
        owner=school.code,
        students=[r.student_id for r in referrals],
    )
    return render(
        request, "referrals/school_referrals.html", {"school": school, "referrals": referrals}
    )


@login_required
def service_inbox(request: HttpRequest, org_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, org_id)
    ranked = triage(service)
    decided = list(decided_referrals(service)[:DECIDED_SHOWN])
    audit_list(
        request=request,
        organisation=service,
        listing="service_inbox",
        owner=service.pk,
        students=[t.referral.student_id for t in ranked] + [r.student_id for r in decided],
    )
    return render(
        request,
        "referrals/service_inbox.html",
        {
            "service": service,
            "pack": inbox_pack(service),
            "ranked": ranked,
            "decided": decided,
            "manager": is_service_manager(request.user, service),
        },
    )


@login_required
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_referral_for_user(request.user, pk)
    from_school = schools_for_user(request.user).filter(pk=found.school_id).exists()
    # A referral names a child and why they were referred: reading it is audited,
    # on behalf of whichever side the reader works for.
    audit_record(
        request=request,
        organisation=found.school.organisation if from_school else found.service,
        action="view",
        object_type="referral",
        object_id=found.pk,
        detail=f"{found.school.code} to service {found.service_id}",
    )
    return render(
        request,
        "referrals/referral.html",
        {
            "referral": found,
            "from_school": from_school,
            "student_url": reverse("student", args=[found.school.code, found.student.national_id])
            if from_school
            else None,
        },
    )
