"""Registration certificates for Aroha Ngata (Kōwhai College, New Zealand) and for a pupil
of an English school in Kent.

Who may see what:
- `officer` (attendance officer) and `leader` (school leader) of Kōwhai College issue and
  download the school's certificates; `school_admin` sees them but may not issue (403).
- `outsider` (attendance officer, Tōtara School) gets 404 for Kōwhai College's students.
- `caseworker` and `manager` (Kōwhai Attendance Service) issue and download certificates
  for Aroha through her case; `other_caseworker` (Harbour Attendance Service) gets 404.

Aroha is marked from Term 4's first day (12 October 2026) to TODAY (20 November 2026):
M, M, M, T, T whole days in turn. Terms 1 to 3 have no marks.
"""

import subprocess
from datetime import date

import pytest
from django.utils import timezone

from stepwise.accounts.models import Membership
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import School, Student
from tests.cases.conftest import *  # noqa: F403
from tests.front.conftest import csv_bytes
from tests.referrals.conftest import add_member

REGISTER_HEADER = "school_id,student_id,date,session,code"
KENT_TODAY = date(2026, 11, 20)


def register_file(school: str, rows: list[tuple[str, str, str, str]]) -> bytes:
    """Return a register CSV: rows of (student id, date, session, code)."""
    return csv_bytes(REGISTER_HEADER, [f"{school},{s},{d},{p},{c}" for s, d, p, c in rows])


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


@pytest.fixture
def aroha(students) -> Student:
    return students["Aroha"]


@pytest.fixture
def school_admin(school):
    return add_member("schooladmin", school.organisation, Membership.Role.SCHOOL_ADMIN)


@pytest.fixture
def officer_with_email(officer):
    officer.email = "officer@kowhai.example.org"
    officer.save()
    return officer


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def kent_school(db) -> School:
    """Oakfield Primary (Kent), with Ava Smith marked present, N and O in Term 1 2026/27."""
    school = school_setup(code="KT-1", name="Oakfield Primary", pack="kent", today=KENT_TODAY)
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,"
            "enrolled_to",
            ["KT-1,A123456789012,Ava,Smith,2016-05-06,5,2025-09-01,"],
        ),
        file_name="kent-roster.csv",
    )
    rows = []
    for day, am, pm in [
        ("2026-09-03", "/", "\\"),
        ("2026-09-04", "N", "N"),
        ("2026-09-07", "O", "I"),
        ("2026-09-08", "/", "N"),
    ]:
        rows += [("A123456789012", day, "AM", am), ("A123456789012", day, "PM", pm)]
    import_register(register_file("KT-1", rows), file_name="kent-register.csv")
    return school


@pytest.fixture
def ava(kent_school) -> Student:
    return Student.objects.get(national_id="A123456789012")
