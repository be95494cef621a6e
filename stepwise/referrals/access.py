"""Which referrals a user may see, and who may make one."""

from django.db.models import Q
from django.http import Http404

from stepwise.accounts.access import User, has_school_role, services_for_user
from stepwise.accounts.models import Membership
from stepwise.schools.access import schools_for_user
from stepwise.schools.models import School

from .models import Referral


def get_referral_for_user(user: User, pk: int) -> Referral:
    """Return a referral the user's school made or the user's service received, or 404."""
    referral = (
        Referral.objects.filter(pk=pk)
        .filter(Q(school__in=schools_for_user(user)) | Q(service__in=services_for_user(user)))
        .select_related("school", "student", "service", "referred_by")
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    return referral


def can_refer(user: User, school: School) -> bool:
    """Return whether the user may refer the school's students to an attendance service."""
    return has_school_role(user, school, [Membership.Role.ATTENDANCE_OFFICER])
