"""A small New Zealand school part way through Term 4 2026, its staff, and a second school.

Who may see and do what:
- `officer` (attendance officer, Kōwhai College NZ-0427): the queue; records responses.
- `leader` (school leader, NZ-0427): the queue and responses, read-only.
- `admin` (school admin, NZ-0427): the queue read-only; manages the Descriptions.
- `org_admin` (organisation admin of NZ-0427): manages the Descriptions too.
- `outsider` (attendance officer, Tōtara School NZ-0999): nothing at Kōwhai College.

The clock is pinned to Friday 20 November 2026, 10am in Auckland, the last day
with marks. Each student's absences (whole days) put them in the queue as below.
"""

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from stepwise.accounts.models import Membership
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import School, Student, Term
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.services import school_evaluate
from tests.conftest import sign_in

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the fixtures' database work from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

TODAY = date(2026, 11, 20)  # a Friday in Term 4 2026
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
TERM_START = date(2026, 10, 12)
LABOUR_DAY = date(2026, 10, 26)  # a public holiday: the school is closed
PASSWORD = "a long demo password 4 tests"


def school_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day != LABOUR_DAY:
            days.append(day)
        day += timedelta(days=1)
    return days


TERM_DAYS = school_days(TERM_START, TODAY)  # 29 school days
NOV = {d: date(2026, 11, d) for d in range(1, 31)}

# Each student: (national id, given name, family name, year level, days absent (all day, T)).
# What that puts in the queue on 20 November (reached on / school days waiting / status):
STUDENTS = [
    # 5 days: 16 Oct (critical); 10 days: 23 Oct (critical); 15 days: 2 Nov (critical).
    ("100000001", "Aroha", "Ngata", 10, TERM_DAYS[:15]),
    # 5 days: 16 Oct (critical).
    ("100000002", "Ben", "Cooper", 10, TERM_DAYS[:5]),
    # 5 days: Tue 17 Nov, 3 school days waiting, past its 48 hours (overdue).
    ("100000003", "Mere", "Walker", 9, [NOV[11], NOV[12], NOV[13], NOV[16], NOV[17]]),
    # 5 days: Wed 18 Nov: due by the end of Friday 20 Nov (due).
    ("100000004", "Sam", "Lee", 9, [NOV[12], NOV[13], NOV[16], NOV[17], NOV[18]]),
    # 5 days: Fri 20 Nov, today (due).
    ("100000005", "Tui", "Parata", 11, [NOV[16], NOV[17], NOV[18], NOV[19], NOV[20]]),
    # Never absent: not in the queue.
    ("100000006", "Wiremu", "Tane", 11, []),
]


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def add_school(code: str, name: str, students: list[tuple]) -> School:
    """Create a school with a roster and a Term 4 register, then evaluate it as of TODAY."""
    school = school_setup(code=code, name=name, pack="nz", today=TODAY)
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to",
            [
                f"{code},{nid},{given},{family},2011-03-04,{level},2026-02-02,"
                for nid, given, family, level, _ in students
            ],
        ),
        file_name=f"{code}-roster.csv",
    )
    marks = [
        f"{code},{nid},{day.isoformat()},{session},{'T' if day in absent else 'P'}"
        for nid, _given, _family, _level, absent in students
        for day in TERM_DAYS
        for session in ("AM", "PM")
    ]
    import_register(
        csv_bytes("school_id,student_id,date,session,code", marks), file_name=f"{code}-register.csv"
    )
    school_evaluate(school=school, as_of=TODAY)
    return school


def add_user(username: str, school: School, role: str, first_name: str = "") -> object:
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=first_name or username.title(), last_name="Smith"
    )
    Membership.objects.create(user=user, organisation=school.organisation, role=role)
    return user


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """Make the pages think it is 10am on Friday 20 November 2026 in Auckland."""
    monkeypatch.setattr("stepwise.responses.views._now", lambda: NOW)


@pytest.fixture
def school(db) -> School:
    return add_school("NZ-0427", "Kōwhai College", STUDENTS)


@pytest.fixture
def other_school(db) -> School:
    return add_school("NZ-0999", "Tōtara School", [("200000001", "Tama", "Rua", 5, TERM_DAYS[:6])])


@pytest.fixture
def term(school) -> Term:
    return school.terms.get(year=2026, number=4)


@pytest.fixture
def students(school) -> dict[str, Student]:
    """Return the school's students by given name."""
    return {s.given_name: s for s in Student.objects.filter(enrolments__school=school)}


@pytest.fixture
def events(school) -> dict[tuple[str, str], ThresholdEvent]:
    """Return the school's threshold events by (given name, threshold key)."""
    return {
        (e.student.given_name, e.threshold): e
        for e in ThresholdEvent.objects.filter(term__school=school).select_related("student")
    }


@pytest.fixture
def officer(school):
    return add_user("officer", school, Membership.Role.ATTENDANCE_OFFICER, "Hana")


@pytest.fixture
def leader(school):
    return add_user("leader", school, Membership.Role.SCHOOL_LEADER)


@pytest.fixture
def admin(school):
    return add_user("admin", school, Membership.Role.SCHOOL_ADMIN)


@pytest.fixture
def org_admin(school):
    return add_user("orgadmin", school, Membership.Role.ORG_ADMIN)


@pytest.fixture
def outsider(other_school):
    return add_user("outsider", other_school, Membership.Role.ATTENDANCE_OFFICER)


sign_in_client = sign_in  # the shared helper, under the name these tests use


@pytest.fixture
def officer_client(client, officer):
    return sign_in_client(client, officer)


@pytest.fixture
def leader_client(client, leader):
    return sign_in_client(client, leader)


@pytest.fixture
def admin_client(client, admin):
    return sign_in_client(client, admin)


@pytest.fixture
def org_admin_client(client, org_admin):
    return sign_in_client(client, org_admin)


@pytest.fixture
def outsider_client(client, outsider):
    return sign_in_client(client, outsider)
