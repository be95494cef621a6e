"""The Kōwhai Attendance Service works the cases Kōwhai College refers to it.

Who may see what:
- `manager` (service manager, Kōwhai Attendance Service) decides referrals, sees and
  reassigns every case of the service, imports transferred cases.
- `caseworker` (Kōwhai Attendance Service) works their own and the team's cases.
- `other_caseworker` (Harbour Attendance Service) sees none of them: 404.
- `officer` (Kōwhai College) refers students but sees no case.
"""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from stepwise.cases.models import Case
from stepwise.cases.services import referral_accept
from stepwise.referrals.models import Referral
from tests.referrals.conftest import *  # noqa: F403


def at(day, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


# The day the case opened: in Term 3, so what the tests log in the weeks before TODAY
# is dated after it (nothing in a case's log predates the case).
OPENED = date(2026, 9, 1)


@pytest.fixture
def case(referral, manager, caseworker) -> Case:
    """Aroha Ngata's case, opened on OPENED by accepting Kōwhai College's referral of that
    morning, for `caseworker`."""
    Referral.objects.filter(pk=referral.pk).update(referred_at=at(OPENED, 8))
    referral.refresh_from_db()
    return referral_accept(referral=referral, by=manager, assign_to=caseworker, now=at(OPENED, 9))
