"""Reads of referrals: a school's own, one student's (a service's inbox: cases.selectors)."""

from django.db.models import QuerySet

from stepwise.accounts.models import Organisation
from stepwise.rules.pack import available_packs, load_pack
from stepwise.schools.models import School, Student

from .models import Referral


def referrals_for_school(school: School) -> QuerySet[Referral]:
    """Return the referrals a school has made, newest first."""
    return school.referrals.select_related("student", "service").order_by("-referred_at", "-pk")


def referrals_for_student(school: School, student: Student) -> QuerySet[Referral]:
    """Return a school's referrals of one student, newest first."""
    return referrals_for_school(school).filter(student=student)


def referral_services(school: School) -> QuerySet[Organisation]:
    """Return the attendance services a school may refer to: those of its own country.

    A service whose jurisdiction is not recorded is offered to every school.
    """
    country = school.rules.country
    packs = [key for key in available_packs() if load_pack(key).country == country]
    return Organisation.objects.filter(
        kind=Organisation.Kind.SERVICE, pack__in=["", *packs]
    ).order_by("name")
