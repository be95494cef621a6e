"""Who may answer a subject access request: the school's admins (school or organisation admin).

The school and student are looked up through stepwise.schools.access first, so
anyone who may not see them gets 404; the school's other staff get 403 here.
"""

from stepwise.accounts.access import ADMIN_ROLES, User, has_school_role, require_school_role
from stepwise.schools.models import School

SUBJECT_ACCESS_ROLES = ADMIN_ROLES


def may_answer_subject_access(user: User, school: School) -> bool:
    return has_school_role(user, school, SUBJECT_ACCESS_ROLES)


def require_subject_access(user: User, school: School) -> None:
    """Raise PermissionDenied unless the user is an admin of the school."""
    require_school_role(user, school, SUBJECT_ACCESS_ROLES)
