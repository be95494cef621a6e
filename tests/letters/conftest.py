"""Aroha Ngata's case at the Kōwhai Attendance Service, with two caregivers who each get letters.

Who may see what (as in tests/cases): `caseworker` and `manager` of the Kōwhai
Attendance Service work the case; `other_caseworker` (Harbour Attendance Service)
gets 404 for it, its letters and their files.

Aroha's caregivers come from Kōwhai College's records: Hine Ngata (mother, lives
with Aroha, prefers te reo Māori, has an email) and Rawiri Ngata (father, lives
elsewhere, no email or address). Both have parental responsibility.
"""

import pytest

from stepwise.letters.models import LetterSender
from tests.cases.conftest import *  # noqa: F403


@pytest.fixture
def sender(service) -> LetterSender:
    return LetterSender.objects.create(
        organisation=service,
        address="PO Box 4121\nHamilton 3240",
        phone="07 555 0142",
        email="letters@kowhai.example.org",
        signatory_title="Attendance caseworker",
    )
