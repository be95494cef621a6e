"""Who may change the dashboard's settings (seeing it goes through get_school_for_user)."""

from stepwise.accounts.access import ADMIN_ROLES, User, has_school_role
from stepwise.schools.models import School

TARGET_ROLES = ADMIN_ROLES


def may_set_targets(user: User, school: School) -> bool:
    """Return whether the user is an admin of the school, who alone sets its AMP targets."""
    return has_school_role(user, school, TARGET_ROLES)
