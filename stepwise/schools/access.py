"""Which schools and students a user may see.

A school's staff see the school and the students enrolled there now or before.
Anything else answers 404, so a URL never reveals whether an object exists.
"""

from django.db.models import QuerySet
from django.http import Http404

from stepwise.accounts.access import SCHOOL_ROLES, User

from .models import School, Student


def schools_for_user(user: User) -> QuerySet[School]:
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(
        organisation__memberships__user_id=user.pk,
        organisation__memberships__role__in=SCHOOL_ROLES,
    ).distinct()


def get_school_for_user(user: User, code: str) -> School:
    school = schools_for_user(user).filter(code=code).first()
    if school is None:
        raise Http404("No such school")
    return school


def get_student_for_user(user: User, school: School, national_id: str) -> Student:
    """Return the school's own record of a student, at a school the user may see, or 404."""
    student = Student.objects.filter(school=school, national_id=national_id).first()
    if student is None:
        raise Http404("No such student")
    return student
