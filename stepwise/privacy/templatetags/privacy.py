"""Template tags for linking to privacy pages only where the user may use them."""

from django import template

from stepwise.accounts.access import User
from stepwise.schools.models import School

from ..access import may_answer_subject_access

register = template.Library()


@register.simple_tag
def may_answer_subject_access_at(user: User, school: School) -> bool:
    """Return whether the user may answer subject access requests for the school's students."""
    return may_answer_subject_access(user, school)
