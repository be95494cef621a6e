"""Shared fixtures: a New Zealand school with a small roster, built through the real services."""

from datetime import date

import pytest

from stepwise.register.importers.roster import import_roster
from stepwise.schools.services import school_add

TODAY = date(2026, 11, 20)


def csv_bytes(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


ROSTER_HEADER = (
    "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to"
)
REGISTER_HEADER = "school_id,student_id,date,session,code"


@pytest.fixture
def nz_school(db):
    return school_add(code="NZ-1", name="Kauri Test College", pack="nz", today=TODAY)


@pytest.fixture
def nz_roster(nz_school):
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "NZ-1,100000001,Aroha,Ngata,2011-03-04,10,2026-01-28,",
            "NZ-1,100000002,Ben,Lee,2011-05-04,10,2026-01-28,",
            "NZ-1,100000003,Sione,Taufa,2012-07-14,9,2026-11-02,",
        ),
        file_name="roster.csv",
    )
    return nz_school
