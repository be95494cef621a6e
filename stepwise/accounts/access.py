"""Who may see what: every view, export and endpoint looks objects up through here.

A school's staff see the school and the students enrolled there now or before.
Anything else answers 404, so a URL never reveals whether an object exists.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from stepwise.schools.models import School, Student

from .models import Membership

SCHOOL_ROLES = (
    Membership.Role.ATTENDANCE_OFFICER,
    Membership.Role.SCHOOL_LEADER,
    Membership.Role.SCHOOL_ADMIN,
    Membership.Role.ORG_ADMIN,
)

User = AbstractBaseUser | AnonymousUser


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
    """Return a student of a school the user may see, or raise Http404."""
    student = Student.objects.filter(national_id=national_id, enrolments__school=school).first()
    if student is None:
        raise Http404("No such student")
    return student
