"""A small New Zealand school with one student in each tier, its officer, and an outsider.

Who may see what:
- `officer` is the attendance officer of Kōwhai College (NZ-0427): its standings and students.
- `outsider` is the attendance officer of Tōtara School (NZ-0999): nothing at Kōwhai College.
"""

import os
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from stepwise.accounts.models import Membership
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import School, Student

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the fixtures' database work from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

TODAY = date(2026, 11, 20)  # the last day with marks: a Friday in Term 4 2026
TERM = "2026T4"
TERM_START = date(2026, 10, 12)
LABOUR_DAY = date(2026, 10, 26)  # a public holiday: the school is closed
PASSWORD = "a long demo password 4 tests"

# Each student: (national id, given name, family name, year level, days absent, codes).
# The first `days absent` school days of the term take the absence codes in turn
# (whole days); every other day is P. Term 4 2026 has 29 school days up to TODAY.
STUDENTS = [
    ("100000001", "Aroha", "Ngata", 10, 29, ("M", "M", "M", "T", "T")),  # serious concern
    ("100000002", "Ben", "Cooper", 10, 12, ("T",)),  # concerning
    ("100000003", "Mere", "Walker", 9, 6, ("J",)),  # worrying
    ("100000004", "Sam", "Lee", 9, 0, ()),  # good
]


def school_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day != LABOUR_DAY:
            days.append(day)
        day += timedelta(days=1)
    return days


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def add_school(code: str, name: str, students: list[tuple]) -> School:
    school = school_setup(code=code, name=name, pack="nz", today=TODAY)
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to",
            [
                f"{code},{nid},{given},{family},2011-03-04,{level},2026-02-02,"
                for nid, given, family, level, *_ in students
            ],
        ),
        file_name=f"{code}-roster.csv",
    )
    marks = []
    for nid, _given, _family, _level, absent, codes in students:
        for i, day in enumerate(school_days(TERM_START, TODAY)):
            code_of_day = codes[i % len(codes)] if i < absent else "P"
            for session in ("AM", "PM"):
                marks.append(f"{code},{nid},{day.isoformat()},{session},{code_of_day}")
    import_register(
        csv_bytes("school_id,student_id,date,session,code", marks), file_name=f"{code}-register.csv"
    )
    return school


def add_user(username: str, school: School) -> object:
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=username.title(), last_name="Officer"
    )
    Membership.objects.create(
        user=user, organisation=school.organisation, role=Membership.Role.ATTENDANCE_OFFICER
    )
    return user


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school(db) -> School:
    school = add_school("NZ-0427", "Kōwhai College", STUDENTS)
    import_caregivers(
        csv_bytes(
            "school_id,student_id,caregiver_id,given_name,family_name,relationship,"
            "lives_with_student,parental_responsibility,email,phone,address,preferred_language",
            [
                "NZ-0427,100000001,CG-1,Hine,Ngata,mother,yes,yes,hine@example.org,021 000 0001,"
                '"1 Example Street, Town",mi',
                "NZ-0427,100000001,CG-2,Rawiri,Ngata,father,no,yes,,027 000 0002,,",
            ],
        ),
        file_name="NZ-0427-caregivers.csv",
    )
    return school


@pytest.fixture
def other_school(db) -> School:
    return add_school("NZ-0999", "Tōtara School", [("200000001", "Tama", "Rua", 5, 0, ())])


@pytest.fixture
def students(school) -> dict[str, Student]:
    """Return the school's students by given name."""
    return {s.given_name: s for s in Student.objects.filter(enrolments__school=school)}


@pytest.fixture
def officer(school):
    return add_user("officer", school)


@pytest.fixture
def outsider(other_school):
    return add_user("outsider", other_school)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client
