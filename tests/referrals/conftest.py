"""Kōwhai College refers students to the Kōwhai Attendance Service.

Who may see what:
- `officer` (attendance officer, Kōwhai College) refers students and sees the school's referrals.
- `leader` (school leader, Kōwhai College) sees the referrals but may not refer.
- `manager` and `caseworker` (Kōwhai Attendance Service) see referrals made to their service.
- `other_caseworker` (Harbour Attendance Service) sees none of them: 404. Kōwhai College
  is in the Kōwhai service's catchment, not in Harbour's.
- `outsider` (attendance officer, Tōtara School) sees none of them: 404.
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from stepwise.accounts.models import Membership, Organisation
from stepwise.referrals.models import Referral
from stepwise.schools.catchments import catchment_add

# The school, its students, `officer` and `outsider` come from the school workspace tests.
from tests.front.conftest import *  # noqa: F403
from tests.front.conftest import PASSWORD


def add_member(username: str, organisation: Organisation, role: str):
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=username.title(), last_name="Person"
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def service(school) -> Organisation:
    """The Kōwhai Attendance Service, whose catchment includes Kōwhai College."""
    found = Organisation.objects.create(
        name="Kōwhai Attendance Service", kind=Organisation.Kind.SERVICE
    )
    catchment_add(service=found, schools=[school])
    return found


@pytest.fixture
def other_service(db) -> Organisation:
    """The Harbour Attendance Service, whose catchment holds no school of these tests."""
    return Organisation.objects.create(
        name="Harbour Attendance Service", kind=Organisation.Kind.SERVICE
    )


@pytest.fixture
def manager(service):
    return add_member("manager", service, Membership.Role.SERVICE_MANAGER)


@pytest.fixture
def caseworker(service):
    return add_member("caseworker", service, Membership.Role.CASEWORKER)


@pytest.fixture
def other_caseworker(other_service):
    return add_member("othercaseworker", other_service, Membership.Role.CASEWORKER)


@pytest.fixture
def leader(school):
    return add_member("leader", school.organisation, Membership.Role.SCHOOL_LEADER)


@pytest.fixture
def referral(school, students, service, officer) -> Referral:
    """Aroha Ngata, referred by Kōwhai College to the Kōwhai Attendance Service."""
    return Referral.objects.create(
        school=school,
        student=students["Aroha"],
        service=service,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Absent every day this term; three letters home unanswered.",
        referred_by=officer,
        referred_at=timezone.now(),
    )
