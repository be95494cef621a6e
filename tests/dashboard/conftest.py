"""A small New Zealand school and a small Kent school with known registers, and their staff.

Who may see what:
- `leader`, `officer` and `admin` work at Rimu College (NZ-2001): they all see its early-warning
  list, dashboard and export; only `admin` changes its targets.
- `outsider` is the leader of Tōtara School (NZ-2999): nothing at Rimu College.
- `kent_leader` leads Oakfield Academy (KT-3001), a Kent school.

Rimu College's register for Term 4 2026 up to TODAY (29 school days, 58 half-days; Labour Day,
Monday 26 October, is closed), with each student's expected standing:

| student | year | absences                                    | days | tier      | regular |
|---------|------|---------------------------------------------|------|-----------|---------|
| Aroha   | 9    | every Monday (M): 5 Mondays                 | 5    | worrying  | no      |
| Ben     | 9    | every Friday (T): 6 Fridays                 | 6    | worrying  | no      |
| Mere    | 9    | none                                        | 0    | good      | yes     |
| Sam     | 10   | none                                        | 0    | good      | yes     |
| Tama    | 10   | the first 16 school days (M)                | 16   | serious   | no      |
| Hemi    | 10   | Mon 16 – Thu 19 Nov (J)                     | 4    | good      | no      |
| Kiri    | 10   | Wed 14 and Thu 15 Oct (M)                   | 2    | good      | yes     |
| Wiremu  | 10   | Mon 16 – Thu 19 Nov and Fri 20 Nov AM (T)   | 4.5  | good      | no      |
"""

import os
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from stepwise.accounts.models import Membership
from stepwise.dashboard import selectors
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import School, Student
from stepwise.standings.services import school_evaluate
from tests.conftest import sign_in

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the fixtures' database work from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

TODAY = date(2026, 11, 20)  # a Friday in Term 4 2026 (NZ) and the Autumn term 2026 (England)
PASSWORD = "a long demo password 4 tests"
NZ_TERM_START = date(2026, 10, 12)
NZ_CLOSED = {date(2026, 10, 26)}  # Labour Day
KENT_TERM_START = date(2026, 9, 3)
KENT_CLOSED = {date(2026, 10, 26) + timedelta(days=i) for i in range(5)}  # half term

ROSTER_HEADER = (
    "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to"
)
REGISTER_HEADER = "school_id,student_id,date,session,code"


def school_days(first: date, last: date, closed: set[date]) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def squash(html: str) -> str:
    """Return the page with each run of whitespace as one space, for asserting on its sentences."""
    return " ".join(html.split())


def d(text: str) -> date:
    return date.fromisoformat(text)


NZ_DAYS = school_days(NZ_TERM_START, TODAY, NZ_CLOSED)
MONDAYS = {day for day in NZ_DAYS if day.weekday() == 0}
FRIDAYS = {day for day in NZ_DAYS if day.weekday() == 4}
LAST_WEEK = {d("2026-11-16"), d("2026-11-17"), d("2026-11-18"), d("2026-11-19")}

# Each NZ student: (national id, given, family, year level, absence code, {absent days},
# {(day, session) absent besides those}).
NZ_STUDENTS = [
    ("110000001", "Aroha", "Ngata", 9, "M", MONDAYS, set()),
    ("110000002", "Ben", "Cooper", 9, "T", FRIDAYS, set()),
    ("110000003", "Mere", "Walker", 9, "M", set(), set()),
    ("110000004", "Sam", "Lee", 10, "M", set(), set()),
    ("110000005", "Tama", "Rua", 10, "M", set(NZ_DAYS[:16]), set()),
    ("110000006", "Hemi", "Parata", 10, "J", LAST_WEEK, set()),
    ("110000007", "Kiri", "Tane", 10, "M", {d("2026-10-14"), d("2026-10-15")}, set()),
    ("110000008", "Wiremu", "Kingi", 10, "T", LAST_WEEK, {(d("2026-11-20"), "AM")}),
]

