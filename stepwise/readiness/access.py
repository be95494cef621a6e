"""Which prosecution or statutory-intervention referrals a user may see."""

from django.http import Http404

from stepwise.accounts.access import User, teams_for_user
from stepwise.cases.models import ProsecutionReferral


def get_team_referral_for_user(user: User, pk: int) -> ProsecutionReferral:
    """Return a referral made to one of the user's teams, or raise Http404."""
    found = (
        ProsecutionReferral.objects.filter(pk=pk, team__in=teams_for_user(user))
        .select_related("case", "case__service", "team", "made_by")
        .first()
    )
    if found is None:
        raise Http404("No such referral")
    return found
