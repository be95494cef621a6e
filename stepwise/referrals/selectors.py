"""Reads of referrals: a school's own, one student's (a service's inbox: cases.selectors)."""

from django.db.models import QuerySet

from stepwise.accounts.models import Organisation
from stepwise.schools.catchments import services_covering
from stepwise.schools.models import School, Student

from .models import Referral


def referrals_for_school(school: School) -> QuerySet[Referral]:
    """Return the referrals a school has made, newest first."""
    return school.referrals.select_related("student", "service").order_by("-referred_at", "-pk")


def referrals_for_student(school: School, student: Student) -> QuerySet[Referral]:
    """Return a school's referrals of one student, newest first."""
    return referrals_for_school(school).filter(student=student)


def referral_services(school: School) -> QuerySet[Organisation]:
    """Return the attendance services a school may refer to: those whose catchment includes it."""
    return services_covering(school)
