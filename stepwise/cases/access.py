"""Which cases a user may see."""

from django.db.models import QuerySet
from django.http import Http404

from stepwise.accounts.access import User, services_for_user

from .models import Case


# A service's cases are seen by its caseworkers (their own and the team's) and its
# managers; only managers decide referrals, reassign cases and import transfers.
def cases_for_user(user: User) -> QuerySet[Case]:
    return Case.objects.filter(service__in=services_for_user(user))


def get_case_for_user(user: User, pk: int) -> Case:
    """Return a case of the user's attendance service, or raise Http404.

    With its service, caseworker and Stepwise student: the case page's certificates,
    the letters and the referral checklist read them.
    """
    case = (
        cases_for_user(user)
        .filter(pk=pk)
        .select_related("service", "assigned_to", "student")
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case
