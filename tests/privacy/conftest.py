"""Kauri Test College (NZ-1) part way through Term 4 2026, with a record worth asking for.

Aroha Ngata (100000001) missed the week of 12 October (T), so she reached the 5-day
threshold on Friday 16 October; a later file amended her Friday afternoon from T to J.
She has two caregivers, and the school referred her to the Kauri Attendance Service
(which also recorded a response activity, with a private note saying so).

Who may do what with a subject access request:
- `admin` (school admin) and `org_admin` (organisation admin) of NZ-1: yes.
- `officer` (attendance officer) and `leader` (school leader) of NZ-1: 403.
- `outsider` (school admin of Tōtara School, NZ-9): 404, as if Aroha did not exist.

The clock is pinned to 10am on Friday 20 November 2026 in Auckland.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from stepwise.accounts.models import Membership, Organisation
from stepwise.onboarding.organisations import school_setup
from stepwise.referrals.models import Referral
from stepwise.referrals.services import referral_create
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.catchments import catchment_add
from stepwise.schools.models import School, Student
from stepwise.standings.services import school_evaluate
from tests.conftest import REGISTER_HEADER, ROSTER_HEADER, TODAY, csv_bytes, sign_in

AUCKLAND = ZoneInfo("Pacific/Auckland")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=AUCKLAND)
PASSWORD = "a long demo password 4 tests"
CAREGIVER_HEADER = (
    "school_id,student_id,caregiver_id,given_name,family_name,relationship,"
    "lives_with_student,parental_responsibility,email,phone,address,preferred_language"
)
WEEK = [date(2026, 10, 12) + timedelta(days=i) for i in range(5)]  # Mon 12 - Fri 16 October


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """Make the response form and the dashboard think it is 10am on 20 November 2026."""
    monkeypatch.setattr("stepwise.responses.views._now", lambda: NOW)
    monkeypatch.setattr("stepwise.dashboard.selectors.today", lambda: TODAY)


@pytest.fixture
def school(nz_roster) -> School:
    import_caregivers(
        csv_bytes(
            CAREGIVER_HEADER,
            "NZ-1,100000001,CG-1,Hine,Ngata,mother,yes,yes,hine@example.org,021 000 0001,"
            '"1 Example Street, Town",mi',
            "NZ-1,100000001,CG-2,Rawiri,Ngata,father,no,yes,,027 000 0002,,",
            "NZ-1,100000002,CG-3,Lily,Lee,mother,yes,yes,lily@example.org,,,",
        ),
        file_name="caregivers.csv",
    )
    rows = [
        f"NZ-1,{nid},{day},{session},{'T' if nid == '100000001' else 'P'}"
        for nid in ("100000001", "100000002")
        for day in WEEK
        for session in ("AM", "PM")
    ]
    import_register(csv_bytes(REGISTER_HEADER, *rows), file_name="week-1.csv")
    # The school later learns Aroha's Friday afternoon was justified.
    import_register(
        csv_bytes(REGISTER_HEADER, "NZ-1,100000001,2026-10-16,PM,J"), file_name="fix.csv"
    )
    school_evaluate(school=nz_roster, as_of=TODAY)
    return nz_roster


@pytest.fixture
def aroha(school) -> Student:
    return Student.objects.get(national_id="100000001")


def add_user(username: str, organisation: Organisation, role: str):
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=username.title(), last_name="Tester"
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def admin(school):
    return add_user("admin", school.organisation, Membership.Role.SCHOOL_ADMIN)


@pytest.fixture
def org_admin(school):
    return add_user("orgadmin", school.organisation, Membership.Role.ORG_ADMIN)


@pytest.fixture
def officer(school):
    return add_user("officer", school.organisation, Membership.Role.ATTENDANCE_OFFICER)


@pytest.fixture
def leader(school):
    return add_user("leader", school.organisation, Membership.Role.SCHOOL_LEADER)


@pytest.fixture
def other_school(db) -> School:
    other = school_setup(code="NZ-9", name="Tōtara School", pack="nz", today=TODAY)
    import_roster(
        csv_bytes(ROSTER_HEADER, "NZ-9,200000001,Rangi,Tui,2015-01-01,5,2026-01-28,"),
        file_name="nz-9-roster.csv",
    )
    return other


@pytest.fixture
def outsider(other_school):
    return add_user("outsider", other_school.organisation, Membership.Role.SCHOOL_ADMIN)


@pytest.fixture
def service(school) -> Organisation:
    """The Kauri Attendance Service, whose catchment includes the school."""
    found = Organisation.objects.create(
        name="Kauri Attendance Service", kind=Organisation.Kind.SERVICE
    )
    catchment_add(service=found, schools=[school])
    return found


@pytest.fixture
def referral(school, aroha, officer, service) -> Referral:
    return referral_create(
        school=school,
        student=aroha,
        service=service,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Aroha missed a whole week; the family has not answered two letters.",
        referred_by=officer,
        now=NOW - timedelta(days=1),
    )


@pytest.fixture
def as_user(client):
    """Return a function that signs a user in on the test client (passing 2FA) and returns it."""
    return lambda user: sign_in(client, user)