# Each Kent pupil: (UPN, given, family, year, absence code, [(day, session) absent]).
KENT_DAYS = school_days(KENT_TERM_START, TODAY, KENT_CLOSED)
BOTH = ("AM", "PM")
KENT_STUDENTS = [
    ("K00000000001", "Alfie", "Shaw", 8, "I", []),
    # 10 unauthorised sessions in the last week: penalty notice reached on Friday 20 November.
    ("K00000000002", "Bella", "Hart", 8, "O", [(x, s) for x in KENT_DAYS[-5:] for s in BOTH]),
    # Ill for the first 30 school days: 60 of 104 sessions, severe (and persistent) absence.
    ("K00000000003", "Charlie", "Moss", 9, "I", [(x, s) for x in KENT_DAYS[:30] for s in BOTH]),
    # A holiday not granted, 2-17 November (12 days, 24 sessions): persistent absence, penalty
    # notice reached on 6 November, Kent statutory intervention on 13 November.
    ("K00000000004", "Daisy", "Fox", 9, "G", [(x, s) for x in KENT_DAYS[-15:-3] for s in BOTH]),
]


def add_school(code: str, name: str, pack: str) -> School:
    return school_setup(code=code, name=name, pack=pack, today=TODAY)


def add_user(username: str, school: School, role: str):
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=username.title(), last_name="Tester"
    )
    Membership.objects.create(user=user, organisation=school.organisation, role=role)
    return user


def import_nz(code: str, students: list[tuple], *, enrolled_from: str = "2026-02-02") -> None:
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            [
                f"{code},{nid},{given},{family},2011-03-04,{level},{enrolled_from},"
                for nid, given, family, level, *_ in students
            ],
        ),
        file_name=f"{code}-roster.csv",
    )
    marks = []
    for nid, _given, _family, _level, absence, days, sessions in students:
        for day in NZ_DAYS:
            for session in ("AM", "PM"):
                absent = day in days or (day, session) in sessions
                marks.append(f"{code},{nid},{day},{session},{absence if absent else 'P'}")
    import_register(csv_bytes(REGISTER_HEADER, marks), file_name=f"{code}-register.csv")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def still_today(monkeypatch):
    """Hold the pages' today at TODAY (tests/conftest.py empties the cache around each test)."""
    monkeypatch.setattr(selectors, "today", lambda: TODAY)


@pytest.fixture
def school(db) -> School:
    school = add_school("NZ-2001", "Rimu College", "nz")
    import_nz("NZ-2001", NZ_STUDENTS)
    school_evaluate(school=school, as_of=TODAY)
    return school


@pytest.fixture
def students(school) -> dict[str, Student]:
    return {s.given_name: s for s in Student.objects.filter(enrolments__school=school)}


@pytest.fixture
def other_school(db) -> School:
    school = add_school("NZ-2999", "Tōtara School", "nz")
    import_nz("NZ-2999", [("220000001", "Rangi", "Tui", 5, "M", set(), set())])
    return school


@pytest.fixture
def kent_school(db) -> School:
    school = add_school("KT-3001", "Oakfield Academy", "kent")
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            [
                f"KT-3001,{upn},{given},{family},2014-03-04,{year},2026-09-01,"
                for upn, given, family, year, *_ in KENT_STUDENTS
            ],
        ),
        file_name="KT-3001-roster.csv",
    )
    marks = []
    for upn, _given, _family, _year, absence, absent in KENT_STUDENTS:
        for day in KENT_DAYS:
            for session, present in (("AM", "/"), ("PM", "\\")):
                code = absence if (day, session) in absent else present
                marks.append(f"KT-3001,{upn},{day},{session},{code}")
    import_register(csv_bytes(REGISTER_HEADER, marks), file_name="KT-3001-register.csv")
    school_evaluate(school=school, as_of=TODAY)
    return school


@pytest.fixture
def leader(school):
    return add_user("leader", school, Membership.Role.SCHOOL_LEADER)


@pytest.fixture
def officer(school):
    return add_user("officer", school, Membership.Role.ATTENDANCE_OFFICER)


@pytest.fixture
def admin(school):
    return add_user("admin", school, Membership.Role.SCHOOL_ADMIN)


@pytest.fixture
def outsider(other_school):
    return add_user("outsider", other_school, Membership.Role.SCHOOL_LEADER)


@pytest.fixture
def kent_leader(kent_school):
    return add_user("kentleader", kent_school, Membership.Role.SCHOOL_LEADER)


@pytest.fixture
def leader_client(client, leader):
    return sign_in(client, leader)


@pytest.fixture
def admin_client(client, admin):
    return sign_in(client, admin)
