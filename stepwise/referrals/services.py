"""Writes for referrals to an attendance service: made by a school, decided by the service."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.responses.models import ResponseActivity
from stepwise.responses.services import ResponseError, response_record
from stepwise.schools.catchments import covers
from stepwise.schools.models import School, Student
from stepwise.web.names import display_name

from .models import Referral

SUMMARY_MAX = 5000
# Referrals still waiting for the service's decision: a second one would only duplicate it.
PENDING = (Referral.Status.SUBMITTED, Referral.Status.WAITLISTED)
# The Activity Response Type a referral is recorded under, and how to find the school's
# Description for it: NZ "Referred to attendance services", England "Referred to local
# authority attendance support team". A school that renamed it gets the type alone.
RESPONSE_TYPE = "external_referral"
DESCRIPTION_WORD = "attendance"


def referral_create(
    *,
    school: School,
    student: Student,
    service: Organisation | None,
    reason: str,
    summary: str,
    referred_by: User,
    now: datetime | None = None,
) -> Referral:
    """Refer a school's student to an attendance service, or raise ValidationError by field.

    The service's catchment must include the school.

    The referral is also recorded as the school's response activity ("Referred to
    external agencies"). Nothing is written unless every check passes and both
    writes succeed: they share one transaction.
    """
    summary = summary.strip()
    errors: dict[str, str] = {}
    if service is None or service.kind != Organisation.Kind.SERVICE:
        errors["service"] = "Select the attendance service to refer to"
    elif not covers(service, school):
        errors["service"] = (
            f"{service.name} does not take referrals from {school.name}: its catchment does "
            f"not include {school.name}"
        )
    elif Referral.objects.filter(student=student, service=service, status__in=PENDING).exists():
        errors["service"] = (
            f"{student.full_name} already has a referral to {service.name} waiting for a decision"
        )
    if reason not in Referral.Reason.values:
        errors["reason"] = "Select the reason for the referral"
    if not summary:
        errors["summary"] = "Enter a summary of why you are referring the student"
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = f"Summary must be {SUMMARY_MAX:,} characters or fewer"
    if not student.enrolments.filter(school=school).exists():
        errors["student"] = f"{student.full_name} is not a student of {school.name}"
    if errors:
        raise ValidationError(errors)
    assert service is not None
    now = now or timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            school=school,
            student=student,
            service=service,
            reason=reason,
            summary=summary,
            referred_by=referred_by,
            referred_at=now,
        )
        try:
            _record_response(referral, now)
        except ResponseError as error:
            raise ValidationError(str(error)) from error
    return referral


def _record_response(referral: Referral, now: datetime) -> ResponseActivity | None:
    """Record the referral as a response activity, if the school's pack has the type."""
    school = referral.school
    if RESPONSE_TYPE not in {t.key for t in school.rules.response_types}:
        return None
    description = (
        school.descriptions.filter(
            response_type=RESPONSE_TYPE, retired=False, text__icontains=DESCRIPTION_WORD
        )
        .order_by("position", "pk")
        .first()
    )
    user = referral.referred_by
    return response_record(
        school=school,
        student=referral.student,
        response_type=RESPONSE_TYPE,
        description=description,
        happened_on=timezone.localdate(now),
        done_by=display_name(user),
        recorded_by=user,
        notes=f"Referred to {referral.service.name} (referral {referral.pk}).",
        now=now,
    )
