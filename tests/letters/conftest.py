"""Aroha Ngata's case at the Kōwhai Attendance Service, with two caregivers who each get letters.

Who may see what (as in tests/cases): `caseworker` and `manager` of the Kōwhai
Attendance Service work the case; `other_caseworker` (Harbour Attendance Service)
gets 404 for it, its letters and their files.

Aroha's caregivers come from Kōwhai College's records: Hine Ngata (mother, lives
with Aroha, prefers te reo Māori, has an email) and Rawiri Ngata (father, lives
elsewhere, no email; the service found his address). Both have parental responsibility.
"""

import pytest

from stepwise.cases.models import Case, Person
from stepwise.cases.services import referral_accept
from stepwise.letters.models import LetterSender
from stepwise.referrals.models import Referral
from tests.cases.conftest import *  # noqa: F403
from tests.cases.conftest import OPENED, at
from tests.front.conftest import TODAY

RAWIRI_ADDRESS = "22 Tōtara Road, Hamilton 3204"


@pytest.fixture
def case(referral, manager, caseworker) -> Case:
    """Aroha Ngata's case, as in tests/cases, with Rawiri's address found by the service."""
    Referral.objects.filter(pk=referral.pk).update(referred_at=at(OPENED, 8))
    referral.refresh_from_db()
    found = referral_accept(referral=referral, by=manager, assign_to=caseworker, now=at(OPENED, 9))
    Person.objects.filter(case=found, given_name="Rawiri").update(address=RAWIRI_ADDRESS)
    return found


@pytest.fixture
def sender(service) -> LetterSender:
    return LetterSender.objects.create(
        organisation=service,
        address="PO Box 4121\nHamilton 3240",
        phone="07 555 0142",
        email="letters@kowhai.example.org",
        signatory_title="Attendance caseworker",
    )


@pytest.fixture
def school_sender(school) -> LetterSender:
    """How Kōwhai College heads and signs its letters; notices of service letters go to it."""
    return LetterSender.objects.create(
        organisation=school.organisation,
        address="12 College Road\nHamilton 3200",
        phone="07 555 0100",
        email="office@kowhai.example.org",
        notices_email="attendance@kowhai.example.org",
        signatory_title="Attendance officer",
    )


@pytest.fixture
def evaluated(school, students) -> None:
    """Evaluate Kōwhai College's Term 4 register as of TODAY: Aroha (29 days) and Ben (12)
    have reached 10 days absent; Mere (6) and Sam (none) have not."""
    from stepwise.standings.services import school_evaluate

    school_evaluate(school=school, as_of=TODAY)
