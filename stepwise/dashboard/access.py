"""Who may change the dashboard's settings (seeing it goes through get_school_for_user)."""

from stepwise.accounts.access import User
from stepwise.accounts.models import Membership
from stepwise.schools.models import School

TARGET_ROLES = (Membership.Role.SCHOOL_ADMIN, Membership.Role.ORG_ADMIN)


def may_set_targets(user: User, school: School) -> bool:
    """Return whether the user is an admin of the school, who alone sets its AMP targets."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user_id=user.pk, organisation_id=school.organisation_id, role__in=TARGET_ROLES
        ).exists()
    )
